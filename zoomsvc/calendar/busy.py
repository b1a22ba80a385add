"""Busy intervals of the host pool and the per-host index that answers overlap queries."""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Protocol

SOURCES = frozenset({"service", "zoom"})


def require_aware(name: str, value: datetime) -> None:
    """Raise ValueError when ``value`` is a naive datetime."""
    # A naive time would be silently read as the server's zone; the calendar works in UTC only.
    if value.tzinfo is None or value.utcoffset() is None:
        raise ValueError(f"{name} must be a timezone-aware datetime, got naive {value!r}")


def host_key(user: str) -> str:
    """The key a host user is compared by."""
    # The config loader treats host users (emails) case-insensitively; Zoom may echo another case.
    return user.lower()


@dataclass(frozen=True, slots=True)
class Busy:
    """One meeting that occupies a host over the half-open interval [start, end)."""

    host: str
    start: datetime
    end: datetime
    source: str
    ref: str

    def __post_init__(self) -> None:
        require_aware("Busy.start", self.start)
        require_aware("Busy.end", self.end)
        if self.end <= self.start:
            raise ValueError(f"Busy {self.ref!r}: end {self.end} is not after start {self.start}")
        if self.source not in SOURCES:
            raise ValueError(f"Busy {self.ref!r}: source must be one of {sorted(SOURCES)}")
        # Normalise to UTC so every stored time compares the same way and prints the same way.
        object.__setattr__(self, "start", self.start.astimezone(UTC))
        object.__setattr__(self, "end", self.end.astimezone(UTC))


class BusyLookup(Protocol):
    """What the calendar functions need from an index of busy intervals."""

    def overlapping(self, host: str, start: datetime, end: datetime) -> list[Busy]:
        """The intervals of ``host`` that overlap [start, end)."""
        ...

    def count_on_day(self, host: str, day_start: datetime, day_end: datetime) -> int:
        """How many intervals of ``host`` overlap [day_start, day_end)."""
        ...


class _HostLane:
    """The intervals of one host sorted by start, with the longest length seen."""

    __slots__ = ("items", "longest", "starts")

    def __init__(self, items: list[Busy]) -> None:
        items.sort(key=lambda b: (b.start, b.end))
        self.items = items
        self.starts = [b.start for b in items]
        self.longest = max((b.end - b.start for b in items), default=timedelta(0))

    def add(self, busy: Busy) -> None:
        at = bisect_right(self.starts, busy.start)
        self.starts.insert(at, busy.start)
        self.items.insert(at, busy)
        self.longest = max(self.longest, busy.end - busy.start)

    def overlapping(self, start: datetime, end: datetime) -> list[Busy]:
        # An interval overlapping [start, end) begins before ``end`` and, being at most
        # ``longest`` long, after ``start - longest``: only that slice of the list is read.
        lo = bisect_right(self.starts, start - self.longest)
        hi = bisect_left(self.starts, end)
        return [b for b in self.items[lo:hi] if b.end > start]


class BusyIndex:
    """Busy intervals grouped per host for O(log n + k) overlap queries."""

    def __init__(self, intervals: Iterable[Busy] = ()) -> None:
        grouped: dict[str, list[Busy]] = {}
        for busy in intervals:
            grouped.setdefault(host_key(busy.host), []).append(busy)
        self._lanes = {key: _HostLane(items) for key, items in grouped.items()}

    def __len__(self) -> int:
        return sum(len(lane.items) for lane in self._lanes.values())

    def add(self, busy: Busy) -> None:
        """Insert one interval, e.g. a meeting just created, keeping the order."""
        key = host_key(busy.host)
        lane = self._lanes.get(key)
        if lane is None:
            self._lanes[key] = _HostLane([busy])
        else:
            lane.add(busy)

    def overlapping(self, host: str, start: datetime, end: datetime) -> list[Busy]:
        """The intervals of ``host`` that overlap [start, end), sorted by start."""
        # The hot path of every check: only the cheap half of require_aware runs here.
        if start.tzinfo is None or end.tzinfo is None:
            require_aware("start", start)
            require_aware("end", end)
        lane = self._lanes.get(host_key(host))
        return [] if lane is None else lane.overlapping(start, end)

    def count_on_day(self, host: str, day_start: datetime, day_end: datetime) -> int:
        """How many intervals of ``host`` overlap [day_start, day_end): the host's load."""
        return len(self.overlapping(host, day_start, day_end))
