"""Alternative slots for a request the pool cannot take: the nearest free windows nearby."""

from __future__ import annotations

from collections.abc import Iterator, Sequence, Set
from dataclasses import dataclass
from datetime import datetime, timedelta

from zoomsvc.calendar.busy import BusyLookup, require_aware
from zoomsvc.calendar.hosts import eligible_hosts, pick_host
from zoomsvc.calendar.rules import Rules
from zoomsvc.config.model import Host


@dataclass(frozen=True)
class Slot:
    """A proposed window [start, end) in UTC and the host user that would take it."""

    start: datetime
    end: datetime
    host: str


def candidate_starts(start: datetime, duration: timedelta, now: datetime,
                     rules: Rules) -> Iterator[datetime]:
    """Grid starts (UTC) from the requested local day on that fit service hours and lead time,
    never on a holiday nor across a break."""
    first_day = rules.local(start).date()
    earliest = now + rules.min_lead
    for offset in range(rules.alternative_days + 1):
        day = first_day + timedelta(days=offset)
        hours = rules.hours_on(day.isoweekday())
        if hours is None or day in rules.holidays:
            continue
        opens = rules.at_local(day, hours.opens)
        closes = rules.at_local(day, hours.closes)
        # The day's bounds and breaks as UTC instants: the grid is then plain arithmetic, which
        # keeps this loop (the hot path of every "full" answer) as cheap as before the breaks.
        pauses = [(rules.at_local(day, a), rules.at_local(day, b)) for a, b in hours.breaks]
        slot = opens
        # The grid is aligned to the local opening time, so offers read as 07.00, 07.30, ...
        while slot + duration <= closes:
            end = slot + duration
            if (slot >= earliest and slot != start
                    and not any(slot < b and a < end for a, b in pauses)):
                yield slot
            slot += rules.slot_step


def find_alternatives(index: BusyLookup, hosts: Sequence[Host], start: datetime, end: datetime,
                      participants: int, now: datetime, rules: Rules,
                      exclude: Set[str] = frozenset()) -> list[Slot]:
    """Up to ``rules.alternatives`` free, mutually disjoint slots nearest the requested start."""
    for name, value in (("start", start), ("end", end), ("now", now)):
        require_aware(name, value)
    duration = end - start
    if duration <= timedelta(0):
        return []
    # Nearest first; on equal distance the earlier slot wins, so "sooner" is offered first.
    ordered = sorted(candidate_starts(start, duration, now, rules),
                     key=lambda slot: (abs(slot - start), slot))
    # Eligibility depends on size and duration only, which every candidate shares.
    pool = eligible_hosts(hosts, participants, duration, rules, exclude)
    if not pool:
        return []
    found: list[Slot] = []
    for slot_start in ordered:
        if len(found) >= rules.alternatives:
            break
        slot_end = slot_start + duration
        if any(slot_start < other.end and other.start < slot_end for other in found):
            continue
        host = pick_host(index, pool, slot_start, slot_end, rules)
        if host is not None:
            found.append(Slot(slot_start, slot_end, host.user))
    return found
