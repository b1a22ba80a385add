"""The days the office is closed: national holidays and cuti bersama, plus local changes.

National holidays come from the ``holidays`` package (Indonesia, names in Indonesian); its
``government`` category holds the cuti bersama of the joint ministerial decree for the years it
knows. Years after that carry estimated Islamic dates ("perkiraan") and no cuti bersama yet:
``calendar.holidays_add`` fills them in when the decree is out. The calendar is built once from
the configuration and passed to the pure calendar functions inside :class:`~.rules.Rules`.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from types import MappingProxyType

import holidays

from zoomsvc.config.model import CalendarSettings

COUNTRY = "ID"
NATIONAL = ("public",)
CUTI_BERSAMA = ("government",)
# Built at start for these years around the current one; a service runs for months, and requests
# are made weeks, not years, ahead.
YEARS_BEFORE, YEARS_AFTER = 1, 3


@dataclass(frozen=True)
class HolidayCalendar:
    """Closed days by local date, each with its Indonesian name."""

    names: Mapping[date, str] = field(default_factory=lambda: MappingProxyType({}))

    def name_of(self, day: date) -> str | None:
        """The holiday's name when ``day`` is a holiday, else None."""
        return self.names.get(day)

    def __contains__(self, day: object) -> bool:
        return day in self.names


def years_around(today: date) -> range:
    """The years a calendar built on ``today`` covers."""
    return range(today.year - YEARS_BEFORE, today.year + YEARS_AFTER + 1)


def holiday_calendar(settings: CalendarSettings, years: Iterable[int]) -> HolidayCalendar:
    """The closed days of ``years``: national (and cuti bersama), minus removals, plus
    local additions."""
    names: dict[date, str] = {}
    if settings.national_holidays:
        categories = NATIONAL + (CUTI_BERSAMA if settings.cuti_bersama else ())
        found = holidays.country_holidays(COUNTRY, years=list(years), categories=categories,
                                          language="id")
        names.update(found.items())
    for text in settings.holidays_remove:
        names.pop(date.fromisoformat(text), None)
    for extra in settings.holidays_add:
        day = date.fromisoformat(extra.date)
        names[day] = f"{names[day]}; {extra.name}" if day in names else extra.name
    return HolidayCalendar(MappingProxyType(names))
