"""Reading and writing requests, meetings, counters and the audit chain.

Functions that append to the audit chain or allocate a counter must run inside
:meth:`Database.allocation`, which serializes them across processes.
"""

from __future__ import annotations

import hmac
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import select, update
from sqlalchemy.orm import Session, object_session

from zoomsvc.letter_key import letter_key
from zoomsvc.store.db import AUDIT_KEY_INFO
from zoomsvc.store.models import AuditEvent, Counter, Letter, Meeting, Request
from zoomsvc.store.statuses import ACTIVE_MEETING, OPEN_LETTER, LetterStatus
from zoomsvc.workflow import (
    CHAIN_KEYED,
    GENESIS_HASH,
    Role,
    State,
    keyed_chain_hash,
    step_for,
    within_sla,
)


def next_in_sequence(session: Session, name: str, year: int) -> int:
    """The next number of a yearly sequence; never hands out the same number twice."""
    bumped = session.execute(
        update(Counter).where(Counter.name == name, Counter.year == year)
        .values(value=Counter.value + 1).returning(Counter.value)
    ).scalar_one_or_none()
    if bumped is not None:
        return bumped
    session.add(Counter(name=name, year=year, value=1))
    session.flush()
    return 1


def find_request(session: Session, agency: str, letter_number: str) -> Request | None:
    """The request made for this agency's letter, if it was already submitted, however the
    number was typed (see :func:`zoomsvc.letter_key.letter_key`)."""
    return session.scalars(select(Request).where(
        Request.agency == agency, Request.letter_key == letter_key(letter_number))).one_or_none()


def request_by_code(session: Session, code: str) -> Request | None:
    """The request with this code (e.g. ``ZM-2026-0001``)."""
    return session.scalars(select(Request).where(Request.code == code)).one_or_none()


def meeting_by_id(session: Session, meeting_id: int) -> Meeting | None:
    """The meeting row with this id (in any status), if it still exists."""
    return session.get(Meeting, meeting_id)


def active_meeting(session: Session, request_id: int) -> Meeting | None:
    """The request's meeting that is pending (intent) or live, if any."""
    return session.scalars(select(Meeting).where(
        Meeting.request_id == request_id, Meeting.status.in_(ACTIVE_MEETING))).one_or_none()


def codes_with_meetings_in(session: Session, status: str) -> list[str]:
    """The codes of the requests that have a meeting in ``status``, sorted."""
    return sorted(set(session.scalars(select(Request.code).join(
        Meeting, Meeting.request_id == Request.id).where(Meeting.status == status))))


def meetings_between(session: Session, start: datetime, end: datetime) -> list[Meeting]:
    """Pending and live meetings of every host overlapping ``[start, end)``."""
    return list(session.scalars(select(Meeting).where(
        Meeting.status.in_(ACTIVE_MEETING), Meeting.start_at < end, Meeting.end_at > start)))


def known_zoom_ids(session: Session, zoom_ids: Iterable[int]) -> set[int]:
    """Which of these Zoom meeting ids the service has on record (in any status)."""
    ids = list(zoom_ids)
    if not ids:
        return set()
    return set(session.scalars(select(Meeting.zoom_id).where(Meeting.zoom_id.in_(ids))))


def void_open_letters(session: Session, request_id: int, reason: str) -> None:
    """Void the request's unsigned letters; their numbers stay recorded and are not reused."""
    for letter in session.scalars(select(Letter).where(
            Letter.request_id == request_id, Letter.status.in_(OPEN_LETTER))):
        letter.status = LetterStatus.VOID
        letter.review_note = reason


def attach_scan(session: Session, code: str, sha256: str) -> None:
    """Link the scanned request letter (kept by its hash) to the request."""
    request = request_by_code(session, code)
    if request is not None:
        request.letter_file_sha256 = sha256


def transition(session: Session, request: Request, target: State, *, actor: str, role: Role,
               now: datetime, note: str = "") -> AuditEvent:
    """Move ``request`` to ``target`` if the SOP allows it for ``role``, and append the event.

    Raises :class:`~zoomsvc.workflow.TransitionRefused` otherwise; nothing is written then.
    """
    source = State(request.state)
    step = step_for(source, target, role)
    elapsed = now - request.state_since
    if within_sla(step, elapsed) is False:
        note = (note + " " if note else "") + "[melewati Mutu Baku]"
    event = append_event(session, request, actor=actor, role=role, now=now, note=note,
                         from_state=source, to_state=target, sop_step=step.sop_step,
                         elapsed_seconds=int(elapsed.total_seconds()),
                         sla_seconds=int(step.sla.total_seconds()) if step.sla else None)
    request.state = target.value
    request.state_since = now
    return event


