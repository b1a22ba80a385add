"""Indonesian formatting: dates, clock times, spans, meeting IDs, NIP, Roman months, numbers."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from zoomsvc import formatting
from zoomsvc.calendar import wording

WITA = ZoneInfo("Asia/Makassar")
# Wednesday 25 November 2026, 09.00 WITA, as the service stores it (UTC).
START = datetime(2026, 11, 25, 1, 0, tzinfo=UTC)


def test_a_long_date_is_day_month_name_and_year() -> None:
    assert formatting.long_date(date(2026, 11, 23)) == "23 November 2026"
    assert formatting.long_date(date(2027, 1, 5)) == "5 Januari 2027"


def test_a_day_date_names_the_day_in_the_agencys_zone() -> None:
    assert formatting.day_date(START, WITA) == "Rabu, 25 November 2026"
    # 23.30 UTC on Tuesday is already Wednesday in Tarakan (UTC+8).
    late = datetime(2026, 11, 24, 23, 30, tzinfo=UTC)
    assert formatting.day_date(late, "Asia/Makassar") == "Rabu, 25 November 2026"
    assert formatting.day_date(late, "Asia/Jakarta") == "Rabu, 25 November 2026"
    assert formatting.day_date(late, UTC) == "Selasa, 24 November 2026"


def test_friday_is_jumat_without_an_apostrophe_and_sunday_is_minggu() -> None:
    assert formatting.day_date(date(2026, 11, 27)) == "Jumat, 27 November 2026"
    assert formatting.day_date(date(2026, 11, 29)) == "Minggu, 29 November 2026"
    assert formatting.DAY_NAMES == ("Senin", "Selasa", "Rabu", "Kamis", "Jumat", "Sabtu",
                                    "Minggu")
    assert "'" not in "".join(formatting.DAY_NAMES)
    assert "’" not in "".join(formatting.DAY_NAMES)


def test_every_month_has_its_indonesian_name() -> None:
    assert formatting.MONTH_NAMES == (
        "Januari", "Februari", "Maret", "April", "Mei", "Juni", "Juli", "Agustus",
        "September", "Oktober", "November", "Desember")
    assert [formatting.long_date(date(2026, m, 1)).split()[1] for m in range(1, 13)] == list(
        formatting.MONTH_NAMES)


def test_a_clock_time_uses_a_dot_and_two_digit_hours() -> None:
    assert formatting.clock(time(9, 0)) == "09.00"
    assert formatting.clock(time(13, 5)) == "13.05"
    assert formatting.clock(START, WITA) == "09.00"
    assert formatting.clock(START) == "01.00"  # without a zone a datetime is taken as it is


def test_a_time_span_has_an_en_dash_with_spaces_and_the_zone_label() -> None:
    end = START + timedelta(hours=3)
    assert formatting.time_span(START, end, WITA, "WITA") == "09.00 – 12.00 WITA"
    assert formatting.time_span(START, end, "Asia/Jakarta", "WIB") == "08.00 – 11.00 WIB"


def test_a_span_without_an_end_reads_until_done() -> None:
    assert formatting.time_span(START, None, WITA, "WITA") == "09.00 WITA s.d. selesai"


def test_a_span_ending_on_a_later_day_names_that_day() -> None:
    evening = datetime(2026, 11, 25, 12, 0, tzinfo=UTC)  # 20.00 WITA
    text = formatting.time_span(evening, evening + timedelta(hours=6), WITA, "WITA")
    assert text == "20.00 WITA s.d. Kamis, 26 November 2026 02.00 WITA"


@pytest.mark.parametrize(("raw", "shown"), [
    (81234567890, "812 3456 7890"),
    ("81234567890", "812 3456 7890"),
    ("812 3456 7890", "812 3456 7890"),
    (1234567890, "123 456 7890"),
    (123456789, "123 456 789"),
    ("12345", "12345"),
])
def test_a_meeting_id_is_grouped_as_zoom_shows_it(raw: int | str, shown: str) -> None:
    assert formatting.meeting_id(raw) == shown


def test_a_meeting_id_with_letters_is_refused() -> None:
    with pytest.raises(ValueError, match="Meeting ID"):
        formatting.meeting_id("812-ABC-7890")


def test_a_nip_is_shown_in_its_8_6_1_3_groups() -> None:
    assert formatting.nip("197503122000031004") == "19750312 200003 1 004"
    assert formatting.nip("19750312 200003 1 004") == "19750312 200003 1 004"
    assert formatting.nip(197503122000031004) == "19750312 200003 1 004"


@pytest.mark.parametrize("bad", ["19750312200003100", "1975031220000310045", "1975O3122000031004"])
def test_a_nip_of_the_wrong_shape_is_refused(bad: str) -> None:
    with pytest.raises(ValueError, match="NIP"):
        formatting.nip(bad)


def test_months_are_roman_numerals_for_letter_numbers() -> None:
    assert [formatting.roman_month(m) for m in (1, 4, 9, 11, 12)] == ["I", "IV", "IX", "XI", "XII"]
    with pytest.raises(ValueError, match="month"):
        formatting.roman_month(13)


def test_numbers_have_dots_between_thousands() -> None:
    assert formatting.number(1000) == "1.000"
    assert formatting.number(999) == "999"
    assert formatting.number(1234567) == "1.234.567"
    assert formatting.number(-2500) == "-2.500"


def test_day_names_out_of_range_are_refused() -> None:
    assert formatting.day_name(5) == "Jumat"
    with pytest.raises(ValueError, match="weekday"):
        formatting.day_name(0)


def test_the_calendar_wording_and_the_letters_share_one_spelling() -> None:
    local = START.astimezone(WITA)
    assert wording.local_date(local) == formatting.day_date(START, WITA)
    assert wording.clock(local) == formatting.clock(START, WITA)
    assert wording.DAY_NAMES == formatting.DAY_NAMES
    assert wording.MONTH_NAMES == formatting.MONTH_NAMES
    assert wording.number(1000) == formatting.number(1000)
    assert wording.day_name(7) == "Minggu"
