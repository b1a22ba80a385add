"""Helpers for tests that run the ``zoomsvc`` command: dates on the wall clock, config as TOML."""

from __future__ import annotations

import json
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

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
    """A configuration document as TOML (tomli_w is not a dependency)."""
    lines: list[str] = []

    def value(item: object) -> str:
        if isinstance(item, bool):
            return "true" if item else "false"
        if isinstance(item, int | float):
            return repr(item)
        if isinstance(item, str):
            return json.dumps(item)  # JSON's string escapes are valid TOML basic strings
        if isinstance(item, list):
            return "[" + ", ".join(value(i) for i in item) + "]"
        raise TypeError(f"no TOML form for {item!r}")

    def is_tables(item: object) -> bool:
        return isinstance(item, list) and bool(item) and all(isinstance(i, dict) for i in item)

    def table(prefix: str, mapping: dict[str, Any]) -> None:
        for key, item in mapping.items():
            if not isinstance(item, dict) and not is_tables(item):
                lines.append(f"{key} = {value(item)}")
        for key, item in mapping.items():
            name = f"{prefix}.{key}" if prefix else key
            if isinstance(item, dict):
                lines.append(f"\n[{name}]")
                table(name, item)
            elif is_tables(item):
                for entry in item:
                    lines.append(f"\n[[{name}]]")
                    table(name, entry)

    table("", document)
    return "\n".join(lines) + "\n"
