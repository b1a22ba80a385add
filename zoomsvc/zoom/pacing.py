"""Client-side pacing under Zoom's per-second limits, one schedule per rate-limit label.

Zoom counts requests per account and label (light, medium, heavy). Spacing our own requests evenly
at a little under the limit lets bulk jobs (cleanup, reconcile) run near full speed without ever
provoking a 429; a burst-free schedule is used because Zoom's window is short and its exact shape
is not documented.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Mapping

# Stay this fraction under the published limit: room for other apps on the account and jitter.
HEADROOM = 0.95


class Pacer:
    """Hands out evenly spaced send times per label; shared by all threads of a process."""

    def __init__(
        self,
        limits: Mapping[str, float],
        *,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
        headroom: float = HEADROOM,
    ) -> None:
        self._interval = {label: 1.0 / (rate * headroom) for label, rate in limits.items()}
        self._next: dict[str, float] = {}
        self._lock = threading.Lock()
        self._clock = clock
        self._sleep = sleep

    def wait(self, label: str) -> None:
        """Block until this caller's turn for ``label`` comes."""
        interval = self._interval.get(label)
        if interval is None:
            return
        with self._lock:
            now = self._clock()
            slot = max(now, self._next.get(label, now))
            self._next[label] = slot + interval
        delay = slot - now
        if delay > 0:
            self._sleep(delay)

    def hold(self, label: str, seconds: float) -> None:
        """Push the label's schedule back after Zoom said to slow down (a 429)."""
        with self._lock:
            now = self._clock()
            self._next[label] = max(self._next.get(label, now), now + seconds)
