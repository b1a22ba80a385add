"""The working-day keys of ``[calendar]``: hours per weekday with breaks, local holidays."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

from zoomsvc.config.fields import ConfigError, build_dataclass
from zoomsvc.config.model import LocalHoliday, ServiceHours

# Weekday names as written in the office, so `days = ["jumat"]` reads as it is said.
DAY_NUMBERS = {"senin": 1, "selasa": 2, "rabu": 3, "kamis": 4, "jumat": 5, "sabtu": 6,
               "minggu": 7}


def clock_minutes(key: str, text: Any) -> int:
    """Minutes after midnight of ``HH:MM``."""
    hours, sep, minutes = str(text).partition(":")
    if not (isinstance(text, str) and sep and hours.isdigit() and minutes.isdigit()
            and len(minutes) == 2 and int(hours) < 24 and int(minutes) < 60):
        raise ConfigError(key, f"format jam HH:MM, mis. '07:30', bukan {text!r}")
    return int(hours) * 60 + int(minutes)


def _day_number(key: str, value: Any) -> int:
    if isinstance(value, str) and value.strip().lower() in DAY_NUMBERS:
        return DAY_NUMBERS[value.strip().lower()]
    if isinstance(value, int) and not isinstance(value, bool) and 1 <= value <= 7:
        return value
    raise ConfigError(key, f"hari {value!r} tidak dikenal: pakai 1 (Senin) sampai 7 (Minggu) "
                      "atau nama hari, mis. \"jumat\"")


def build_hours(raw: Any, service_days: tuple[int, ...], default_open: str,
                default_close: str) -> tuple[ServiceHours, ...]:
    """The ``[[calendar.hours]]`` entries, each day named once and only among service days."""
    if not isinstance(raw, list):
        raise ConfigError("calendar.hours", "harus berupa daftar [[calendar.hours]]")
    seen: set[int] = set()
    entries: list[ServiceHours] = []
    for index, item in enumerate(raw):
        key = f"calendar.hours[{index}]"
        if not isinstance(item, dict):
            raise ConfigError(key, "harus berupa tabel [[calendar.hours]]")
        item = dict(item)
        days = item.get("days")
        if not isinstance(days, list) or not days:
            raise ConfigError(f"{key}.days", "daftar hari wajib diisi, mis. [\"jumat\"]")
        numbers = tuple(sorted({_day_number(f"{key}.days", day) for day in days}))
        for day in numbers:
            if day not in service_days:
                raise ConfigError(f"{key}.days", f"hari {day} tidak termasuk "
                                  "calendar.service_days")
            if day in seen:
                raise ConfigError(f"{key}.days", f"hari {day} sudah diatur di entri lain")
        seen.update(numbers)
        item["days"] = numbers
        breaks = item.get("breaks", [])
        if not isinstance(breaks, list) or any(
                not isinstance(b, list) or len(b) != 2 for b in breaks):
            raise ConfigError(f"{key}.breaks", "daftar pasangan jam, mis. "
                              "[[\"11:30\", \"13:30\"]]")
        item["breaks"] = tuple((b[0], b[1]) for b in breaks)
        entry = build_dataclass(ServiceHours, item, key, prebuilt={"days", "breaks"})
        _check_hours(key, entry, default_open, default_close)
        entries.append(entry)
    return tuple(entries)


def _check_hours(key: str, entry: ServiceHours, default_open: str, default_close: str) -> None:
    opens = clock_minutes(f"{key}.open", entry.open or default_open)
    closes = clock_minutes(f"{key}.close", entry.close or default_close)
    if closes <= opens:
        raise ConfigError(f"{key}.close", "jam tutup harus setelah jam buka")
    previous_end = opens
    for start_text, end_text in sorted(entry.breaks):
        start = clock_minutes(f"{key}.breaks", start_text)
        end = clock_minutes(f"{key}.breaks", end_text)
        if not previous_end <= start < end <= closes:
            raise ConfigError(f"{key}.breaks", f"istirahat {start_text}–{end_text} harus di "
                              "dalam jam layanan hari itu dan tidak saling tumpang tindih")
        previous_end = end


def _iso_date(key: str, value: Any) -> str:
    if isinstance(value, date):
        return value.isoformat()
    try:
        return date.fromisoformat(str(value)).isoformat()
    except ValueError as exc:
        raise ConfigError(key, f"tanggal YYYY-MM-DD, mis. \"2026-12-15\", bukan {value!r}"
                          ) from exc


def build_local_holidays(raw: Any) -> tuple[LocalHoliday, ...]:
    """``holidays_add``: a list of ``{date = "YYYY-MM-DD", name = "..."}``."""
    if not isinstance(raw, list):
        raise ConfigError("calendar.holidays_add", "harus berupa daftar "
                          "{date = \"YYYY-MM-DD\", name = \"...\"}")
    entries: list[LocalHoliday] = []
    for index, item in enumerate(raw):
        key = f"calendar.holidays_add[{index}]"
        if not isinstance(item, Mapping):
            raise ConfigError(key, "harus berupa tabel {date = \"YYYY-MM-DD\", name = \"...\"}")
        item = {**item, "date": _iso_date(f"{key}.date", item.get("date"))}
        entry = build_dataclass(LocalHoliday, item, key)
        if not entry.name.strip():
            raise ConfigError(f"{key}.name", "nama hari libur wajib diisi")
        entries.append(entry)
    return tuple(entries)


def build_removed_holidays(raw: Any) -> tuple[str, ...]:
    """``holidays_remove``: dates on which the office works despite the national calendar."""
    if not isinstance(raw, list):
        raise ConfigError("calendar.holidays_remove", "harus berupa daftar tanggal YYYY-MM-DD")
    return tuple(_iso_date(f"calendar.holidays_remove[{i}]", v) for i, v in enumerate(raw))
