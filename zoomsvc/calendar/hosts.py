"""Which hosts of the pool may take a meeting, whether one is free, and which one to pick."""

from __future__ import annotations

from collections.abc import Sequence, Set
from datetime import datetime, timedelta

from zoomsvc.calendar.busy import BusyLookup, host_key, require_aware
from zoomsvc.calendar.rules import Rules
from zoomsvc.config.model import Host


def _excluded(exclude: Set[str]) -> frozenset[str]:
    return frozenset(host_key(user) for user in exclude)


def eligible_hosts(hosts: Sequence[Host], participants: int, duration: timedelta, rules: Rules,
                   exclude: Set[str] = frozenset()) -> list[Host]:
    """The hosts, in config order, whose capacity and licence fit the meeting, minus ``exclude``."""
    skipped = _excluded(exclude)
    return [
        host for host in hosts
        if host.capacity >= participants
        # Zoom ends a Basic user's meeting at 40 minutes, whatever was scheduled.
        and (host.licensed or duration <= rules.basic_max)
        and host_key(host.user) not in skipped
    ]


def host_is_free(index: BusyLookup, host: Host, start: datetime, end: datetime,
                 rules: Rules) -> bool:
    """Whether ``host`` can run one more meeting over [start, end) padded by the buffers."""
    require_aware("start", start)
    require_aware("end", end)
    return _free(index, host, start - rules.buffer_before, end + rules.buffer_after)


def _free(index: BusyLookup, host: Host, lo: datetime, hi: datetime) -> bool:
    overlaps = index.overlapping(host.user, lo, hi)
    if len(overlaps) < host.concurrency:
        return True
    # Counting overlaps is not enough: two back-to-back meetings inside the window never run
    # together, so a concurrency-2 host still has room. Sweep for the peak instead.
    events: list[tuple[datetime, int]] = []
    for busy in overlaps:
        events.append((max(busy.start, lo), 1))
        events.append((min(busy.end, hi), -1))
    # Half-open intervals: at the same instant an end (-1) is processed before a start (+1).
    events.sort()
    running = peak = 0
    for _, step in events:
        running += step
        peak = max(peak, running)
    return peak < host.concurrency


def pick_host(index: BusyLookup, candidates: Sequence[Host], start: datetime, end: datetime,
              rules: Rules) -> Host | None:
    """The free host among eligible ``candidates``: licensed, least loaded, then their order."""
    require_aware("start", start)
    require_aware("end", end)
    lo, hi = start - rules.buffer_before, end + rules.buffer_after
    day_start, day_end = rules.day_bounds(start)
    best: tuple[bool, int, int] | None = None
    chosen: Host | None = None
    for order, host in enumerate(candidates):
        if best is not None and not best[0] and not host.licensed:
            # A free licensed host is already in hand; a Basic one can never beat it.
            continue
        if not _free(index, host, lo, hi):
            continue
        rank = (not host.licensed, index.count_on_day(host.user, day_start, day_end), order)
        if best is None or rank < best:
            best, chosen = rank, host
    return chosen


def choose_host(index: BusyLookup, hosts: Sequence[Host], start: datetime, end: datetime,
                participants: int, rules: Rules, exclude: Set[str] = frozenset(),
                preferred: str | None = None) -> Host | None:
    """The host to use: licensed first, then least loaded that local day, then config order."""
    candidates = eligible_hosts(hosts, participants, end - start, rules, exclude)
    if preferred is not None:
        # The staff's override is honoured only if it passes the same checks as any other host.
        wanted = host_key(preferred)
        candidates = [host for host in candidates if host_key(host.user) == wanted]
    return pick_host(index, candidates, start, end, rules)