def append_event(session: Session, request: Request, *, actor: str, role: Role, now: datetime,
                 note: str, from_state: State | None, to_state: State, sop_step: str = "",
                 elapsed_seconds: int | None = None, sla_seconds: int | None = None
                 ) -> AuditEvent:
    """Append one event to the hash chain (caller holds the writer lock)."""
    last = session.execute(select(AuditEvent.seq, AuditEvent.hash)
                           .order_by(AuditEvent.seq.desc()).limit(1)).one_or_none()
    seq, prev_hash = (last[0] + 1, last[1]) if last else (1, GENESIS_HASH)
    if request.id is None:
        session.flush()
    event = AuditEvent(seq=seq, request_id=request.id, at=now, actor=actor, role=role.value,
                       from_state=from_state.value if from_state else None,
                       to_state=to_state.value, note=note, sop_step=sop_step,
                       elapsed_seconds=elapsed_seconds, sla_seconds=sla_seconds,
                       prev_hash=prev_hash, hash="", chain=CHAIN_KEYED)
    event.hash = keyed_chain_hash(audit_key(session), prev_hash, event_fields(event))
    session.add(event)
    session.flush()
    return event


def event_fields(event: AuditEvent) -> dict[str, object]:
    """The fields the chain hash covers (everything but the hashes themselves)."""
    # In UTC, as stored: an aware time in another zone would hash differently once read back.
    return {"seq": event.seq, "request_id": event.request_id,
            "at": event.at.astimezone(UTC).isoformat(),
            "actor": event.actor, "role": event.role, "from": event.from_state,
            "to": event.to_state, "note": event.note, "sop_step": event.sop_step,
            "elapsed_seconds": event.elapsed_seconds, "sla_seconds": event.sla_seconds}


@dataclass(frozen=True)
class ChainBreak:
    """Where the audit chain stops holding: the event's seq and what is wrong."""

    seq: int
    problem: str


def audit_key(session: Session) -> str:
    """The audit chain's key, carried by every session of :class:`~zoomsvc.store.Database`."""
    key = session.info.get(AUDIT_KEY_INFO)
    if not isinstance(key, str) or not key:
        raise RuntimeError("session without an audit key: open it through Database")
    return key


def verify_chain(events: Iterable[AuditEvent], key: str | None = None
                 ) -> Iterator[ChainBreak]:
    """Every place where an event was changed, removed or inserted (events in seq order).

    Each link is an HMAC under ``key`` (by default the key of the session the events were read
    with). An unkeyed event (plain SHA-256) is a break too: migration 0007 keyed every event
    whose chain held, so one written without the key since was rewritten.
    """
    expected_prev, expected_seq = GENESIS_HASH, 1
    for event in events:
        if event.seq != expected_seq:
            yield ChainBreak(event.seq, f"urutan melompat: diharapkan {expected_seq} "
                             "(peristiwa dihapus atau disisipkan)")
        if event.prev_hash != expected_prev:
            yield ChainBreak(event.seq, "tautan ke peristiwa sebelumnya tidak cocok")
        if event.chain != CHAIN_KEYED:
            yield ChainBreak(event.seq, "peristiwa tidak ditandai dengan kunci audit "
                             "(ditulis ulang, atau rusak sebelum rantai diberi kunci)")
        else:
            session = object_session(event)
            link_key = key if key is not None else audit_key(session) if session else ""
            if not hmac.compare_digest(
                    keyed_chain_hash(link_key, event.prev_hash, event_fields(event)),
                    event.hash):
                yield ChainBreak(event.seq, "isi peristiwa berubah setelah dicatat (atau "
                                 "kunci audit berbeda)")
        expected_prev, expected_seq = event.hash, event.seq + 1


def chain_head(session: Session) -> str | None:
    """The hash of the newest audit event (None while the trail is empty)."""
    return session.scalars(select(AuditEvent.hash).order_by(AuditEvent.seq.desc())
                           .limit(1)).one_or_none()


def all_events(session: Session) -> Iterator[AuditEvent]:
    """The whole audit trail in order, streamed."""
    yield from session.scalars(select(AuditEvent).order_by(AuditEvent.seq)
                               .execution_options(yield_per=1000))
