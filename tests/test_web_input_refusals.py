"""Bad input to the web pages and the JSON API gets a 400 (or 409) with one Indonesian sentence
naming the field, never a 500, and nothing is stored: dates and page numbers out of range, huge
numbers, control characters and lone surrogates, a signed file already used for another letter
(``zoomsvc.web.query``, ``zoomsvc.web.security``, ``zoomsvc.domain``)."""

from __future__ import annotations

import json
from io import BytesIO
from typing import Any

import pytest
from sqlalchemy import func, select
from web_support import (
    WebEnv,
    form_fields,
    minimal_pdf,
    text_of,
)

from zoomsvc.store.models import Request
from zoomsvc.workflow import Role

NEW = "/permohonan/baru"
HUGE = "9999999999999999999999999"


def requests_stored(web: WebEnv) -> int:
    with web.services.db.session() as session:
        return session.scalar(select(func.count()).select_from(Request)) or 0


def api_body(**overrides: Any) -> dict[str, Any]:
    """A valid API request for Tuesday 24 November 2026, 09.00–12.00 WITA."""
    fields = form_fields()
    body: dict[str, Any] = {
        "agency": fields["agency"], "letter_number": fields["letter_number"],
        "letter_date": fields["letter_date"], "subject": fields["subject"],
        "topic": fields["topic"], "agenda": fields["agenda"],
        "start": "2026-11-24T09:00", "end": "2026-11-24T12:00", "participants": 150,
        "contact": {"name": fields["contact_name"], "phone": fields["contact_phone"],
                    "email": fields["contact_email"]},
    }
    body.update(overrides)
    return body


@pytest.mark.parametrize(("role", "url", "field"), [
    pytest.param("staf", "/permohonan?dari=0001-01-01", "dari", id="list-from-year-1"),
    pytest.param("staf", "/permohonan?sampai=9999-12-31", "sampai", id="list-until-year-9999"),
    pytest.param("staf", "/permohonan?dari=9999-12-31", "dari", id="list-from-year-9999"),
    pytest.param("staf", "/permohonan?sampai=0001-01-01", "sampai", id="list-until-year-1"),
    pytest.param("staf", "/kalender?tanggal=0001-01-01", "tanggal", id="calendar-year-1"),
    pytest.param("staf", "/kalender?tanggal=9999-12-31&rentang=minggu", "tanggal",
                 id="calendar-week-year-9999"),
    pytest.param("staf", f"/permohonan?hal={HUGE}", "hal", id="list-huge-page"),
    pytest.param("opd", f"/portal?hal={HUGE}", "hal", id="portal-huge-page"),
])
def test_a_query_date_or_page_out_of_range_is_a_400_naming_it(
        web: WebEnv, role: str, url: str, field: str) -> None:
    answer = web.signed_in(role).get(url)

    assert answer.status_code == 400, answer.status_code
    assert f"'{field}'" in text_of(answer)


def test_the_api_refuses_a_huge_page_as_json_naming_it(web: WebEnv) -> None:
    token = web.api_token("requests:read")
    answer = web.app.test_client().get(f"/api/v1/permohonan?hal={HUGE}",
                                       headers={"Authorization": f"Bearer {token}"})

    assert answer.status_code == 400
    assert answer.json is not None
    assert answer.json["error"]["field"] == "hal"


def test_pages_and_dates_within_range_still_list(web: WebEnv) -> None:
    staff = web.signed_in("staf")
    for url in ("/permohonan?hal=100000", "/permohonan?hal=abc", "/permohonan?dari=2026-11-01",
                "/kalender?tanggal=2026-11-24", "/kalender?tanggal=bukan-tanggal"):
        assert staff.get(url).status_code == 200, url


@pytest.mark.parametrize(("body", "field"), [
    pytest.param(api_body(start="9999-12-31T09:00", end="9999-12-31T12:00"), "start",
                 id="start-year-9999"),
    pytest.param(api_body(start="0001-01-01T01:00+05:00"), "start", id="start-year-1"),
    pytest.param(api_body(letter_date="9999-12-31"), "letter_date", id="letter-date-9999"),
    pytest.param(api_body(participants=10**28), "participants", id="participants-1e28"),
    pytest.param(api_body(participants=int(HUGE)), "participants", id="participants-huge"),
    pytest.param(api_body(topic="Rapat\ud800"), "topic", id="lone-surrogate"),
    pytest.param(api_body(topic="Rapat\x00Stunting"), "topic", id="nul"),
])
def test_the_api_refuses_values_out_of_bounds_and_stores_nothing(
        web: WebEnv, body: dict[str, Any], field: str) -> None:
    token = web.api_token("requests:read", "requests:write")
    answer = web.app.test_client().post(
        "/api/v1/permohonan", data=json.dumps(body), content_type="application/json",
        headers={"Authorization": f"Bearer {token}"})

    assert answer.status_code == 400, answer.get_data(as_text=True)[:300]
    assert answer.json is not None
    assert answer.json["error"]["field"] == field
    assert requests_stored(web) == 0


