"""Queries of the lifecycle jobs and webhooks: expired meetings, overdue requests, job locks,
webhook events, what Zoom said about a meeting, and the attention list of the dashboard.

Functions that write audit events or attention flags run inside :meth:`Database.allocation`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import exists, select, update
from sqlalchemy.orm import Session

from zoomsvc.store.models import (
    Attention,
    JobLock,
    Meeting,
    MeetingSync,
    Request,
    WebhookEvent,
)
from zoomsvc.store.statuses import ACTIVE_MEETING, MeetingStatus
from zoomsvc.workflow import OPEN_STATES, State

# Requests the cleanup still has to settle once their time has passed.
UNSETTLED_STATES = tuple(s.value for s in OPEN_STATES | {State.FULL, State.SENT, State.RECEIVED})
FINISHED_STATES = (State.CANCELLED.value, State.DONE.value, State.EXPIRED.value)


# Cleanup ----------------------------------------------------------------------------------

def expired_meetings(session: Session, cutoff: datetime, limit: int | None = None
                     ) -> list[tuple[Meeting, Request]]:
    """Live meetings that ended before ``cutoff`` or whose request was cancelled, oldest first."""
    query = (select(Meeting, Request).join(Request, Meeting.request_id == Request.id)
             .where(Meeting.status == MeetingStatus.LIVE, Meeting.zoom_id.is_not(None),
                    (Meeting.end_at <= cutoff) | (Request.state == State.CANCELLED.value))
             .order_by(Meeting.end_at, Meeting.id))
    if limit is not None:
        query = query.limit(limit)
    return [(row[0], row[1]) for row in session.execute(query)]


def overdue_requests(session: Session, cutoff: datetime) -> list[Request]:
    """Unsettled requests whose time ended before ``cutoff`` and that own no live meeting."""
    live = exists().where(Meeting.request_id == Request.id, Meeting.status == MeetingStatus.LIVE)
    return list(session.scalars(
        select(Request).where(Request.state.in_(UNSETTLED_STATES), Request.end_at <= cutoff,
                              ~live).order_by(Request.end_at, Request.id)))


def finished_with_intents(session: Session) -> list[Request]:
    """Cancelled, done or expired requests still holding an intent (it blocks the calendar)."""
    pending = exists().where(Meeting.request_id == Request.id,
                             Meeting.status == MeetingStatus.INTENT)
    return list(session.scalars(select(Request).where(
        Request.state.in_(FINISHED_STATES), pending).order_by(Request.id)))


def intents_of(session: Session, request_id: int) -> list[Meeting]:
    """The request's pending intents (at most one, by the partial unique index)."""
    return list(session.scalars(select(Meeting).where(Meeting.request_id == request_id,
                                                      Meeting.status == MeetingStatus.INTENT)))


# Reconcile --------------------------------------------------------------------------------

def live_meetings(session: Session, host: str | None = None) -> list[Meeting]:
    """The service's live meetings (of one host, compared case-insensitively), by start."""
    query = select(Meeting).where(Meeting.status == MeetingStatus.LIVE,
                                  Meeting.zoom_id.is_not(None))
    rows = list(session.scalars(query.order_by(Meeting.start_at, Meeting.id)))
    return [m for m in rows if host is None or m.host.lower() == host.lower()]


def pending_intents(session: Session, host: str | None = None) -> list[Meeting]:
    """Every intent row (of one host), oldest first."""
    rows = list(session.scalars(select(Meeting).where(Meeting.status == MeetingStatus.INTENT)
                                .order_by(Meeting.created_at, Meeting.id)))
    return [m for m in rows if host is None or m.host.lower() == host.lower()]


def meeting_by_zoom_id(session: Session, zoom_id: int) -> Meeting | None:
    """The service's meeting row of a Zoom meeting id, in any status."""
    return session.scalars(select(Meeting).where(Meeting.zoom_id == zoom_id)).one_or_none()


def overlapping_active(session: Session, meeting: Meeting) -> list[Meeting]:
    """Other pending or live meetings of the same host overlapping ``meeting``'s time."""
    rows = session.scalars(select(Meeting).where(
        Meeting.id != meeting.id, Meeting.status.in_(ACTIVE_MEETING),
        Meeting.start_at < meeting.end_at, Meeting.end_at > meeting.start_at))
    return [m for m in rows if m.host.lower() == meeting.host.lower()]


def last_zoom_report(session: Session, meeting_id: int) -> MeetingSync | None:
    """What Zoom last said about a meeting, or None when it never said anything."""
    return session.get(MeetingSync, meeting_id)


