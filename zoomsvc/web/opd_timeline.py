"""The request's history as the agency (OPD) reads it: one sentence per event, in its own words.

The audit trail is written for staff: its notes carry pool account e-mails, Zoom errors,
officials' user names and review comments. None of that reaches an OPD account; each event is
told by what it means for the agency, from its states alone. Events that record only internal
housekeeping (a reservation released, a meeting adopted after a lost answer) are left out.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from zoomsvc.store.models import AuditEvent
from zoomsvc.workflow import State

# The sentence of a move into a state (the state it came from does not matter to the agency).
ENTERED = {
    State.APPROVED: "Surat permohonan diterima dan dicatat.",
    State.SCHEDULING: "Ketersediaan jadwal dan akun Zoom sedang diperiksa.",
    State.FULL: "Jadwal yang diminta sudah penuh; alternatif waktu disiapkan.",
    State.SCHEDULED: "Rapat Zoom telah dibuat.",
    State.DRAFT_READY: "Surat tanggapan sedang disiapkan.",
    State.REVIEWED: "Surat tanggapan telah diperiksa Kepala Bidang.",
    State.SIGNED: "Surat tanggapan telah ditandatangani Kepala Dinas.",
    State.SENT: "Surat tanggapan telah dikirim kepada OPD.",
    State.RECEIVED: "Surat tanggapan telah diterima OPD.",
    State.DONE: "Layanan selesai.",
    State.CANCELLED: "Permohonan dibatalkan.",
    State.EXPIRED: "Waktu rapat telah lewat sebelum layanan selesai; permohonan ditutup.",
}
# Events that keep the state, by their step: only those that change something for the agency.
NOTED = {
    "di luar layanan": "Rapat Zoom diubah atau dihapus di luar layanan; petugas akan "
                       "menindaklanjutinya.",
    "selesai": "Layanan selesai.",
    "permintaan OPD": "Permintaan perubahan atau pembatalan dicatat dan diteruskan ke petugas.",
    "permintaan ditutup": "Permintaan perubahan atau pembatalan telah ditanggapi petugas.",
    "perubahan data": "Data permohonan diperbaiki petugas.",
    "pembatalan": "Rapat Zoom dihapus karena permohonan dibatalkan.",
}
# A move back to the calendar check because the meeting got a new time.
RESCHEDULED = "Jadwal rapat diubah; rapat Zoom disesuaikan."
REDRAFTED = "Surat tanggapan sedang diperbaiki."


@dataclass(frozen=True)
class OpdEvent:
    """One line of the agency's history: when, and what it means for the agency."""

    at: datetime
    text: str


def opd_sentence(event: AuditEvent) -> str | None:
    """The agency's sentence for one audit event, or None when it is internal only."""
    try:
        target = State(event.to_state)
        source = State(event.from_state) if event.from_state else None
    except ValueError:
        return None
    if source == target:
        if event.sop_step in NOTED:
            return NOTED[event.sop_step]
        return REDRAFTED if target == State.DRAFT_READY else None
    if source == State.REVIEWED and target == State.DRAFT_READY:
        return REDRAFTED
    if target == State.SCHEDULING and event.sop_step == "perubahan":
        return RESCHEDULED
    return ENTERED.get(target)


def opd_timeline(events: list[AuditEvent]) -> list[OpdEvent]:
    """The agency's history of a request, oldest first, internal events left out."""
    lines = [(event.at, opd_sentence(event)) for event in events]
    return [OpdEvent(at, text) for at, text in lines if text is not None]
