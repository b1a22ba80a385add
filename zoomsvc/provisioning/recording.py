"""Recording a request (permohonan): once per agency letter, with its code and first audit event."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.exc import IntegrityError

from zoomsvc.calendar import CalendarRejected, Problem
from zoomsvc.domain import RequestInput
from zoomsvc.store import Database
from zoomsvc.store import records as rec
from zoomsvc.store.models import Request
from zoomsvc.workflow import Role, State


def existing_code(db: Database, data: RequestInput) -> str | None:
    """The code of the request already made for this agency's letter, if any."""
    with db.session() as session:
        existing = rec.find_request(session, data.agency, data.letter_number)
        return existing.code if existing else None


def record_request(db: Database, data: RequestInput, *, actor: str, role: Role,
                   now: datetime, holiday_override: str | None = None) -> tuple[str, bool]:
    """Store an approved request with a new code (``ZM-2026-0001``); (code, created).

    ``holiday_override`` (the staff's reason to allow a holiday or a break) is kept with the
    request and written into its first audit event.

    Two workers recording the same letter at once end with one request: the loser of the
    unique constraint returns the winner's code.
    """
    try:
        with db.serialized_write() as session:
            number = rec.next_in_sequence(session, "request", now.year)
            request = Request(
                code=f"ZM-{now.year}-{number:04d}", agency=data.agency,
                letter_number=data.letter_number, letter_date=data.letter_date,
                subject=data.subject, srikandi_agenda=data.srikandi_agenda, topic=data.topic,
                agenda=data.agenda, start_at=data.start, end_at=data.end,
                participants=data.participants, contact_name=data.contact.name,
                contact_phone=data.contact.phone, contact_email=data.contact.email,
                state=State.APPROVED.value, state_since=now, created_at=now,
                holiday_override=holiday_override)
            session.add(request)
            session.flush()
            note = f"surat {data.letter_number}"
            if holiday_override is not None:
                note += f"; hari libur/jam istirahat diizinkan: {holiday_override}"
            rec.append_event(session, request, actor=actor, role=role, now=now,
                             note=note, from_state=None,
                             to_state=State.APPROVED, sop_step="1–3")
            return request.code, True
    except IntegrityError:
        code = existing_code(db, data)
        if code is None:
            raise
        return code, False


def override_reason(reason: str | None, role: Role) -> str | None:
    """The staff's reason to allow a holiday or a break, or None when there is none."""
    if reason is None:
        return None
    if role not in (Role.STAF, Role.SUBKOORDINATOR):
        raise CalendarRejected([Problem("override_holiday", "Hanya staf yang dapat mengizinkan "
                                        "rapat pada hari libur atau jam istirahat.")])
    if not reason.strip():
        raise CalendarRejected([Problem("override_holiday", "Alasan rapat pada hari libur atau "
                                        "jam istirahat wajib diisi.")])
    return reason.strip()[:500]
