"""A request (permohonan) as the service receives it, and the validation of that input.

``parse_request`` accepts what REQUEST.json, the web form and the JSON API send and either returns
a :class:`RequestInput` or raises :class:`InvalidInput` naming the first wrong field, in
Indonesian. Rules about time and the host pool (past start, over 24 hours, capacity) belong to the
calendar check, which raises its own rejection with the same shape.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from zoomsvc import formatting
from zoomsvc import input_bounds as bounds
from zoomsvc.marker import marker_like

TOPIC_MAX = 200
# Zoom allows 2,000 characters of agenda; the request marker needs the rest.
AGENDA_MAX = 1900
EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
# Landlines are written with the area code in brackets: "(0551) 21234".
PHONE = re.compile(r"^\+?\(?[0-9][0-9 .\-()]{5,24}$")

REQUIRED = ("agency", "letter_number", "letter_date", "subject", "topic", "start", "end",
            "participants", "contact")
OPTIONAL = ("agenda", "srikandi_agenda")
CONTACT_FIELDS = ("name", "phone", "email")


@dataclass(frozen=True)
class Contact:
    """Who at the agency to call about the meeting."""

    name: str
    phone: str
    email: str


@dataclass(frozen=True)
class RequestInput:
    """A validated request; ``start``/``end`` are aware datetimes."""

    agency: str
    letter_number: str
    letter_date: date
    subject: str
    topic: str
    start: datetime
    end: datetime
    participants: int
    contact: Contact
    agenda: str = ""
    srikandi_agenda: str | None = None


class InvalidInput(ValueError):
    """The input cannot be used; ``field`` names the culprit (dotted for nested fields)."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(f"{field}: {message}")
        self.field = field
        self.message = message


def parse_request(data: object, zone: ZoneInfo, agencies: Iterable[str] = (), *,
                  now: datetime | None = None,
                  max_participants: int = bounds.PARTICIPANTS_MAX) -> RequestInput:
    """Validate raw input (a decoded JSON object or form) into a :class:`RequestInput`.

    Times without an offset are local to ``zone`` (the agency's zone); ``agencies``, when not
    empty, is the list of known agency names (matched without regard to case). Years are held
    to a window around ``now`` (default: the wall clock), participants to ``max_participants``
    (the largest host of the pool).
    """
    today = (now or datetime.now(UTC)).astimezone(zone).date()
    if not isinstance(data, Mapping):
        raise InvalidInput("(permohonan)", "harus berupa objek JSON {...}")
    for key in data:
        if key not in REQUIRED and key not in OPTIONAL:
            raise InvalidInput(bounds.field_label(key), "kolom tidak dikenal")
    for key in REQUIRED:
        if key not in data or data[key] is None or data[key] == "":
            raise InvalidInput(key, "wajib diisi")
    for key in ("topic", "agenda"):  # only the service writes markers (zoomsvc.marker)
        if marker_like(data.get(key)):
            raise InvalidInput(key, "tidak boleh memuat penanda layanan seperti [ZM-2026-0001]")
    agency = _text(data, "agency", 200)
    known = {name.casefold(): name for name in agencies}
    if known:
        if agency.casefold() not in known:
            raise InvalidInput("agency", f"perangkat daerah {agency!r} tidak terdaftar")
        agency = known[agency.casefold()]
    start = _moment(data["start"], "start", zone, today)
    end = _moment(data["end"], "end", zone, today)
    letter_date = _day(data["letter_date"], "letter_date", today)
    _letter_not_later(letter_date, today, start.astimezone(zone).date())
    return RequestInput(
        agency=agency,
        letter_number=_text(data, "letter_number", 100),
        letter_date=letter_date,
        subject=_text(data, "subject", 300),
        topic=_text(data, "topic", TOPIC_MAX),
        start=start,
        end=end,
        participants=_count(data["participants"], "participants", max_participants),
        contact=_contact(data["contact"]),
        agenda=_text(data, "agenda", AGENDA_MAX, multiline=True, required=False),
        srikandi_agenda=_text(data, "srikandi_agenda", 100, required=False) or None,
    )


