"""What provisioning answers: the outcome of one request, as an object and as JSON."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from zoomsvc.calendar import Slot
from zoomsvc.store.models import Meeting, Request


class ProvisioningFailed(RuntimeError):
    """Zoom or storage failed; the request is left retryable and the message says what to do."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code


class ChangeRefused(ValueError):
    """A change or cancellation cannot be made now; ``field`` names what to correct."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field


@dataclass(frozen=True)
class MeetingInfo:
    """The stored meeting details handed to the agency (never the host's start URL)."""

    zoom_id: int
    passcode: str
    join_url: str
    host: str
    start: datetime
    end: datetime

    @classmethod
    def from_row(cls, row: Meeting) -> MeetingInfo:
        """From a live meeting row."""
        assert row.zoom_id is not None
        return cls(row.zoom_id, row.passcode or "", row.join_url or "", row.host, row.start_at,
                   row.end_at)


@dataclass(frozen=True)
class ProvisionResult:
    """The outcome of provisioning one request (``scheduled`` or ``full``, or where it stands)."""

    code: str
    state: str
    outcome: str
    meeting: MeetingInfo | None
    alternatives: tuple[Slot, ...]
    reason: str | None = None
    created: bool = True

    def as_dict(self, zone: ZoneInfo) -> dict[str, Any]:
        """The JSON shape printed by ``zoomsvc provision`` (times with the agency's offset)."""
        def local(moment: datetime) -> str:
            return moment.astimezone(zone).isoformat()

        meeting = None
        if self.meeting is not None:
            m = self.meeting
            meeting = {"id": m.zoom_id, "passcode": m.passcode, "join_url": m.join_url,
                       "host": m.host, "start": local(m.start), "end": local(m.end)}
        return {
            "request": self.code,
            "outcome": self.outcome,
            "state": self.state,
            "meeting": meeting,
            "alternatives": [{"start": local(s.start), "end": local(s.end), "host": s.host}
                             for s in self.alternatives],
            **({"reason": self.reason} if self.reason else {}),
            "existing": not self.created,
        }


def alternatives_to_json(slots: tuple[Slot, ...]) -> str:
    """Alternatives as stored with the request."""
    return json.dumps([{"start": s.start.isoformat(), "end": s.end.isoformat(), "host": s.host}
                       for s in slots])


def alternatives_from_row(request: Request) -> tuple[Slot, ...]:
    """Alternatives stored with the request (empty when none)."""
    if not request.alternatives_json:
        return ()
    return tuple(Slot(datetime.fromisoformat(i["start"]), datetime.fromisoformat(i["end"]),
                      i["host"]) for i in json.loads(request.alternatives_json))


def result_of(request: Request) -> ProvisionResult:
    """Where a request stands, in the shape of a provisioning result."""
    meeting = request.live_meeting
    # The README's contract: outcome is "scheduled" or "full" (a full request keeps its reason
    # through the letter's steps); where the request stands is in ``state``.
    outcome = "full" if request.full_reason else "scheduled"
    return ProvisionResult(request.code, request.state, outcome,
                           MeetingInfo.from_row(meeting) if meeting else None,
                           alternatives_from_row(request), request.full_reason)
