"""Making a request's meeting again after it was deleted in Zoom outside the service.

The deleted meeting (``gone_outside``) is closed on record and the request goes back to
``scheduling`` with an audit event saying why; :meth:`Provisioner.provision` then books it the
usual way (calendar check, an intent with a fresh owner tag, Zoom's create, adoption of a meeting
a crashed run left), so the no-duplicate guarantees of provisioning hold here too. The same slot
is taken when a host is free; otherwise the request is ``full`` with alternatives.

Only before the letter is signed: a signed letter names the old meeting and cannot be redrawn.
"""

from __future__ import annotations

from datetime import datetime

from zoomsvc.provisioning.outcome import ProvisioningFailed
from zoomsvc.store import Database
from zoomsvc.store import lifecycle_records as lrec
from zoomsvc.store import records as rec
from zoomsvc.store.models import Meeting
from zoomsvc.store.statuses import ACTIVE_MEETING
from zoomsvc.workflow import Role, State

# The states whose letter is not yet signed, from which a gone meeting can be made again.
RECREATABLE = (State.DRAFT_READY, State.REVIEWED)
# The flags that described the meeting now replaced.
FLAGS_OF_THE_OLD_MEETING = ("gone_outside", "changed_outside", "clash")


def gone_meeting(meetings: list[Meeting]) -> Meeting | None:
    """The meeting deleted in Zoom outside the service, when the request has no other one."""
    if any(m.status in ACTIVE_MEETING for m in meetings):
        return None
    return next((m for m in meetings if m.status == "gone_outside"), None)


def reopen_gone(db: Database, code: str, *, actor: str, role: Role, now: datetime) -> None:
    """Close the gone meeting on record and put the request back to ``scheduling``; raises
    :class:`ProvisioningFailed` with the reason when there is nothing to make again."""
    with db.serialized_write() as session:
        request = rec.request_by_code(session, code)
        if request is None:
            raise ProvisioningFailed(code, f"permohonan {code} tidak ditemukan")
        gone = gone_meeting(list(request.meetings))
        if gone is None:
            raise ProvisioningFailed(code, f"rapat permohonan {code} tidak dihapus di luar "
                                     "layanan; tidak ada yang perlu dibuat ulang")
        if State(request.state) not in RECREATABLE:
            raise ProvisioningFailed(code, "surat permohonan ini sudah ditandatangani atau "
                                     "permohonannya sudah selesai; rapatnya tidak dapat dibuat "
                                     "ulang dari sini")
        old_id = gone.zoom_id
        gone.status = "deleted"
        lrec.resolve_meeting_flags(session, gone.id, FLAGS_OF_THE_OLD_MEETING, by=actor,
                                   now=now)
        rec.transition(session, request, State.SCHEDULING, actor=actor, role=role, now=now,
                       note=f"rapat dibuat ulang: rapat Zoom {old_id or '-'} dihapus di luar "
                            "layanan")


def void_after_full(db: Database, code: str) -> None:
    """The slot was no longer free: the open letter (about a meeting) gives way to the
    "penuh" letter; its number stays on record."""
    with db.serialized_write() as session:
        request = rec.request_by_code(session, code)
        if request is not None:
            rec.void_open_letters(session, request.id,
                                  "diganti: jadwal penuh saat rapat dibuat ulang")
