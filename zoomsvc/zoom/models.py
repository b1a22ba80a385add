"""Typed views of what Zoom sends back, parsed leniently (unknown fields ignored, missing ones
defaulted), and the body of a meeting to create.

``start_url`` is deliberately absent from :class:`ZoomMeeting`: it grants host access, expires
after two hours and must never be stored or shown; ask :meth:`ZoomClient.start_url` for a fresh one.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any


def parse_zoom_time(value: object) -> datetime | None:
    """A Zoom timestamp (``2026-11-25T01:00:00Z``) as an aware UTC datetime, or None."""
    if not isinstance(value, str) or not value:
        return None
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    if parsed.tzinfo is None:
        # Without an offset Zoom means UTC in list and get answers.
        parsed = parsed.replace(tzinfo=UTC)
    return parsed.astimezone(UTC)


def format_zoom_time(moment: datetime) -> str:
    """An aware datetime as Zoom's UTC form with ``Z``; never local digits with a ``Z``."""
    if moment.tzinfo is None:
        raise ValueError("start time must be timezone-aware")
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _int(value: object, default: int = 0) -> int:
    try:
        return int(value)  # type: ignore[call-overload, no-any-return]
    except (TypeError, ValueError):
        return default


def _str(value: object) -> str:
    return value if isinstance(value, str) else ""


@dataclass(frozen=True)
class ZoomMeeting:
    """A scheduled meeting as Zoom describes it (``id`` is int64)."""

    id: int
    uuid: str = ""
    host_id: str = ""
    host_email: str = ""
    topic: str = ""
    agenda: str = ""
    type: int = 2
    status: str = ""
    start_time: datetime | None = None
    duration: int = 0
    timezone: str = ""
    join_url: str = ""
    password: str = field(default="", repr=False)
    created_at: datetime | None = None

    @classmethod
    def from_api(cls, data: dict[str, Any]) -> ZoomMeeting:
        """Build from a create/get/list answer; tolerant of missing or extra fields."""
        return cls(
            id=_int(data.get("id")),
            uuid=_str(data.get("uuid")),
            host_id=_str(data.get("host_id")),
            host_email=_str(data.get("host_email")),
            topic=_str(data.get("topic")),
            agenda=_str(data.get("agenda")),
            type=_int(data.get("type"), 2),
            status=_str(data.get("status")),
            start_time=parse_zoom_time(data.get("start_time")),
            duration=_int(data.get("duration")),
            timezone=_str(data.get("timezone")),
            join_url=_str(data.get("join_url")),
            password=_str(data.get("password")),
            created_at=parse_zoom_time(data.get("created_at")),
        )


@dataclass(frozen=True)
class ZoomUser:
    """A user of the Zoom account: type 1 is Basic, 2 is Licensed."""

    id: str
    email: str
    type: int
    status: str = ""
    display_name: str = ""

    @property
    def licensed(self) -> bool:
        """Whether the user holds a paid licence (type 2 or above)."""
        return self.type >= 2

    @classmethod
    def from_api(cls, data: dict[str, Any]) -> ZoomUser:
        """Build from a ``GET /users`` entry."""
        name = " ".join(p for p in (_str(data.get("first_name")), _str(data.get("last_name"))) if p)
        return cls(
            id=_str(data.get("id")),
            email=_str(data.get("email")),
            type=_int(data.get("type"), 1),
            status=_str(data.get("status")),
            display_name=_str(data.get("display_name")) or name,
        )


@dataclass(frozen=True)
class NewMeeting:
    """What the service asks Zoom to schedule; times are aware datetimes."""

    topic: str
    start: datetime
    duration_minutes: int
    agenda: str = ""
