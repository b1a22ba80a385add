"""Zoom's rate limits as the sandbox enforces them: per-second per label, and per host per day.

Neither class locks: the caller holds :attr:`SandboxState.lock` (one lock for all state).
"""

from __future__ import annotations

from collections import deque

SECONDS_PER_DAY = 86400


class QpsLimiter:
    """Sliding one-second window per rate-limit label, shared by the whole account."""

    def __init__(self, limits: dict[str, float], window: float = 1.0) -> None:
        self.limits = dict(limits)
        self.window = window
        self._hits: dict[str, deque[float]] = {}

    def allow(self, label: str, now: float) -> bool:
        """Record a request under ``label`` at ``now`` if the window has room; False if not."""
        hits = self._hits.setdefault(label, deque())
        while hits and hits[0] <= now - self.window:
            hits.popleft()
        # Refused requests are not recorded, so a client that backs off is not punished twice.
        if len(hits) >= self.limits.get(label, float("inf")):
            return False
        hits.append(now)
        return True

    def clear(self) -> None:
        """Forget every recorded request."""
        self._hits.clear()


def utc_day(now: float) -> int:
    """Days since the epoch, counted in UTC (Zoom resets daily limits at 00:00 UTC)."""
    return int(now // SECONDS_PER_DAY)


def next_utc_midnight(now: float) -> float:
    """Epoch seconds of the next 00:00:00 UTC after ``now``."""
    return float((utc_day(now) + 1) * SECONDS_PER_DAY)


class DailyLimiter:
    """Meeting create/update requests per host per UTC day (Zoom: 100)."""

    def __init__(self, limit: int, counts: dict[str, int] | None = None) -> None:
        self.limit = limit
        # Keys are "<user id>|<utc day>" so the map is JSON-serialisable for the state file.
        self.counts: dict[str, int] = dict(counts or {})

    def allow(self, user_id: str, now: float) -> bool:
        """Count one create/update for ``user_id`` today; False (and not counted) if over."""
        today = utc_day(now)
        key = f"{user_id}|{today}"
        # Yesterday's counters are dead weight once the day has turned.
        for stale in [k for k in self.counts if int(k.rpartition("|")[2]) < today]:
            del self.counts[stale]
        if self.counts.get(key, 0) >= self.limit:
            return False
        self.counts[key] = self.counts.get(key, 0) + 1
        return True

    def used(self, user_id: str, now: float) -> int:
        """How many create/update requests ``user_id`` made today."""
        return self.counts.get(f"{user_id}|{utc_day(now)}", 0)

    def clear(self) -> None:
        """Reset every host's counter."""
        self.counts.clear()
