"""What the service records when a meeting's life on Zoom moves on: deleted by the cleanup,
deleted or changed outside the service, clashing with the calendar, over and settled.

Shared by the cleanup, the reconcile job and the webhook handler, so that each of them writes
the same states, audit events and attention flags for the same fact. Every function here runs
inside :meth:`Database.allocation` (it appends to the audit chain).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta, tzinfo
from zoneinfo import ZoneInfo

from sqlalchemy.orm import Session

from zoomsvc import formatting
from zoomsvc.config import Config
from zoomsvc.store import lifecycle_records as lrec
from zoomsvc.store import records as rec
from zoomsvc.store.models import Meeting, Request
from zoomsvc.store.statuses import MeetingStatus
from zoomsvc.workflow import OPEN_STATES, Role, State

# A request in these states no longer wants its meeting: deleting it on Zoom is expected.
FINISHED = frozenset({State.CANCELLED, State.DONE, State.EXPIRED})
# Zoom keeps whole seconds and whole minutes: smaller differences are not a change.
TIME_TOLERANCE = timedelta(seconds=59)
FLAGS_OF_A_LIVE_MEETING = ("gone_outside", "changed_outside", "clash")


@dataclass(frozen=True)
class PoolFacts:
    """What the lifecycle needs from the configuration: host concurrency and the local zone."""

    concurrency: dict[str, int] = field(default_factory=dict)
    zone: tzinfo = UTC
    zone_label: str = "UTC"

    @classmethod
    def from_config(cls, config: Config) -> PoolFacts:
        """From the configuration: the host pool, the agency's zone and its label."""
        return cls({h.user.lower(): h.concurrency for h in config.zoom.hosts},
                   ZoneInfo(config.agency.timezone), config.agency.zone_label)

    def concurrency_of(self, host: str) -> int:
        """How many meetings the host may run at once (1 when the host is not in the pool)."""
        return self.concurrency.get(host.lower(), 1)

    def span(self, start: datetime, end: datetime) -> str:
        """``Selasa, 24 November 2026 09.00 – 12.00 WITA``."""
        return (f"{formatting.day_date(start, self.zone)} "
                f"{formatting.time_span(start, end, self.zone, self.zone_label)}")


def shown_id(zoom_id: int | None) -> str:
    """A Zoom meeting id as Zoom shows it (``812 3456 7890``)."""
    return formatting.meeting_id(zoom_id) if zoom_id else "-"


def note_event(session: Session, request: Request, *, actor: str, now: datetime, note: str,
               step: str) -> None:
    """An audit event that records a fact without changing the request's state."""
    state = State(request.state)
    rec.append_event(session, request, actor=actor, role=Role.SYSTEM, now=now, note=note,
                     from_state=state, to_state=state, sop_step=step)


def settle_request(session: Session, request: Request, *, actor: str, now: datetime,
                   note: str) -> State | None:
    """The request's time is over: sent or received → done, still open → expired; a cancelled,
    done or expired request keeps its state and the fact is recorded. Returns the new state."""
    state = State(request.state)
    target = None
    if state in (State.SENT, State.RECEIVED):
        target = State.DONE
    elif state in OPEN_STATES or state == State.FULL:
        target = State.EXPIRED
    if target is None:
        note_event(session, request, actor=actor, now=now, note=note, step="selesai")
        return None
    rec.transition(session, request, target, actor=actor, role=Role.SYSTEM, now=now, note=note)
    # Its time is over: what staff were asked to fix for it can no longer be fixed.
    lrec.resolve_request_flags(session, request.id, (*FLAGS_OF_A_LIVE_MEETING, "intent_released"),
                               by=actor, now=now)
    return target


def mark_deleted(session: Session, meeting: Meeting, *, actor: str, now: datetime, note: str,
                 over: bool) -> State | None:
    """The service deleted the meeting from Zoom (or found it gone there): record it; when the
    meeting is over, settle the request too. Returns the request's new state, if it changed."""
    if meeting.status in (MeetingStatus.LIVE, MeetingStatus.GONE_OUTSIDE):
        meeting.status, meeting.deleted_at = MeetingStatus.DELETED, now
    lrec.resolve_meeting_flags(session, meeting.id, FLAGS_OF_A_LIVE_MEETING, by=actor, now=now)
    if over:
        return settle_request(session, meeting.request, actor=actor, now=now, note=note)
    note_event(session, meeting.request, actor=actor, now=now, note=note, step="pembersihan")
    return None


