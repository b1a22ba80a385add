"""Indonesian formatting for letters and messages: dates, clock times, meeting IDs, NIP, numbers.

Everything goes through Babel with ``locale="id"`` and an explicit pattern, never Babel's default
formats (those change between CLDR releases: "23 Nov 2026", "09:00"...). The letters' conventions
(Tata Naskah Dinas) are fixed here in one place: "Senin, 23 November 2026", "09.00 – 12.00 WITA",
"Jumat" without an apostrophe, "812 3456 7890", "19750312 200003 1 004".
"""

from __future__ import annotations

import re
from datetime import date, datetime, time, tzinfo
from zoneinfo import ZoneInfo

from babel.dates import format_date, format_time, get_day_names, get_month_names
from babel.numbers import format_decimal

LOCALE = "id"
EN_DASH = "–"
UNTIL_DONE = "s.d. selesai"

# Older CLDR data spelled Friday "Jum’at" and some tables use "Ahad"; the Tata Naskah Dinas writes
# "Jumat" and "Minggu", so Babel's names are corrected rather than trusted blindly.
_DAY_FIXES = {"Jum’at": "Jumat", "Jum'at": "Jumat", "Ahad": "Minggu"}
_ROMAN = ("I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X", "XI", "XII")
# Zoom shows 9-digit IDs as 3-3-3, 10-digit ones as 3-3-4 and 11-digit ones as 3-4-4.
_ID_GROUPS = {9: (3, 3, 3), 10: (3, 3, 4), 11: (3, 4, 4)}
_NIP_GROUPS = (8, 6, 1, 3)
_SEPARATORS = re.compile(r"[\s.-]+")


def _day_fix(name: str) -> str:
    return _DAY_FIXES.get(name, name)


# Babel numbers weekdays 0 = Monday; the tuples are indexed like ISO weekday - 1.
DAY_NAMES: tuple[str, ...] = tuple(
    _day_fix(get_day_names("wide", locale=LOCALE)[i]) for i in range(7))
MONTH_NAMES: tuple[str, ...] = tuple(
    get_month_names("wide", locale=LOCALE)[m] for m in range(1, 13))


def _zone(tz: tzinfo | str | None) -> tzinfo | None:
    return ZoneInfo(tz) if isinstance(tz, str) else tz


def to_local(value: datetime, tz: tzinfo | str | None) -> datetime:
    """``value`` in zone ``tz``; naive values and ``tz=None`` are taken as already local."""
    zone = _zone(tz)
    if zone is None or value.tzinfo is None:
        return value
    return value.astimezone(zone)


def day_name(iso_weekday: int) -> str:
    """The Indonesian name of an ISO weekday (1 = Senin … 7 = Minggu)."""
    if not 1 <= iso_weekday <= 7:
        raise ValueError(f"ISO weekday must be 1..7, not {iso_weekday}")
    return DAY_NAMES[iso_weekday - 1]


def month_name(month: int) -> str:
    """The Indonesian name of a month (1 = Januari)."""
    if not 1 <= month <= 12:
        raise ValueError(f"month must be 1..12, not {month}")
    return MONTH_NAMES[month - 1]


def long_date(value: date) -> str:
    """A date as ``23 November 2026`` (a datetime is taken by its own date)."""
    return str(format_date(value, "d MMMM y", locale=LOCALE))


def day_date(value: date | datetime, tz: tzinfo | str | None = None) -> str:
    """A date with its day name, ``Senin, 23 November 2026``; datetimes are shown in ``tz``."""
    if isinstance(value, datetime):
        value = to_local(value, tz).date()
    # "EEEE" is formatted separately so its name can be corrected (see _DAY_FIXES).
    weekday = _day_fix(str(format_date(value, "EEEE", locale=LOCALE)))
    return f"{weekday}, {long_date(value)}"


def clock(value: time | datetime, tz: tzinfo | str | None = None) -> str:
    """A time of day with a dot, ``09.00``; datetimes are shown in ``tz`` when given."""
    if isinstance(value, datetime):
        value = to_local(value, tz).timetz().replace(tzinfo=None)
    return str(format_time(value, "HH.mm", locale=LOCALE))


def time_span(start: datetime, end: datetime | None, tz: tzinfo | str | None,
              label: str) -> str:
    """``09.00 – 12.00 WITA``; ``09.00 WITA s.d. selesai`` without an end.

    An end on a later local day names that day, so a night session cannot be misread.
    """
    local_start = to_local(start, tz)
    if end is None:
        return f"{clock(local_start)} {label} {UNTIL_DONE}"
    local_end = to_local(end, tz)
    if local_end.date() != local_start.date():
        return f"{clock(local_start)} {label} s.d. {day_date(local_end)} {clock(local_end)} {label}"
    return f"{clock(local_start)} {EN_DASH} {clock(local_end)} {label}"


def _digits(value: int | str, what: str) -> str:
    text = _SEPARATORS.sub("", str(value))
    if not text.isdigit() or not text.isascii():
        raise ValueError(f"{what} must contain digits only, not {value!r}")
    return text


def _grouped(text: str, sizes: tuple[int, ...]) -> str:
    parts, at = [], 0
    for size in sizes:
        parts.append(text[at:at + size])
        at += size
    return " ".join(parts)


def meeting_id(value: int | str) -> str:
    """A Zoom meeting ID grouped as Zoom shows it: ``812 3456 7890``, ``123 456 7890``."""
    text = _digits(value, "Meeting ID")
    sizes = _ID_GROUPS.get(len(text))
    # Lengths Zoom does not group (none seen so far) are shown as they are rather than guessed.
    return _grouped(text, sizes) if sizes else text


def nip(value: str | int) -> str:
    """An 18-digit civil-servant number in its 8-6-1-3 groups: ``19750312 200003 1 004``."""
    text = _digits(value, "NIP")
    if len(text) != sum(_NIP_GROUPS):
        raise ValueError(f"NIP must have 18 digits, not {len(text)} ({value!r})")
    return _grouped(text, _NIP_GROUPS)


def roman_month(month: int) -> str:
    """A month as the Roman numeral of letter numbers: 11 → ``XI``."""
    if not 1 <= month <= 12:
        raise ValueError(f"month must be 1..12, not {month}")
    return _ROMAN[month - 1]


def number(value: int) -> str:
    """An integer with dots between thousands: ``1.000``."""
    return str(format_decimal(value, "#,##0", locale=LOCALE))
