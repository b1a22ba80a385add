"""Helpers for tests that run the ``zoomsvc`` command: dates on the wall clock, config as TOML."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import tomli_w

from zoomsvc.calendar import holiday_calendar, years_around
from zoomsvc.config.model import CalendarSettings

WITA = ZoneInfo("Asia/Makassar")


def workday(days_ahead: int = 2) -> date:
    """A working day at least ``days_ahead`` days from today (agency time): neither a weekend
    nor a holiday of the default calendar."""
    day = datetime.now(WITA).date() + timedelta(days=days_ahead)
    closed = holiday_calendar(CalendarSettings(), years_around(day))
    while day.isoweekday() > 5 or day in closed:
        day += timedelta(days=1)
    return day


def toml_text(document: dict[str, Any]) -> str:
    """A configuration document as TOML, for ``zoomsvc --config``."""
    return tomli_w.dumps(document)
