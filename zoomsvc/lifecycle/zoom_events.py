"""Zoom's meeting events applied to the records: deleted, updated, started, ended.

Events arrive late, twice or out of order. Each meeting keeps the ``event_ts`` of the last
applied change (updated/deleted) and of the last status (started/ended) in ``meeting_sync``;
an event older than what was applied is recorded but changes nothing.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy.orm import Session

from zoomsvc.lifecycle.drift import PoolFacts, mark_gone_outside, record_change
from zoomsvc.store import lifecycle_records as lrec
from zoomsvc.store.models import Meeting
from zoomsvc.store.statuses import MeetingStatus
from zoomsvc.zoom.models import parse_zoom_time

ACTOR = "zoom:webhook"
# What a real event carries: a time in this century's window (as ms), a BIGINT meeting id, a
# meeting of at most a month. Anything outside is refused, never stored or computed with.
YEARS = (2000, 2100)
TS_RANGE_MS = (int(datetime(YEARS[0], 1, 1, tzinfo=UTC).timestamp() * 1000),
               int(datetime(YEARS[1], 12, 31, tzinfo=UTC).timestamp() * 1000))
MAX_ZOOM_ID = 2**63 - 1
MAX_DURATION_MINUTES = 31 * 24 * 60
CHANGE_EVENTS = frozenset({"meeting.deleted", "meeting.updated"})
STATUS_EVENTS = frozenset({"meeting.started", "meeting.ended"})
HANDLED_EVENTS = CHANGE_EVENTS | STATUS_EVENTS


class BadEvent(ValueError):
    """The envelope lacks what every meeting event carries (event_ts, object.id), or carries
    a number or time out of range."""


def clean_text(value: str) -> str:
    """Text without control characters or lone surrogates, which no column may hold."""
    return "".join(c for c in value if c.isprintable() or c == " ")


def _bounded_time(obj: Mapping[str, Any], name: str) -> None:
    moment = parse_zoom_time(obj.get(name))
    if moment is not None and not YEARS[0] <= moment.year <= YEARS[1]:
        raise BadEvent(f"payload.object.{name} di luar rentang tahun {YEARS[0]}–{YEARS[1]}")


@dataclass(frozen=True)
class ZoomEvent:
    """A meeting event from Zoom's envelope; ``zoom_id`` normalised to int."""

    name: str
    ts: int  # milliseconds since the epoch
    zoom_id: int
    obj: Mapping[str, Any]
    operator: str

    @property
    def at(self) -> datetime:
        """When Zoom says the event happened."""
        return datetime.fromtimestamp(self.ts / 1000, UTC)

    @property
    def key(self) -> str:
        """What makes a delivery the same event: its name, time and meeting."""
        return f"{self.name}:{self.ts}:{self.zoom_id}"

    @classmethod
    def parse(cls, name: str, data: Mapping[str, Any]) -> ZoomEvent:
        """From the decoded body; ``object.id`` may be a string or a number."""
        ts = data.get("event_ts")
        payload = data.get("payload")
        obj = payload.get("object") if isinstance(payload, dict) else None
        if isinstance(ts, bool) or not isinstance(ts, int | str) or not isinstance(obj, dict):
            raise BadEvent("event_ts atau payload.object tidak ada")
        raw_id = obj.get("id")
        if isinstance(raw_id, bool) or not isinstance(raw_id, int | str):
            raise BadEvent("payload.object.id tidak ada")
        try:
            stamp, zoom_id = int(ts), int(str(raw_id).strip())
        except ValueError as exc:
            raise BadEvent("event_ts atau payload.object.id bukan bilangan") from exc
        if not TS_RANGE_MS[0] <= stamp <= TS_RANGE_MS[1]:
            raise BadEvent(f"event_ts di luar rentang (milidetik tahun {YEARS[0]}–{YEARS[1]})")
        if not 0 < zoom_id <= MAX_ZOOM_ID:
            raise BadEvent("payload.object.id di luar rentang ID rapat Zoom")
        for field in ("start_time", "end_time"):
            _bounded_time(obj, field)
        duration = obj.get("duration")
        if isinstance(duration, int) and not isinstance(duration, bool) and (
                duration > MAX_DURATION_MINUTES):
            raise BadEvent(f"payload.object.duration lebih dari {MAX_DURATION_MINUTES} menit")
        operator = payload.get("operator") if isinstance(payload, dict) else None
        return cls(name, stamp, zoom_id, obj,
                   clean_text(operator)[:200] if isinstance(operator, str) else "")


def apply_event(session: Session, event: ZoomEvent, meeting: Meeting, *, now: datetime,
                facts: PoolFacts) -> tuple[str, str]:
    """Apply one event to one of the service's meetings; (outcome, detail) for the log."""
    sync = lrec.sync_of(session, meeting)
    if event.name in STATUS_EVENTS:
        return _status(session, event, meeting)
    if sync.last_change_ts is not None and event.ts < sync.last_change_ts:
        return "stale", "lebih lama dari perubahan yang sudah diterapkan"
    if meeting.status != MeetingStatus.LIVE:
        sync.last_change_ts = event.ts
        return "ignored", f"rapat berstatus {meeting.status}"
    sync.last_change_ts = event.ts
    if event.name == "meeting.deleted":
        if event.obj.get("occurrence_id") or event.obj.get("occurrences"):
            return "ignored", "hanya satu kejadian rapat berulang"
        mark_gone_outside(session, meeting, actor=ACTOR, now=now, at=event.at,
                          operator=event.operator, facts=facts)
        return "applied", meeting.status
    duration = event.obj.get("duration")
    topic = event.obj.get("topic")
    changes = record_change(
        session, meeting, actor=ACTOR, now=now, facts=facts,
        start=parse_zoom_time(event.obj.get("start_time")),
        duration_minutes=duration if isinstance(duration, int) and duration > 0 else None,
        topic=clean_text(topic) if isinstance(topic, str) else None)
    return "applied", "; ".join(changes) or "tidak ada perubahan waktu atau topik"


def _status(session: Session, event: ZoomEvent, meeting: Meeting) -> tuple[str, str]:
    """Started/ended: kept for the record; ``ended`` may come more than once."""
    sync = lrec.sync_of(session, meeting)
    sync_ts = sync.last_status_ts
    if event.name == "meeting.started":
        moment = parse_zoom_time(event.obj.get("start_time")) or event.at
        if sync.started_at is None or moment > sync.started_at:
            sync.started_at = moment
    else:
        moment = parse_zoom_time(event.obj.get("end_time")) or event.at
        sync.ended_count = (sync.ended_count or 0) + 1
        if sync.ended_at is None or moment > sync.ended_at:
            sync.ended_at = moment
    if sync_ts is not None and event.ts < sync_ts:
        return "stale", "status lebih baru sudah diterapkan"
    sync.last_status_ts = event.ts
    sync.zoom_status = "started" if event.name == "meeting.started" else "ended"
    return "applied", sync.zoom_status
