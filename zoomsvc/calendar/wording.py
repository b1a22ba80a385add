"""Indonesian words for the calendar's messages: day and month names, clock times, durations.

Names, dates, clock times and numbers come from :mod:`zoomsvc.formatting` (Babel, explicit
patterns), so the calendar's messages and the letters can never spell a day differently.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, time, timedelta

from zoomsvc import formatting

DAY_NAMES = formatting.DAY_NAMES
MONTH_NAMES = formatting.MONTH_NAMES


def day_name(iso_weekday: int) -> str:
    """The Indonesian name of an ISO weekday (1 = Senin)."""
    return formatting.day_name(iso_weekday)


def clock(value: time | datetime) -> str:
    """A time of day as the letters write it: ``09.00``."""
    return formatting.clock(value)


def local_date(value: datetime) -> str:
    """A local date as ``Senin, 23 November 2026``."""
    return formatting.day_date(value)


def local_moment(value: datetime, zone_label: str) -> str:
    """A local datetime as ``Senin, 23 November 2026 09.00 WITA``."""
    return f"{local_date(value)} {clock(value)} {zone_label}"


def local_span(start: datetime, end: datetime, zone_label: str) -> str:
    """A local window as ``Senin, 23 November 2026 09.00–12.00 WITA``."""
    if start.date() == end.date():
        return f"{local_date(start)} {clock(start)}–{clock(end)} {zone_label}"
    return f"{local_moment(start, zone_label)} – {local_moment(end, zone_label)}"


def duration(value: timedelta) -> str:
    """A duration as ``40 menit``, ``2 jam`` or ``1 jam 30 menit`` (whole minutes)."""
    minutes = int(value.total_seconds() // 60)
    hours, rest = divmod(minutes, 60)
    if not hours:
        return f"{rest} menit"
    return f"{hours} jam" if not rest else f"{hours} jam {rest} menit"


def number(value: int) -> str:
    """An integer with Indonesian thousands dots: ``1.000``."""
    return formatting.number(value)


def day_ranges(days: Iterable[int]) -> str:
    """ISO weekdays as runs of names: ``Senin–Jumat`` or ``Senin–Rabu, Jumat``."""
    ordered = sorted(set(days))
    if len(ordered) == 7:
        return "setiap hari"
    runs: list[list[int]] = []
    for day in ordered:
        if runs and runs[-1][-1] == day - 1:
            runs[-1].append(day)
        else:
            runs.append([day])
    parts = []
    for run in runs:
        if len(run) == 1:
            parts.append(day_name(run[0]))
        elif len(run) == 2:
            parts.append(f"{day_name(run[0])}, {day_name(run[1])}")
        else:
            parts.append(f"{day_name(run[0])}–{day_name(run[-1])}")
    return ", ".join(parts)
