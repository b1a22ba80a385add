"""Validation of request input (``zoomsvc.domain.parse_request``): every refusal names its field."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta, timezone
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from zoomsvc.domain import AGENDA_MAX, TOPIC_MAX, InvalidInput, parse_request

WITA = ZoneInfo("Asia/Makassar")
AGENCIES = ("Dinas Kesehatan", "Dinas Pendidikan")


def refused_field(data: object, agencies: tuple[str, ...] = ()) -> str:
    """The field named by the refusal of ``data`` (fails the test when it is accepted)."""
    with pytest.raises(InvalidInput) as caught:
        parse_request(data, WITA, agencies)
    assert str(caught.value).startswith(f"{caught.value.field}: ")
    assert caught.value.message
    return caught.value.field


def without(body: dict[str, Any], key: str) -> dict[str, Any]:
    return {k: v for k, v in body.items() if k != key}


def with_contact(body: dict[str, Any], **contact: Any) -> dict[str, Any]:
    return {**body, "contact": {**body["contact"], **contact}}


def test_a_valid_request_is_read_into_typed_fields(
        make_request: Callable[..., dict[str, Any]]) -> None:
    parsed = parse_request(make_request(srikandi_agenda="AG-1"), WITA)
    assert parsed.agency == "Dinas Kesehatan"
    assert parsed.letter_date == date(2026, 11, 20)
    assert parsed.participants == 150
    assert parsed.contact.email == "rina@dinkes.example.go.id"
    assert parsed.srikandi_agenda == "AG-1"
    assert parsed.end - parsed.start == timedelta(hours=3)


@pytest.mark.parametrize("field", ["agency", "letter_number", "letter_date", "subject", "topic",
                                   "start", "end", "participants", "contact"])
def test_a_missing_required_field_is_named(make_request: Callable[..., dict[str, Any]],
                                           field: str) -> None:
    assert refused_field(without(make_request(), field)) == field


@pytest.mark.parametrize("empty", [None, "", "   "])
def test_an_empty_required_field_is_named(make_request: Callable[..., dict[str, Any]],
                                          empty: object) -> None:
    assert refused_field(make_request(topic=empty)) == "topic"


@pytest.mark.parametrize("field", ["name", "phone", "email"])
def test_a_missing_contact_field_is_named_with_its_parent(
        make_request: Callable[..., dict[str, Any]], field: str) -> None:
    body = make_request()
    body["contact"] = without(body["contact"], field)
    assert refused_field(body) == f"contact.{field}"


def test_an_unknown_field_is_named(make_request: Callable[..., dict[str, Any]]) -> None:
    assert refused_field(make_request(room="Aula")) == "room"


def test_an_unknown_contact_field_is_named_with_its_parent(
        make_request: Callable[..., dict[str, Any]]) -> None:
    assert refused_field(with_contact(make_request(), fax="0551-1")) == "contact.fax"


@pytest.mark.parametrize(("field", "value"), [
    ("agency", 12),
    ("letter_number", ["440"]),
    ("subject", {"text": "x"}),
    ("topic", 3.5),
    ("agenda", 7),
    ("srikandi_agenda", 101),
    ("letter_date", 20261120),
    ("start", 1764032400),
    ("end", ["2026-11-24T12:00"]),
    ("participants", "banyak"),
    ("contact", "Rina, 0812"),
])
def test_a_value_of_the_wrong_type_is_named(make_request: Callable[..., dict[str, Any]],
                                            field: str, value: object) -> None:
    assert refused_field(make_request(**{field: value})) == field


@pytest.mark.parametrize("field", ["name", "phone", "email"])
def test_a_contact_value_of_the_wrong_type_is_named(
        make_request: Callable[..., dict[str, Any]], field: str) -> None:
    assert refused_field(with_contact(make_request(), **{field: 42})) == f"contact.{field}"


@pytest.mark.parametrize(("field", "value"), [
    ("start", "besok pagi"),
    ("start", "2026-11-24T25:00"),
    ("end", "2026-02-30T12:00"),
    ("letter_date", "20/11/2026"),
    ("letter_date", "2026-13-01"),
    ("letter_date", "2026-11-20T08:00"),
])
def test_an_unparsable_date_or_time_is_named(make_request: Callable[..., dict[str, Any]],
                                             field: str, value: str) -> None:
    assert refused_field(make_request(**{field: value})) == field


@pytest.mark.parametrize("data", [[], ["agency"], "permohonan", 42, 4.2, None, True])
def test_json_that_is_not_an_object_is_refused_as_a_whole(data: object) -> None:
    assert refused_field(data) == "(permohonan)"


def test_a_topic_of_200_characters_is_accepted_and_201_refused(
        make_request: Callable[..., dict[str, Any]]) -> None:
    assert parse_request(make_request(topic="T" * TOPIC_MAX), WITA).topic == "T" * TOPIC_MAX
    assert refused_field(make_request(topic="T" * (TOPIC_MAX + 1))) == "topic"


@pytest.mark.parametrize("topic", ["Rapat\nKoordinasi", "Rapat\tKoordinasi", "Rapat\x00",
                                   "Rapat\x1b[31m", "Rapat\x7f"])
def test_a_topic_with_control_characters_is_refused(
        make_request: Callable[..., dict[str, Any]], topic: str) -> None:
    assert refused_field(make_request(topic=topic)) == "topic"


def test_the_agenda_may_span_lines_up_to_its_limit(
        make_request: Callable[..., dict[str, Any]]) -> None:
    agenda = "1. Paparan\n\t2. Diskusi\n" + "x" * (AGENDA_MAX - 23)
    assert len(agenda) == AGENDA_MAX
    assert parse_request(make_request(agenda=agenda), WITA).agenda == agenda
    assert refused_field(make_request(agenda=agenda + "x")) == "agenda"


def test_the_agenda_refuses_control_characters_other_than_newline_and_tab(
        make_request: Callable[..., dict[str, Any]]) -> None:
    assert refused_field(make_request(agenda="Paparan\x07")) == "agenda"


def test_the_agenda_accepts_the_line_breaks_a_browser_sends(
        make_request: Callable[..., dict[str, Any]]) -> None:
    agenda = "1. Paparan\r\n2. Diskusi\r\n\t3. Penutup"
    assert parse_request(make_request(agenda=agenda), WITA).agenda == agenda


@pytest.mark.parametrize("field", ["agency", "letter_number", "subject", "topic", "agenda",
                                   "srikandi_agenda"])
def test_a_lone_surrogate_in_any_text_is_refused_naming_the_field(
        make_request: Callable[..., dict[str, Any]], field: str) -> None:
    assert refused_field(make_request(**{field: "Rapat \ud800 Koordinasi"})) == field


def test_a_lone_surrogate_in_a_contact_field_names_it(
        make_request: Callable[..., dict[str, Any]]) -> None:
    assert refused_field(with_contact(make_request(), name="Rina\udfff")) == "contact.name"


def test_an_unknown_key_with_control_characters_is_named_printably(
        make_request: Callable[..., dict[str, Any]]) -> None:
    field = refused_field({**make_request(), "ruang\x00\ud800": "Aula"})
    assert field == ascii("ruang\x00\ud800")


NOW = datetime(2026, 11, 23, 8, 0, tzinfo=WITA)


@pytest.mark.parametrize(("changes", "field"), [
    ({"start": "0001-01-01T01:00+05:00"}, "start"),
    ({"start": "9999-12-31T09:00", "end": "9999-12-31T12:00"}, "start"),
    ({"end": "9999-12-31T23:59-23:59"}, "end"),
    ({"start": "2024-11-24T09:00"}, "start"),
    ({"start": "2029-01-02T09:00"}, "start"),
    ({"letter_date": "0001-01-01"}, "letter_date"),
    ({"letter_date": "9999-12-31"}, "letter_date"),
    ({"letter_date": "2020-11-20"}, "letter_date"),
])
def test_years_outside_the_window_around_now_are_refused(
        make_request: Callable[..., dict[str, Any]], changes: dict[str, str],
        field: str) -> None:
    with pytest.raises(InvalidInput) as caught:
        parse_request(make_request(**changes), WITA, now=NOW)
    assert caught.value.field == field
    assert "tahunnya harus antara" in caught.value.message


def test_years_inside_the_window_are_accepted(
        make_request: Callable[..., dict[str, Any]]) -> None:
    parsed = parse_request(make_request(start="2028-12-05T09:00", end="2028-12-05T12:00",
                                        letter_date="2021-01-04"), WITA, now=NOW)
    assert parsed.start.year == 2028


@pytest.mark.parametrize("participants", [
    pytest.param(301, id="301"), pytest.param(10**28, id="1e28"),
    pytest.param(-10**28, id="minus-1e28"),
    pytest.param(Decimal("9" * 5000), id="5000-digits-from-json"),
    pytest.param("9" * 5000, id="5000-digits-as-text"),
    pytest.param("0" * 5000 + "301", id="301-after-5000-zeros"),
])
def test_participants_above_the_largest_host_are_refused(
        make_request: Callable[..., dict[str, Any]], participants: object) -> None:
    with pytest.raises(InvalidInput) as caught:
        parse_request(make_request(participants=participants), WITA, max_participants=300)
    assert caught.value.field == "participants"


def test_participants_up_to_the_largest_host_are_accepted(
        make_request: Callable[..., dict[str, Any]]) -> None:
    assert parse_request(make_request(participants="0" * 5000 + "300"), WITA,
                         max_participants=300).participants == 300


def test_the_optional_fields_may_be_left_out_or_null(
        make_request: Callable[..., dict[str, Any]]) -> None:
    parsed = parse_request(without(make_request(), "agenda"), WITA)
    assert parsed.agenda == ""
    assert parsed.srikandi_agenda is None
    assert parse_request(make_request(agenda=None, srikandi_agenda=None), WITA).agenda == ""


@pytest.mark.parametrize("participants", [0, -1, -150, True, False, 150.0, 1.5, "0", "-5",
                                          "1e3", "²", "", None])
def test_participants_must_be_a_positive_whole_number(
        make_request: Callable[..., dict[str, Any]], participants: object) -> None:
    assert refused_field(make_request(participants=participants)) == "participants"


def test_participants_given_as_digits_in_a_form_are_read_as_a_number(
        make_request: Callable[..., dict[str, Any]]) -> None:
    assert parse_request(make_request(participants=" 75 "), WITA).participants == 75


@pytest.mark.parametrize("email", ["rina", "rina@dinkes", "@dinkes.go.id", "rina@@dinkes.go.id",
                                   "rina handayani@dinkes.go.id"])
def test_a_bad_email_address_is_named(make_request: Callable[..., dict[str, Any]],
                                      email: str) -> None:
    assert refused_field(with_contact(make_request(), email=email)) == "contact.email"


@pytest.mark.parametrize("phone", ["12345", "telepon", "0812-5500-12x4", "++62812550012",
                                   "0" * 30])
def test_a_bad_phone_number_is_named(make_request: Callable[..., dict[str, Any]],
                                     phone: str) -> None:
    assert refused_field(with_contact(make_request(), phone=phone)) == "contact.phone"


@pytest.mark.parametrize("phone", ["+62 812 5500 1234", "(0551) 21234", "0812.5500.1234"])
def test_usual_phone_notations_are_accepted(make_request: Callable[..., dict[str, Any]],
                                            phone: str) -> None:
    parsed = parse_request(with_contact(make_request(), phone=phone), WITA)
    assert parsed.contact.phone == phone


def test_an_agency_not_on_the_configured_list_is_named(
        make_request: Callable[..., dict[str, Any]]) -> None:
    assert refused_field(make_request(agency="Dinas Rahasia"), AGENCIES) == "agency"


def test_any_agency_is_accepted_when_no_list_is_configured(
        make_request: Callable[..., dict[str, Any]]) -> None:
    assert parse_request(make_request(agency="Dinas Rahasia"), WITA).agency == "Dinas Rahasia"


def test_the_agency_matches_the_list_without_regard_to_case_and_takes_its_spelling(
        make_request: Callable[..., dict[str, Any]]) -> None:
    parsed = parse_request(make_request(agency="  dinas KESEHATAN "), WITA, AGENCIES)
    assert parsed.agency == "Dinas Kesehatan"


def test_times_without_an_offset_are_taken_in_the_agency_zone(
        make_request: Callable[..., dict[str, Any]]) -> None:
    parsed = parse_request(make_request(start="2026-11-24T09:00", end="2026-11-24T12:00"), WITA)
    assert parsed.start.utcoffset() == timedelta(hours=8)
    assert parsed.start.astimezone(UTC) == datetime(2026, 11, 24, 1, 0, tzinfo=UTC)
    assert parsed.end.astimezone(UTC) == datetime(2026, 11, 24, 4, 0, tzinfo=UTC)


def test_times_in_another_zone_are_read_in_that_zone_not_the_agency_one(
        make_request: Callable[..., dict[str, Any]]) -> None:
    wib = ZoneInfo("Asia/Jakarta")
    parsed = parse_request(make_request(start="2026-11-24T09:00"), wib)
    assert parsed.start.astimezone(UTC) == datetime(2026, 11, 24, 2, 0, tzinfo=UTC)


def test_times_with_an_explicit_offset_keep_it(
        make_request: Callable[..., dict[str, Any]]) -> None:
    parsed = parse_request(make_request(start="2026-11-24T09:00+07:00",
                                        end="2026-11-24T03:00Z"), WITA)
    assert parsed.start.utcoffset() == timedelta(hours=7)
    assert parsed.start.astimezone(UTC) == datetime(2026, 11, 24, 2, 0, tzinfo=UTC)
    assert parsed.end.tzinfo is not None
    assert parsed.end.astimezone(timezone(timedelta(hours=8))).hour == 11


def test_surrounding_spaces_are_trimmed_from_text_fields(
        make_request: Callable[..., dict[str, Any]]) -> None:
    parsed = parse_request(make_request(topic="  Rapat Koordinasi  ",
                                        letter_number=" 440/1/DINKES "), WITA)
    assert parsed.topic == "Rapat Koordinasi"
    assert parsed.letter_number == "440/1/DINKES"
