"""Letter numbers: one sequence per year, allocated atomically under the writer lock,
formatted by the configured template (e.g. ``000.8.3.3/0123/DKISP-APTIKA/XI/2026``)."""

from __future__ import annotations

from datetime import date

from sqlalchemy.orm import Session

from zoomsvc.config import LetterSettings
from zoomsvc.formatting import roman_month
from zoomsvc.store.records import next_in_sequence

SEQUENCE = "letter"


def format_number(settings: LetterSettings, sequence: int, day: date) -> str:
    """The number of the ``sequence``-th letter of ``day``'s year, per the template."""
    return settings.number_template.format(
        klasifikasi=settings.klasifikasi, urut=sequence, unit=settings.unit,
        bulan_romawi=roman_month(day.month), bulan=day.month, tahun=day.year)


def mint_number(session: Session, settings: LetterSettings, day: date) -> tuple[int, str]:
    """Take the next number of the year (caller holds the writer lock): (sequence, text)."""
    sequence = next_in_sequence(session, SEQUENCE, day.year)
    return sequence, format_number(settings, sequence, day)