def sync_of(session: Session, meeting: Meeting) -> MeetingSync:
    """What Zoom last said about ``meeting`` (an empty record the first time)."""
    sync = session.get(MeetingSync, meeting.id)
    if sync is None:
        sync = MeetingSync(meeting_id=meeting.id, ended_count=0)
        session.add(sync)
        session.flush()  # so that the next lookup in this transaction finds it
    return sync


# Job locks --------------------------------------------------------------------------------

def job_lock(session: Session, name: str) -> JobLock | None:
    """The lock row of a job, if the job ever ran."""
    return session.get(JobLock, name)


def renew_job_lock(session: Session, name: str, holder: str, now: datetime,
                   expires_at: datetime) -> bool:
    """Push the lock's expiry on if ``holder`` still holds it; False when it was lost."""
    result = session.execute(
        update(JobLock).where(JobLock.name == name, JobLock.holder == holder,
                              JobLock.released_at.is_(None))
        .values(heartbeat_at=now, expires_at=expires_at))
    return bool(getattr(result, "rowcount", 0))


# Webhook events ---------------------------------------------------------------------------

def webhook_seen(session: Session, dedup_key: str) -> bool:
    """Whether an event with this key was already received and accepted."""
    return session.scalars(select(WebhookEvent.id).where(
        WebhookEvent.dedup_key == dedup_key)).first() is not None


# Attention --------------------------------------------------------------------------------

def raise_attention(session: Session, *, kind: str, subject: str, detail: str, now: datetime,
                    request_id: int | None = None, meeting_id: int | None = None,
                    zoom_id: int | None = None) -> bool:
    """Open a flag for staff, or refresh the open one about the same thing; True when new."""
    key = f"{kind}:{subject}"
    flag = session.scalars(select(Attention).where(
        Attention.key == key, Attention.resolved_at.is_(None))).first()
    if flag is not None:
        if flag.detail != detail:  # unchanged news leaves the row alone: re-runs write nothing
            flag.detail, flag.updated_at = detail, now
        return False
    session.add(Attention(key=key, kind=kind, request_id=request_id, meeting_id=meeting_id,
                          zoom_id=zoom_id, detail=detail, created_at=now, updated_at=now))
    return True


def resolve_attention(session: Session, flag_id: int, *, by: str, now: datetime) -> bool:
    """Close one flag (staff dealt with it); False when it was not open."""
    flag = session.get(Attention, flag_id)
    if flag is None or flag.resolved_at is not None:
        return False
    flag.resolved_at, flag.resolved_by = now, by
    return True


def resolve_request_flags(session: Session, request_id: int, kinds: tuple[str, ...], *, by: str,
                          now: datetime) -> None:
    """Close the open flags of ``kinds`` about one request (it is settled: nothing to do)."""
    for flag in session.scalars(select(Attention).where(
            Attention.request_id == request_id, Attention.kind.in_(kinds),
            Attention.resolved_at.is_(None))):
        flag.resolved_at, flag.resolved_by = now, by


def resolve_meeting_flags(session: Session, meeting_id: int, kinds: tuple[str, ...], *, by: str,
                          now: datetime) -> None:
    """Close the open flags of ``kinds`` about one meeting (the cause went away)."""
    for flag in session.scalars(select(Attention).where(
            Attention.meeting_id == meeting_id, Attention.kind.in_(kinds),
            Attention.resolved_at.is_(None))):
        flag.resolved_at, flag.resolved_by = now, by


@dataclass(frozen=True)
class AttentionItem:
    """One open flag as the dashboard lists it."""

    id: int
    kind: str
    detail: str
    request_code: str | None
    request_state: str | None
    zoom_id: int | None
    since: datetime
    updated_at: datetime


def open_attention(session: Session, request_id: int | None = None) -> list[AttentionItem]:
    """Open flags, oldest first (of one request when ``request_id`` is given)."""
    query = (select(Attention, Request.code, Request.state)
             .outerjoin(Request, Attention.request_id == Request.id)
             .where(Attention.resolved_at.is_(None)))
    if request_id is not None:
        query = query.where(Attention.request_id == request_id)
    return [AttentionItem(flag.id, flag.kind, flag.detail, code, state, flag.zoom_id,
                          flag.created_at, flag.updated_at)
            for flag, code, state in session.execute(query.order_by(Attention.created_at,
                                                                    Attention.id))]


def requests_needing_attention(session: Session) -> list[Request]:
    """Requests with at least one open flag (for a badge or a filter on the dashboard)."""
    flagged = exists().where(Attention.request_id == Request.id, Attention.resolved_at.is_(None))
    return list(session.scalars(select(Request).where(flagged).order_by(Request.start_at)))