def mark_gone_outside(session: Session, meeting: Meeting, *, actor: str, now: datetime,
                      at: datetime, operator: str, facts: PoolFacts) -> bool:
    """Zoom no longer has a live meeting of the service: ``gone_outside`` and a flag for staff,
    unless the meeting was over or its request finished (then it is simply deleted)."""
    if meeting.status != MeetingStatus.LIVE:
        return False
    request = meeting.request
    who = f" oleh {operator}" if operator else ""
    if State(request.state) in FINISHED or meeting.end_at <= at:
        meeting.status, meeting.deleted_at = MeetingStatus.DELETED, at
        note_event(session, request, actor=actor, now=now, step="pembersihan",
                   note=f"rapat Zoom {shown_id(meeting.zoom_id)} dihapus di Zoom{who} "
                        "setelah selesai atau dibatalkan")
        return True
    meeting.status, meeting.deleted_at = MeetingStatus.GONE_OUTSIDE, at
    sync = lrec.sync_of(session, meeting)
    sync.deleted_outside_at, sync.deleted_by = at, operator[:200] or None
    detail = (f"Rapat Zoom {shown_id(meeting.zoom_id)} permohonan {request.code} "
              f"({facts.span(meeting.start_at, meeting.end_at)}) dihapus di luar layanan{who}. "
              "Buat ulang rapatnya atau beri tahu OPD.")
    lrec.raise_attention(session, kind="gone_outside", subject=f"meeting:{meeting.id}",
                         detail=detail, now=now, request_id=request.id, meeting_id=meeting.id,
                         zoom_id=meeting.zoom_id)
    note_event(session, request, actor=actor, now=now, step="di luar layanan",
               note=f"rapat Zoom {shown_id(meeting.zoom_id)} dihapus di luar layanan{who}")
    return True


def record_change(session: Session, meeting: Meeting, *, actor: str, now: datetime,
                  facts: PoolFacts, start: datetime | None = None,
                  duration_minutes: int | None = None, topic: str | None = None) -> list[str]:
    """Zoom has another time or topic than the record: follow Zoom (the calendar must count
    the meeting where it really is), flag it for staff, flag a clash. Returns the changes."""
    request = meeting.request
    sync = lrec.sync_of(session, meeting)
    changes: list[str] = []
    if start is not None or duration_minutes is not None:
        new_start = start or meeting.start_at
        length = (timedelta(minutes=duration_minutes) if duration_minutes
                  else meeting.end_at - meeting.start_at)
        new_end = new_start + length
        if (abs(new_start - meeting.start_at) > TIME_TOLERANCE
                or abs(new_end - meeting.end_at) > TIME_TOLERANCE):
            changes.append(f"waktu {facts.span(meeting.start_at, meeting.end_at)} → "
                           f"{facts.span(new_start, new_end)}")
            meeting.start_at, meeting.end_at = new_start, new_end
    current_topic = sync.zoom_topic or request.topic
    if topic is not None and topic.strip() and topic != current_topic:
        changes.append(f"topik «{current_topic}» → «{topic}»")
        sync.zoom_topic = topic[:200]
    if not changes:
        return []
    sync.changed_at = now
    what = "; ".join(changes)
    lrec.raise_attention(session, kind="changed_outside", subject=f"meeting:{meeting.id}",
                         detail=f"Rapat Zoom {shown_id(meeting.zoom_id)} permohonan "
                                f"{request.code} diubah di luar layanan: {what}. Periksa surat "
                                "tanggapan dan beri tahu OPD.",
                         now=now, request_id=request.id, meeting_id=meeting.id,
                         zoom_id=meeting.zoom_id)
    note_event(session, request, actor=actor, now=now, step="di luar layanan",
               note=f"rapat Zoom {shown_id(meeting.zoom_id)} diubah di luar layanan: {what}")
    flag_clash(session, meeting, actor=actor, now=now, facts=facts)
    return changes


def flag_clash(session: Session, meeting: Meeting, *, actor: str, now: datetime,
               facts: PoolFacts) -> bool:
    """Flag the meeting when its host has more overlapping meetings than it may run at once."""
    others = lrec.overlapping_active(session, meeting)
    if len(others) + 1 <= facts.concurrency_of(meeting.host):
        lrec.resolve_meeting_flags(session, meeting.id, ("clash",), by=actor, now=now)
        return False
    codes = ", ".join(sorted({o.marker for o in others}))
    lrec.raise_attention(session, kind="clash", subject=f"meeting:{meeting.id}",
                         detail=f"Rapat Zoom {shown_id(meeting.zoom_id)} permohonan "
                                f"{meeting.request.code} "
                                f"({facts.span(meeting.start_at, meeting.end_at)}) bentrok "
                                f"dengan {codes} pada akun {meeting.host}.",
                         now=now, request_id=meeting.request_id, meeting_id=meeting.id,
                         zoom_id=meeting.zoom_id)
    return True
