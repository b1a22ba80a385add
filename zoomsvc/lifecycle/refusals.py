"""Counting the calls the webhook refuses before they reach the database.

An unsigned or badly signed call costs nothing to send, so it must cost nothing to refuse: no
row, no log line per call. The counter keeps how many were refused, by reason, since this
process started; the staff dashboard shows it, and one summary line at most every
``log_every_s`` seconds goes to the log (each worker process counts its own calls).
"""

from __future__ import annotations

import logging
import threading
import time
from collections import Counter
from collections.abc import Callable

log = logging.getLogger("zoomsvc.lifecycle.webhooks")
LOG_EVERY_S = 60.0


class RefusalCounter:
    """Refused webhook calls by reason (``bad_signature``, ``replayed``, ...); thread-safe."""

    def __init__(self, *, log_every_s: float = LOG_EVERY_S,
                 monotonic: Callable[[], float] = time.monotonic) -> None:
        self._lock = threading.Lock()
        self._counts: Counter[str] = Counter()
        self._log_every_s = log_every_s
        self._monotonic = monotonic
        self._last_log: float | None = None
        self._logged_total = 0

    def refuse(self, reason: str, remote: str = "") -> None:
        """Count one refused call; log a summary when the last one is old enough."""
        with self._lock:
            self._counts[reason] += 1
            now = self._monotonic()
            due = self._last_log is None or now - self._last_log >= self._log_every_s
            if not due:
                return
            self._last_log = now
            total = sum(self._counts.values())
            new, self._logged_total = total - self._logged_total, total
            summary = ", ".join(f"{name} {count}" for name, count in sorted(self._counts.items()))
        log.warning("webhook refused %d call(s) since the last note (last from %s); "
                    "since start: %s", new, remote or "-", summary)

    @property
    def total(self) -> int:
        """How many calls were refused since start."""
        with self._lock:
            return sum(self._counts.values())

    def by_reason(self) -> dict[str, int]:
        """The refused calls since start, by reason."""
        with self._lock:
            return dict(self._counts)