@pytest.mark.parametrize("raw", [
    pytest.param('{"participants": ' + "9" * 5000 + "}", id="participants-5000-digits"),
    pytest.param("[" * 100_000 + "]" * 100_000, id="nested-100000-deep"),
])
def test_the_api_refuses_json_the_decoder_chokes_on(web: WebEnv, raw: str) -> None:
    token = web.api_token("requests:read", "requests:write")
    answer = web.app.test_client().post(
        "/api/v1/permohonan", data=raw, content_type="application/json",
        headers={"Authorization": f"Bearer {token}"})

    assert answer.status_code == 400
    assert answer.json is not None
    assert answer.json["error"]["message"]
    assert requests_stored(web) == 0


@pytest.mark.parametrize(("overrides", "says"), [
    pytest.param({"participants": "1" + "0" * 28}, "melebihi kapasitas", id="participants-1e28"),
    # A number input lets a browser send "1e28"; the form cannot read it as a whole number.
    pytest.param({"participants": "1e28"}, "Jumlah peserta terlalu besar",
                 id="participants-1e28-as-a-number-input-sends-it"),
    pytest.param({"participants": "9" * 5000}, "Jumlah peserta terlalu besar",
                 id="participants-5000-digits"),
    pytest.param({"day": "9999-12-31"}, "Tahunnya harus antara", id="day-year-9999"),
    pytest.param({"letter_date": "0001-01-01"}, "Tahunnya harus antara", id="letter-date-year-1"),
])
def test_the_form_shows_an_out_of_bounds_value_again_with_its_reason(
        web: WebEnv, overrides: dict[str, Any], says: str) -> None:
    answer = web.signed_in("staf").post(NEW, form_fields(**overrides), form_page=NEW,
                                        content_type="multipart/form-data")

    assert answer.status_code == 400
    assert says in text_of(answer)
    assert requests_stored(web) == 0


def test_the_form_accepts_an_agenda_written_on_several_lines(web: WebEnv) -> None:
    answer = web.signed_in("staf").post(
        NEW, form_fields(agenda="Pembukaan\r\nPaparan\r\n\tDiskusi\nPenutup"), form_page=NEW,
        content_type="multipart/form-data")

    assert answer.status_code == 302, text_of(answer)[:500]
    assert requests_stored(web) == 1


@pytest.mark.parametrize(("field", "value"), [
    pytest.param("topic", "Rapat\x00Stunting", id="nul-in-topic"),
    pytest.param("agenda", "Baris\x00dua", id="nul-in-agenda"),
    pytest.param("letter_number", "440/\x1b[2J/2026", id="escape-in-letter-number"),
])
def test_the_form_refuses_control_characters_naming_the_field(
        web: WebEnv, field: str, value: str) -> None:
    answer = web.signed_in("staf").post(NEW, form_fields(**{field: value}), form_page=NEW,
                                        content_type="multipart/form-data")

    assert answer.status_code == 400
    assert f"'{field}'" in text_of(answer)
    assert requests_stored(web) == 0


def test_an_anonymous_sign_in_with_a_nul_byte_is_a_400(web: WebEnv) -> None:
    browser = web.browser()
    answer = browser.post("/masuk", {"username": "rina\x00", "password": "x"})

    assert answer.status_code == 400
    assert "'username'" in text_of(answer)


@pytest.mark.parametrize("url", [
    pytest.param("/verifikasi/a%00b", id="verification-path"),
    pytest.param("/masuk?next=/dasbor%00", id="query-value"),
    pytest.param("/verifikasi/a%0Db", id="carriage-return-in-path"),
])
def test_a_control_character_in_the_address_is_a_400(web: WebEnv, url: str) -> None:
    answer = web.browser().get(url)

    assert answer.status_code == 400
    assert "karakter kontrol" in text_of(answer)


def test_the_api_refuses_a_nul_in_the_query_as_json(web: WebEnv) -> None:
    token = web.api_token("requests:read")
    answer = web.app.test_client().get("/api/v1/permohonan?status=live%00",
                                       headers={"Authorization": f"Bearer {token}"})

    assert answer.status_code == 400
    assert answer.json is not None
    assert answer.json["error"]["field"] == "status"


def test_a_signed_file_already_used_for_another_letter_is_a_409_naming_it(
        web: WebEnv) -> None:
    first = web.submit(api_body(letter_number="440/1/DINKES/2026"))
    pdf = web.to_signed(first)
    second = web.submit(api_body(letter_number="440/2/DINKES/2026", start="2026-11-25T09:00",
                                 end="2026-11-25T12:00"))
    web.services.letters.review(second, approve=True, note="", actor="hendra",
                                role=Role.KABID)
    number = web.services.letters.current(first)
    assert number is not None
    kadis = web.as_role("kadis")

    answer = kadis.post(f"/permohonan/{second}/tandatangan",
                        {"signed": (BytesIO(pdf), "ttd.pdf")},
                        form_page=f"/permohonan/{second}", content_type="multipart/form-data")

    assert answer.status_code == 409
    assert f"berkas ini sudah dipakai untuk surat {number.number}" in text_of(answer)
    assert web.state_of(second) == "reviewed"
    other = minimal_pdf("Surat kedua")
    again = kadis.post(f"/permohonan/{second}/tandatangan",
                       {"signed": (BytesIO(other), "ttd.pdf")},
                       form_page=f"/permohonan/{second}", content_type="multipart/form-data")
    assert again.status_code == 302
    assert web.state_of(second) == "signed"