def _text(data: Mapping[str, Any], key: str, limit: int, *, multiline: bool = False,
          required: bool = True, prefix: str = "") -> str:
    value = data.get(key, "")
    name = prefix + key
    if value is None and not required:
        return ""
    if not isinstance(value, str):
        raise InvalidInput(name, "harus berupa teks")
    value = value.strip()
    if required and not value:
        raise InvalidInput(name, "wajib diisi")
    if len(value) > limit:
        raise InvalidInput(name, f"paling banyak {limit} karakter (sekarang {len(value)})")
    problem = bounds.character_problem(
        value, bounds.MULTILINE_CONTROLS if multiline else frozenset())
    if problem:
        raise InvalidInput(name, problem)
    return value


def _moment(value: object, field: str, zone: ZoneInfo, today: date) -> datetime:
    if not isinstance(value, str):
        raise InvalidInput(field, "harus berupa waktu ISO, mis. 2026-11-25T09:00")
    try:
        moment = datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
    except ValueError:
        raise InvalidInput(field, f"waktu tidak dapat dibaca: {value[:40]!r} (contoh "
                           "2026-11-25T09:00 atau 2026-11-25T09:00+08:00)") from None
    # Checked before any conversion between zones, which overflows near years 1 and 9999.
    problem = bounds.year_problem(moment.year, today, bounds.MEETING_YEARS_BACK,
                                  bounds.MEETING_YEARS_AHEAD)
    if problem:
        raise InvalidInput(field, problem)
    return moment.replace(tzinfo=zone) if moment.tzinfo is None else moment


def _day(value: object, field: str, today: date) -> date:
    if not isinstance(value, str):
        raise InvalidInput(field, "harus berupa tanggal YYYY-MM-DD")
    try:
        day = date.fromisoformat(value.strip())
    except ValueError:
        raise InvalidInput(field, f"tanggal tidak dapat dibaca: {value[:40]!r} (format "
                           "YYYY-MM-DD)") from None
    problem = bounds.year_problem(day.year, today, bounds.LETTER_YEARS_BACK,
                                  bounds.LETTER_YEARS_AHEAD)
    if problem:
        raise InvalidInput(field, problem)
    return day


def _letter_not_later(letter_date: date, today: date, meeting_day: date) -> None:
    # A request letter is written before it reaches the office and before its meeting; a
    # later date is a typing error that would be printed in the reply letter.
    if letter_date > today:
        raise InvalidInput("letter_date", f"tanggal surat {formatting.long_date(letter_date)} "
                           f"sesudah hari ini ({formatting.long_date(today)}); periksa "
                           "tanggal pada surat permohonan")
    if letter_date > meeting_day:
        raise InvalidInput("letter_date", f"tanggal surat {formatting.long_date(letter_date)} "
                           f"sesudah tanggal rapat ({formatting.long_date(meeting_day)}); "
                           "periksa tanggal pada surat permohonan")


def _count(value: object, field: str, largest: int) -> int:
    over = f"melebihi kapasitas akun Zoom terbesar ({largest} peserta)"
    if isinstance(value, Decimal):  # an integer too long to be read as int (load_json)
        raise InvalidInput(field, over if value > 0 else "harus lebih dari 0")
    if isinstance(value, bool) or not isinstance(value, int):
        # isdecimal, not isdigit: "²" is a digit that int() cannot read.
        if isinstance(value, str) and value.strip().isdecimal():
            # Thousands of digits would exceed int()'s limit; far fewer exceed any pool.
            digits = value.strip().lstrip("0") or "0"
            if len(digits) > len(str(largest)):
                raise InvalidInput(field, over)
            value = int(digits)
        else:
            raise InvalidInput(field, "harus berupa bilangan bulat")
    if value > largest:
        raise InvalidInput(field, over)
    problem = bounds.count_problem(value, largest)
    if problem:
        raise InvalidInput(field, problem)
    return value


def _contact(value: object) -> Contact:
    if not isinstance(value, Mapping):
        raise InvalidInput("contact", "harus berupa objek {name, phone, email}")
    for key in value:
        if key not in CONTACT_FIELDS:
            raise InvalidInput(f"contact.{bounds.field_label(key)}", "kolom tidak dikenal")
    name = _text(value, "name", 200, prefix="contact.")
    phone = _text(value, "phone", 50, prefix="contact.")
    email = _text(value, "email", 200, prefix="contact.")
    if not PHONE.match(phone):
        raise InvalidInput("contact.phone", f"nomor telepon tidak sah: {phone!r}")
    if not EMAIL.match(email):
        raise InvalidInput("contact.email", f"alamat surel tidak sah: {email!r}")
    return Contact(name=name, phone=phone, email=email)
