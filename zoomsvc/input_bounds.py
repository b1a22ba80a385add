"""The bounds every input is held to, shared by the domain validation, the command line, the web
forms, the query strings and the JSON API, so that all of them refuse the same things.

Each check returns an Indonesian phrase saying what is wrong (to follow a field name), or None
when the value is fine; callers wrap it in their own error (``InvalidInput``, HTTP 400, exit 2).
"""

from __future__ import annotations

import json
import unicodedata
from datetime import date
from decimal import Decimal

# Meetings are booked for the near future only; a year outside this window is a typing error
# (and years 1 or 9999 overflow every conversion between time zones).
MEETING_YEARS_BACK = 1
MEETING_YEARS_AHEAD = 2
# A request letter is answered within weeks; one dated years ago or next year is a typing error.
LETTER_YEARS_BACK = 5
LETTER_YEARS_AHEAD = 1
# Lists and calendars may be browsed further, but not to where date arithmetic overflows.
BROWSE_YEARS = 50
# Participants are checked against the host pool too; this bound holds when no pool is known.
PARTICIPANTS_MAX = 100_000
PAGE_MAX = 100_000
TOKEN_DAYS_MAX = 3650
# Whitespace a multi-line field (a textarea) legitimately holds; browsers send \r\n.
MULTILINE_CONTROLS = frozenset("\t\n\r")


def character_problem(value: str, allowed: frozenset[str] = frozenset()) -> str | None:
    """Why ``value`` holds characters no field may hold (control characters other than
    ``allowed``, NUL included, and lone surrogates), or None."""
    for char in value:
        category = unicodedata.category(char)
        if category == "Cc" and char not in allowed:
            return "mengandung karakter kontrol"
        if category == "Cs":
            return "mengandung karakter Unicode yang tidak sah"
    return None


def year_problem(year: int, today: date, back: int, ahead: int) -> str | None:
    """Why a date in ``year`` lies outside ``back`` years before to ``ahead`` years after
    ``today``'s year, or None."""
    first, last = today.year - back, today.year + ahead
    if first <= year <= last:
        return None
    return f"tahunnya harus antara {first} dan {last} (sekarang {year})"


def count_problem(value: int, largest: int) -> str | None:
    """Why a whole number is not within 1..``largest``, or None."""
    if value <= 0:
        return "harus lebih dari 0"
    if value > largest:
        return f"paling banyak {largest}"
    return None


def field_label(name: object) -> str:
    """A field name that is safe to print (an unknown key may hold anything)."""
    text = str(name)
    if character_problem(text) is not None or len(text) > 60:
        return ascii(text[:60])
    return text


class JsonRefused(ValueError):
    """A JSON text that cannot be read: malformed, too deeply nested or a number too long."""


# Longer integers exceed every bound above; they are kept as Decimal so that the validation
# names their field, where int() would refuse the whole document past 4,300 digits.
LONG_INTEGER_DIGITS = 18


def _integer(literal: str) -> int | Decimal:
    if len(literal.lstrip("-")) > LONG_INTEGER_DIGITS:
        return Decimal(literal)
    return int(literal)


def load_json(text: str) -> object:
    """Decode a JSON document, turning every way it can fail into :class:`JsonRefused`;
    integers too long for any bound come back as :class:`~decimal.Decimal`."""
    try:
        return json.loads(text, parse_int=_integer)
    except json.JSONDecodeError as exc:
        raise JsonRefused(f"bukan JSON yang sah (baris {exc.lineno}, kolom {exc.colno})"
                          ) from exc
    except RecursionError as exc:
        # The decoder recurses once per level of nesting.
        raise JsonRefused("bukan JSON yang dapat dibaca (terlalu bertingkat)") from exc
