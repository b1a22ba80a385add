"""The hosts' meetings as Zoom lists them, cached briefly, and the search for an intent's meeting.

Staff still schedule meetings by hand on the same accounts, so the calendar check must count what
Zoom has and the service did not create. Listing every host on every request would spend Zoom's
Medium budget for nothing, hence a short per-process cache.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterable
from datetime import datetime, timedelta

from zoomsvc.calendar import Busy
from zoomsvc.marker import carries_marker
from zoomsvc.store.models import Meeting
from zoomsvc.zoom import ZoomClient, ZoomMeeting


def owns(meeting: ZoomMeeting, *, host: str, code: str, tag: str, start: datetime,
         minutes: int) -> bool:
    """Whether ``meeting`` is provably the one the service created for an intent: its agenda
    ends with exactly the intent's marker, it is on the reserved host and at the reserved time.
    Nothing weaker (a code in the text, a marker elsewhere in the agenda) is ever enough."""
    on_host = host.lower() in {meeting.host_email.lower(), meeting.host_id.lower()}
    return (on_host and meeting.start_time == start and meeting.duration == minutes
            and carries_marker(meeting.agenda, code, tag))


class UpcomingMeetings:
    """Per-host cache of ``list_upcoming`` answers with a time-to-live."""

    def __init__(self, client: ZoomClient, ttl_seconds: float,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self._client = client
        self._ttl = ttl_seconds
        self._clock = clock
        self._lock = threading.Lock()
        self._cache: dict[str, tuple[float, list[ZoomMeeting]]] = {}

    def of_host(self, host: str, *, fresh: bool = False) -> list[ZoomMeeting]:
        """The host's upcoming meetings (from cache unless stale or ``fresh``)."""
        key = host.lower()
        with self._lock:
            cached = self._cache.get(key)
        if cached and not fresh and self._clock() - cached[0] < self._ttl:
            return cached[1]
        meetings = self._client.list_upcoming(host)
        with self._lock:
            self._cache[key] = (self._clock(), meetings)
        return meetings

    def forget(self, host: str) -> None:
        """Drop the host's cached list (after the service changed something there)."""
        with self._lock:
            self._cache.pop(host.lower(), None)

    def busy(self, hosts: Iterable[str], known_ids: Callable[[set[int]], set[int]]
             ) -> list[Busy]:
        """Zoom's meetings of ``hosts`` that the service does not have on record, as Busy."""
        found: list[tuple[str, ZoomMeeting]] = []
        for host in hosts:
            found.extend((host, m) for m in self.of_host(host)
                         if m.start_time is not None and m.duration > 0)
        ours = known_ids({m.id for _, m in found})
        return [Busy(host, m.start_time, m.start_time + timedelta(minutes=m.duration), "zoom",
                     str(m.id))
                for host, m in found if m.id not in ours and m.start_time is not None]

    def find_owned(self, host: str, code: str, tag: str, start: datetime, minutes: int
                   ) -> ZoomMeeting | None:
        """The host's upcoming meeting proven to be the intent's (:func:`owns`), asked fresh
        from Zoom and fetched in full (list answers lack the passcode and may cut the agenda)."""
        for listed in self.of_host(host, fresh=True):
            if listed.start_time is not None and (listed.start_time != start
                                                  or listed.duration != minutes):
                continue  # only meetings at the reserved time are worth a GET
            meeting = self._client.get_meeting(listed.id)
            if owns(meeting, host=host, code=code, tag=tag, start=start, minutes=minutes):
                return meeting
        return None


def busy_of(row: Meeting) -> Busy:
    """A meeting on record as the calendar counts it."""
    return Busy(row.host, row.start_at, row.end_at, "service", row.marker)


def whole_minutes(span: timedelta) -> int:
    """A meeting's length as Zoom takes it: whole minutes, at least one."""
    return max(1, int(span.total_seconds() // 60))
