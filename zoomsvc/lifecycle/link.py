"""Staff linking a Zoom meeting to a request by hand: the only way a meeting the service did
not prove to be its own (made by hand, or by a version without owner tags) becomes a request's.

The meeting must exist on a host of the pool and must not be on record for any request; the
link is recorded as the request's live meeting with its own audit event, so that the cleanup
later deletes it like any other meeting of the service.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from zoomsvc.config import Config
from zoomsvc.lifecycle.drift import PoolFacts, flag_clash, note_event, shown_id
from zoomsvc.store import Database
from zoomsvc.store import lifecycle_records as lrec
from zoomsvc.store import records as rec
from zoomsvc.store.models import Meeting
from zoomsvc.store.statuses import MeetingStatus
from zoomsvc.workflow import Role, State
from zoomsvc.zoom import ZoomClient, ZoomNotFound

# States whose request may still receive a meeting (a full one uses its alternatives instead).
LINKABLE = frozenset({State.APPROVED, State.SCHEDULING, State.SCHEDULED, State.DRAFT_READY,
                      State.REVIEWED, State.SIGNED, State.SENT, State.RECEIVED})


class LinkRefused(ValueError):
    """The link would be wrong (unknown request or meeting, foreign host, owned elsewhere)."""


@dataclass(frozen=True)
class Linked:
    """What was linked: the request, the meeting and its host and time."""

    code: str
    zoom_id: int
    host: str
    start: datetime
    end: datetime
    state: str


def link_meeting(config: Config, db: Database, client: ZoomClient, code: str, zoom_id: int, *,
                 actor: str, now: datetime) -> Linked:
    """Record Zoom meeting ``zoom_id`` as the live meeting of request ``code``.

    Raises :class:`LinkRefused` when the link is not allowed (nothing written), and
    :class:`~zoomsvc.zoom.ZoomError` or a database error when Zoom or storage failed.
    """
    if not actor.strip():
        raise LinkRefused("--actor wajib diisi dengan nama petugas")
    try:
        meeting = client.get_meeting(zoom_id)
    except ZoomNotFound as exc:
        raise LinkRefused(f"rapat Zoom {zoom_id} tidak ditemukan di Zoom") from exc
    names = {meeting.host_email.lower(), meeting.host_id.lower()} - {""}
    host = next((h.user for h in config.zoom.hosts if h.user.lower() in names), None)
    if host is None:
        raise LinkRefused(f"rapat Zoom {zoom_id} bukan milik akun Zoom layanan (pool)")
    if meeting.start_time is None or meeting.duration <= 0:
        raise LinkRefused(f"rapat Zoom {zoom_id} tidak punya waktu mulai dan durasi")
    start, end = meeting.start_time, meeting.start_time + timedelta(minutes=meeting.duration)
    with db.serialized_write() as session:
        request = rec.request_by_code(session, code)
        if request is None:
            raise LinkRefused(f"permohonan {code} tidak ditemukan")
        other = lrec.meeting_by_zoom_id(session, zoom_id)
        if other is not None:
            raise LinkRefused(f"rapat Zoom {zoom_id} sudah tercatat untuk permohonan "
                              f"{other.request.code}")
        if State(request.state) not in LINKABLE or request.full_reason:
            raise LinkRefused(f"permohonan {code} berstatus {request.state} dan tidak dapat "
                              "diberi rapat")
        row = rec.active_meeting(session, request.id)
        if row is not None and row.status == MeetingStatus.LIVE:
            raise LinkRefused(f"permohonan {code} sudah punya rapat {shown_id(row.zoom_id)}")
        if row is None:
            row = Meeting(request_id=request.id, marker=code, host=host, status=MeetingStatus.LIVE,
                          start_at=start, end_at=end, created_at=now)
            session.add(row)
        row.status, row.host, row.owner_tag = MeetingStatus.LIVE, host, None
        row.zoom_id, row.zoom_uuid = meeting.id, meeting.uuid
        row.passcode, row.join_url = meeting.password, meeting.join_url
        row.start_at, row.end_at = start, end
        request.last_error = None
        session.flush()
        note = f"rapat Zoom {shown_id(meeting.id)} ditautkan manual oleh {actor.strip()}"
        if request.state == State.APPROVED.value:
            rec.transition(session, request, State.SCHEDULING, actor=actor, role=Role.STAF,
                           now=now)
        if request.state == State.SCHEDULING.value:
            rec.transition(session, request, State.SCHEDULED, actor=actor, role=Role.STAF,
                           now=now, note=note)
        else:
            note_event(session, request, actor=actor, now=now, note=note, step="5")
        lrec.resolve_request_flags(session, request.id, ("ownership_conflict",), by=actor,
                                   now=now)
        flag_clash(session, row, actor=actor, now=now, facts=PoolFacts.from_config(config))
        return Linked(code, meeting.id, host, start, end, request.state)
