"""Numbers and dates read from query strings (``?hal=``, ``?tanggal=``, ``?dari=``,
``?sampai=``), held to the shared input bounds: out of range is a 400 naming the parameter."""

from __future__ import annotations

from datetime import date

from flask import request
from werkzeug.exceptions import BadRequest

from zoomsvc import input_bounds as bounds


class InputRefused(BadRequest):
    """A request input outside its bounds: HTTP 400 with one Indonesian sentence naming
    ``field`` (JSON for the API, the error page elsewhere)."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field
        self.message = message


def page_arg(name: str = "hal") -> int:
    """The page number; 1 when missing or not a number, refused when past :data:`PAGE_MAX`."""
    text = (request.args.get(name) or "").strip()
    if not text.isascii() or not text.isdecimal():
        return 1
    if len(text.lstrip("0")) > len(str(bounds.PAGE_MAX)) or int(text) > bounds.PAGE_MAX:
        raise InputRefused(name, f"Nomor halaman '{name}' paling besar {bounds.PAGE_MAX}.")
    return max(1, int(text))


def day_arg(name: str, today: date) -> date | None:
    """A ``YYYY-MM-DD`` date; None when missing or unreadable, refused when its year lies
    outside the browsing window around ``today``."""
    text = (request.args.get(name) or "").strip()
    try:
        day = date.fromisoformat(text)
    except ValueError:
        return None
    problem = bounds.year_problem(day.year, today, bounds.BROWSE_YEARS, bounds.BROWSE_YEARS)
    if problem:
        raise InputRefused(name, f"Tanggal '{name}': {problem}.")
    return day
