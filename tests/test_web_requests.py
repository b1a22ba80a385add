"""The staff's way through the web application: the request form (with the scanned letter),
alternatives on a full pool, Kabid's review, Kadis's signature, sending, the agency's download,
the dashboard with its Mutu Baku badge, and the filtered, paged request list."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable
from io import BytesIO
from typing import Any

import pytest
from service_support import live_sandbox_meetings, set_sandbox_faults
from sqlalchemy import event, func, select
from web_support import (
    AGENCY_A,
    AGENCY_B,
    Browser,
    WebEnv,
    WebFactory,
    code_from_location,
    form_fields,
    minimal_pdf,
    padded_pdf,
    text_of,
)
from werkzeug.test import TestResponse

from zoomsvc.store.models import Download, Letter, Meeting, Request
from zoomsvc.workflow import Role

# Every test here runs on the test database: CI repeats them on PostgreSQL.
pytestmark = pytest.mark.uses_db

NEW = "/permohonan/baru"
ZOOM_DOWN_FAST = {"max_retries": 1}  # one retry, so a Zoom that is down fails quickly
GROUPED_ID = re.compile(r"\b\d{3} \d{4} \d{4}\b")
INVALID_INPUT = re.compile(r'<(?:input|select|textarea)[^>]*aria-invalid="true"[^>]*>')
FIELD_ID = re.compile(r'\bid="([^"]+)"')
FIELD_BLOCK = re.compile(r'<label class="field[^"]*">(.*?)</label>', re.S)


def invalid_fields(response: TestResponse) -> set[str]:
    """The form fields the page marks as wrong."""
    page = response.get_data(as_text=True)
    return {FIELD_ID.search(tag).group(1)  # type: ignore[union-attr]
            for tag in INVALID_INPUT.findall(page)}


def field_errors(response: TestResponse, field: str) -> list[str]:
    """The error messages shown under one field."""
    for block in FIELD_BLOCK.findall(response.get_data(as_text=True)):
        if f'id="{field}"' in block:
            return [re.sub(r"<[^>]+>", "", m) for m in
                    re.findall(r'<small class="error"[^>]*>(.*?)</small>', block, re.S)]
    raise AssertionError(f"no field {field} on the page")


def request_count(env: WebEnv) -> int:
    with env.services.db.session() as session:
        return session.scalar(select(func.count()).select_from(Request)) or 0


def submit_form(browser: Browser, files: dict[str, Any] | None = None,
                **overrides: Any) -> TestResponse:
    """Fill and send the new-request form as a person would (token read from the form)."""
    data = form_fields(**overrides)
    data.update(files or {})
    return browser.post(NEW, data, form_page=NEW, content_type="multipart/form-data")


def flashes(response: TestResponse) -> list[str]:
    return [re.sub(r"\s+", " ", m).strip() for m in re.findall(
        r'<div class="flash[^"]*" role="status">(.*?)</div>', text_of(response), re.S)]


def detail_after(browser: Browser, response: TestResponse) -> TestResponse:
    """Follow a redirect back to a request's page."""
    assert response.status_code == 302, response.status_code
    return browser.get(response.headers["Location"])


# --- the form ---------------------------------------------------------------------------------

def test_staff_submits_the_form_and_sees_meeting_id_passcode_and_link(web: WebEnv) -> None:
    staff = web.as_role("staf")

    answer = submit_form(staff)

    assert answer.status_code == 302
    code = code_from_location(answer)
    page = staff.get(answer.headers["Location"])
    assert page.status_code == 200
    [meeting] = live_sandbox_meetings(web.sandbox)
    shown = text_of(page)
    digits = str(meeting["id"])
    assert f"{digits[:3]} {digits[3:7]} {digits[7:]}" in shown
    assert GROUPED_ID.search(shown)
    assert meeting["password"] in shown
    assert meeting["join_url"] in shown
    assert web.state_of(code) == "draft_ready"
    assert any("rapat Zoom dibuat" in message for message in flashes(page))


def test_a_subkoordinator_may_submit_the_form_too(web: WebEnv) -> None:
    answer = submit_form(web.as_role("subkoordinator"))

    assert answer.status_code == 302
    assert web.state_of(code_from_location(answer)) == "draft_ready"


@pytest.mark.parametrize(("change", "field", "words"), [
    pytest.param({"end": "08:00"}, "end", "setelah waktu mulai", id="end-before-start"),
    pytest.param({"contact_email": "rina-at-dinkes"}, "contact_email", "surel tidak sah",
                 id="bad-email"),
    pytest.param({"contact_phone": "telepon saya"}, "contact_phone", "telepon tidak sah",
                 id="bad-phone"),
    pytest.param({"day": "2026-11-20"}, "start", "sudah lewat", id="past-date"),
    pytest.param({"participants": "0"}, "participants", "peserta", id="no-participants"),
    pytest.param({"participants": "5000"}, "participants", "melebihi kapasitas",
                 id="too-many-participants"),
    pytest.param({"topic": ""}, "topic", "Acara wajib diisi.", id="no-topic"),
    pytest.param({"day": "24/11/2026"}, "day", "Tanggal tidak sah", id="unreadable-date"),
])
def test_a_form_error_names_its_field_and_nothing_is_stored(
        web: WebEnv, change: dict[str, str], field: str, words: str) -> None:
    staff = web.as_role("staf")

    answer = submit_form(staff, **change)

    assert answer.status_code == 400
    assert invalid_fields(answer) == {field}
    assert any(words in message for message in field_errors(answer, field)), \
        field_errors(answer, field)
    assert request_count(web) == 0
    assert live_sandbox_meetings(web.sandbox) == []


def test_the_form_keeps_what_was_typed_after_an_error(web: WebEnv) -> None:
    answer = submit_form(web.as_role("staf"), end="08:00", topic="Rapat Evaluasi SPBE")

    assert 'value="Rapat Evaluasi SPBE"' in answer.get_data(as_text=True)


# --- the scanned request letter ---------------------------------------------------------------

def test_a_scanned_pdf_is_kept_and_staff_can_download_it(web: WebEnv) -> None:
    staff = web.as_role("staf")
    scan = padded_pdf(2 * 1024 * 1024)  # a realistic scan size, under the 10 MB limit

    answer = submit_form(staff, {"scan": (BytesIO(scan), "surat permohonan.pdf")})

    assert answer.status_code == 302
    code = code_from_location(answer)
    page = staff.get(f"/permohonan/{code}")
    assert f"/permohonan/{code}/unduh/pindaian" in page.get_data(as_text=True)
    download = staff.get(f"/permohonan/{code}/unduh/pindaian")
    assert download.status_code == 200
    assert download.data == scan
    assert download.mimetype == "application/pdf"
    assert f"{code}-surat-permohonan.pdf" in download.headers["Content-Disposition"]


PNG = (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00"
       b"\x00\x1f\x15\xc4\x89\x00\x00\x00\rIDATx\x9cc\xf8\xff\xff?\x00\x05\xfe\x02\xfe\xa7"
       b"\x9a\x81\x8f\x00\x00\x00\x00IEND\xaeB`\x82")


# One case for the wiring (field named, nothing stored, nothing sent to Zoom); every kind of
# refused file is tested on check_pdf itself in test_uploads.py.
@pytest.mark.parametrize(("content", "name", "words"), [
    pytest.param(b"<!doctype html><html><body>bukan PDF</body></html>", "surat.pdf",
                 "bukan PDF", id="html-named-pdf"),
])
def test_a_scan_that_is_not_a_pdf_is_refused_and_nothing_is_provisioned(
        web: WebEnv, content: bytes, name: str, words: str) -> None:
    answer = submit_form(web.as_role("staf"), {"scan": (BytesIO(content), name)})

    assert answer.status_code == 400
    assert invalid_fields(answer) == {"scan"}
    assert any(words in message for message in field_errors(answer, "scan"))
    assert request_count(web) == 0
    assert live_sandbox_meetings(web.sandbox) == []


def test_a_scan_over_the_configured_limit_is_refused_with_the_field_named(
        web_factory: WebFactory) -> None:
    env = web_factory(web={"max_upload_mb": 1})
    big = padded_pdf(1024 * 1024 + 300 * 1024)

    answer = submit_form(env.as_role("staf"), {"scan": (BytesIO(big), "besar.pdf")})

    assert answer.status_code == 400
    assert invalid_fields(answer) == {"scan"}
    assert "Berkas terlalu besar (maks. 1 MB)." in field_errors(answer, "scan")
    assert request_count(env) == 0
    assert live_sandbox_meetings(env.sandbox) == []


def test_a_body_far_over_the_limit_is_cut_off_before_it_is_read(
        web_factory: WebFactory) -> None:
    env = web_factory(web={"max_upload_mb": 1})
    huge = padded_pdf(8 * 1024 * 1024)  # past the form's cap of three times the file limit

    answer = submit_form(env.as_role("staf"), {"scan": (BytesIO(huge), "besar.pdf")})

    # Not a bare error page: the form again (its values could not be read), saying why.
    assert answer.status_code == 413
    assert "Berkas terlalu besar (maks. 1 MB)." in text_of(answer)
    assert 'name="letter_number"' in answer.get_data(as_text=True)
    assert request_count(env) == 0


# --- a full pool and its alternatives ---------------------------------------------------------

def fill_tuesday_morning(env: WebEnv, make_request: Callable[..., dict[str, Any]],
                         start: str = "2026-11-24T09:00", end: str = "2026-11-24T12:00") -> None:
    """Take every licensed host's every concurrent slot (the Basic host cannot hold 3 hours)."""
    for _ in range(4):
        env.submit(make_request(start=start, end=end, participants=150))


def test_a_full_request_shows_alternatives_and_using_one_provisions_it(
        web: WebEnv, make_request: Callable[..., dict[str, Any]]) -> None:
    fill_tuesday_morning(web, make_request)
    staff = web.as_role("staf")

    answer = submit_form(staff, letter_number="440/PENUH/DINKES/2026")
    code = code_from_location(answer)
    page = staff.get(f"/permohonan/{code}")

    shown = text_of(page)
    assert "Jadwal penuh — alternatif waktu" in shown
    assert "Selasa, 24 November 2026, 12.30 – 15.30 WITA" in shown
    assert f"/permohonan/{code}/alternatif/0" in page.get_data(as_text=True)
    assert any("jadwal penuh" in message for message in flashes(page))
    before = len(live_sandbox_meetings(web.sandbox))

    used = staff.post(f"/permohonan/{code}/alternatif/0", form_page=f"/permohonan/{code}")

    after = detail_after(staff, used)
    assert any("Waktu alternatif 1 dipakai" in message for message in flashes(after))
    assert len(live_sandbox_meetings(web.sandbox)) == before + 1
    assert web.state_of(code) == "draft_ready"
    with web.services.db.session() as session:
        request = session.scalars(select(Request).where(Request.code == code)).one()
        assert request.full_reason is None
        assert request.start_at.isoformat() == "2026-11-24T04:30:00+00:00"
        letters = session.scalars(select(Letter).where(Letter.request_id == request.id)
                                  .order_by(Letter.id)).all()
        assert [(x.kind, x.status) for x in letters] == [("full", "void"),
                                                         ("scheduled", "draft")]
    assert GROUPED_ID.search(text_of(after))
    assert "alternatif waktu" not in text_of(after)


def test_a_slot_taken_since_it_was_proposed_is_refused_cleanly(
        web: WebEnv, make_request: Callable[..., dict[str, Any]]) -> None:
    fill_tuesday_morning(web, make_request)
    staff = web.as_role("staf")
    code = code_from_location(submit_form(staff, letter_number="440/PENUH/DINKES/2026"))
    # Meanwhile other requests take the first proposed slot (12.30–15.30).
    fill_tuesday_morning(web, make_request, "2026-11-24T12:30", "2026-11-24T15:30")
    meetings = len(live_sandbox_meetings(web.sandbox))

    used = staff.post(f"/permohonan/{code}/alternatif/0", form_page=f"/permohonan/{code}")

    after = detail_after(staff, used)
    assert after.status_code == 200
    assert any("sudah terpakai" in message for message in flashes(after)), flashes(after)
    assert len(live_sandbox_meetings(web.sandbox)) == meetings
    with web.services.db.session() as session:
        request = session.scalars(select(Request).where(Request.code == code)).one()
        assert request.full_reason is not None
        assert not [m for m in request.meetings if m.status == "live"]
    assert "Jadwal penuh — alternatif waktu" in text_of(after)


# --- Kabid, Kadis, sending, the agency --------------------------------------------------------

def drafted(web: WebEnv) -> str:
    return code_from_location(submit_form(web.as_role("staf")))


def review(browser: Browser, code: str, decision: str, note: str = "") -> TestResponse:
    return browser.post(f"/permohonan/{code}/periksa", {"keputusan": decision, "note": note},
                        form_page=f"/permohonan/{code}")


def test_kabid_approves_the_draft(web: WebEnv) -> None:
    code = drafted(web)
    kabid = web.as_role("kabid")
    page = kabid.get(f"/permohonan/{code}")
    assert "Paraf (setujui)" in text_of(page)

    after = detail_after(kabid, review(kabid, code, "setuju"))

    assert web.state_of(code) == "reviewed"
    assert "Draf diparaf." in flashes(after)
    assert "Diparaf Kabid" in text_of(after)


def test_kabid_cannot_return_a_draft_without_a_note(web: WebEnv) -> None:
    code = drafted(web)
    kabid = web.as_role("kabid")

    after = detail_after(kabid, review(kabid, code, "kembali", "   "))

    assert web.state_of(code) == "draft_ready"
    assert any("catatan wajib diisi" in message for message in flashes(after))


def test_kabid_returns_a_draft_with_a_note_that_staff_then_read(web: WebEnv) -> None:
    code = drafted(web)
    kabid = web.as_role("kabid")

    after = detail_after(kabid, review(kabid, code, "kembali", "Perbaiki nama acara"))

    assert web.state_of(code) == "draft_ready"
    assert "Draf dikembalikan dengan catatan." in flashes(after)
    staff_view = text_of(web.as_role("staf").get(f"/permohonan/{code}"))
    assert "Perbaiki nama acara" in staff_view
    assert "dikembalikan: Perbaiki nama acara" in staff_view


def upload_signed(browser: Browser, code: str, content: bytes, name: str = "ttd.pdf"
                  ) -> TestResponse:
    return browser.post(f"/permohonan/{code}/tandatangan",
                        {"signed": (BytesIO(content), name)}, form_page=f"/permohonan/{code}",
                        content_type="multipart/form-data")


def reviewed(web: WebEnv) -> str:
    code = drafted(web)
    web.services.letters.review(code, approve=True, note="", actor="hendra", role=Role.KABID)
    return code


def test_kadis_uploads_the_signed_pdf_once(web: WebEnv) -> None:
    code = reviewed(web)
    kadis = web.as_role("kadis")
    assert "Simpan tanda tangan" in text_of(kadis.get(f"/permohonan/{code}"))
    signed = minimal_pdf("Ditandatangani secara elektronik")

    after = detail_after(kadis, upload_signed(kadis, code, signed))

    assert web.state_of(code) == "signed"
    assert "Surat bertanda tangan tersimpan." in flashes(after)
    assert hashlib.sha256(signed).hexdigest() in text_of(after)
    again = detail_after(kadis, upload_signed(kadis, code, minimal_pdf("Versi lain")))
    assert any("sudah ditandatangani" in message for message in flashes(again))
    assert web.state_of(code) == "signed"
    download = kadis.get(f"/permohonan/{code}/unduh/ttd")
    assert download.data == signed


@pytest.mark.parametrize("content", [
    pytest.param(b"<html><body>%PDF-1.4 palsu</body></html>", id="html-named-pdf"),
    pytest.param(PNG, id="image"),
])
def test_kadis_cannot_upload_something_that_is_not_a_pdf(web: WebEnv, content: bytes) -> None:
    code = reviewed(web)
    kadis = web.as_role("kadis")

    answer = upload_signed(kadis, code, content)

    # The file itself is refused: a bad request, with the reason on the request's page.
    assert answer.status_code == 400
    assert web.state_of(code) == "reviewed"
    assert any("bukan PDF" in message for message in flashes(answer)), flashes(answer)


def test_kadis_must_choose_a_file(web: WebEnv) -> None:
    code = reviewed(web)
    kadis = web.as_role("kadis")

    answer = kadis.post(f"/permohonan/{code}/tandatangan", form_page=f"/permohonan/{code}",
                        content_type="multipart/form-data")

    assert any("Pilih berkas PDF" in message for message in flashes(detail_after(kadis, answer)))
    assert web.state_of(code) == "reviewed"


def test_staff_send_and_the_agency_download_marks_the_letter_received(web: WebEnv) -> None:
    code = reviewed(web)
    signed = minimal_pdf("Surat final")
    web.services.letters.sign(code, signed, actor="kadis", role=Role.KADIS)
    staff = web.as_role("staf")

    sent = detail_after(staff, staff.post(f"/permohonan/{code}/kirim",
                                          form_page=f"/permohonan/{code}"))

    assert "Surat ditandai diserahkan (tanpa surel)." in flashes(sent)
    assert web.state_of(code) == "sent"
    agency = web.as_role("opd")
    portal = agency.get("/portal")
    assert f"/permohonan/{code}/unduh/ttd" in portal.get_data(as_text=True)

    download = agency.get(f"/permohonan/{code}/unduh/ttd")

    assert download.status_code == 200
    assert download.data == signed
    assert f"{code}-surat-tanggapan.pdf" in download.headers["Content-Disposition"]
    assert web.state_of(code) == "received"
    with web.services.db.session() as session:
        taken = session.execute(select(Download.what, Download.actor, Download.role)).all()
    assert ("signed", "dinkes", "opd") in [tuple(row) for row in taken]


def test_staff_downloading_the_signed_letter_does_not_mark_it_received(web: WebEnv) -> None:
    code = drafted(web)
    web.to_sent(code)

    assert web.as_role("staf").get(f"/permohonan/{code}/unduh/ttd").status_code == 200

    assert web.state_of(code) == "sent"


def test_the_draft_docx_and_the_invitation_download_for_staff(web: WebEnv) -> None:
    code = drafted(web)
    staff = web.as_role("staf")

    docx = staff.get(f"/permohonan/{code}/unduh/draf")
    ics = staff.get(f"/permohonan/{code}/unduh/ics")

    assert docx.status_code == 200
    assert docx.data[:2] == b"PK"
    assert ics.status_code == 200
    assert b"BEGIN:VCALENDAR" in ics.data
    assert staff.get(f"/permohonan/{code}/unduh/apa-saja").status_code == 404


def test_retry_provisions_a_request_left_waiting_by_zoom(web_factory: WebFactory) -> None:
    web = web_factory(zoom=ZOOM_DOWN_FAST)
    set_sandbox_faults(web.sandbox, fail_next=50)
    staff = web.as_role("staf")
    answer = submit_form(staff)
    code = code_from_location(answer)
    page = staff.get(answer.headers["Location"])
    assert web.state_of(code) == "scheduling"
    assert any("rapat belum dibuat" in message for message in flashes(page))
    assert "Proses ulang" in text_of(page)
    set_sandbox_faults(web.sandbox, fail_next=0)

    after = detail_after(staff, staff.post(f"/permohonan/{code}/ulang",
                                           form_page=f"/permohonan/{code}"))

    assert "Permohonan diproses ulang." in flashes(after)
    assert web.state_of(code) == "draft_ready"
    assert len(live_sandbox_meetings(web.sandbox)) == 1


# --- the dashboard ----------------------------------------------------------------------------

def tile_counts(response: TestResponse) -> dict[str, int]:
    found = re.findall(r'<span class="tile-count">([\d.]+)</span>\s*'
                       r'<span class="tile-label">([^<]+)</span>', text_of(response))
    return {label: int(count.replace(".", "")) for count, label in found}


def test_the_dashboard_counts_requests_by_state(
        web: WebEnv, make_request: Callable[..., dict[str, Any]]) -> None:
    first = web.submit(make_request())
    web.submit(make_request(start="2026-11-25T09:00", end="2026-11-25T10:00"))
    web.services.letters.review(first, approve=True, note="", actor="hendra", role=Role.KABID)

    counts = tile_counts(web.as_role("kabid").get("/dasbor"))

    assert counts["Draf surat siap"] == 1
    assert counts["Diparaf Kabid"] == 1
    assert counts["Selesai"] == 0
    assert sum(counts.values()) == 2


def test_the_dashboard_counts_follow_every_change(
        web: WebEnv, make_request: Callable[..., dict[str, Any]]) -> None:
    code = web.submit(make_request())
    staff = web.as_role("staf")
    assert tile_counts(staff.get("/dasbor"))["Draf surat siap"] == 1

    web.services.letters.review(code, approve=True, note="", actor="hendra", role=Role.KABID)
    after_review = tile_counts(staff.get("/dasbor"))
    web.submit(make_request(start="2026-11-25T09:00", end="2026-11-25T10:00"))
    after_new = tile_counts(staff.get("/dasbor"))

    assert (after_review["Draf surat siap"], after_review["Diparaf Kabid"]) == (0, 1)
    assert (after_new["Draf surat siap"], after_new["Diparaf Kabid"]) == (1, 1)


def test_the_dashboard_shows_the_soonest_meetings_first(
        web: WebEnv, make_request: Callable[..., dict[str, Any]]) -> None:
    later = web.submit(make_request(start="2026-11-27T09:00", end="2026-11-27T10:00"))
    sooner = web.submit(make_request(start="2026-11-24T13:00", end="2026-11-24T14:00"))
    soonest = web.submit(make_request(start="2026-11-24T09:00", end="2026-11-24T10:00"))

    page = web.as_role("staf").get("/dasbor").get_data(as_text=True)

    assert [page.index(f">{code}<") for code in (soonest, sooner, later)] == sorted(
        page.index(f">{code}<") for code in (soonest, sooner, later))


def sla_badge_of(response: TestResponse, code: str) -> str:
    for row in re.findall(r"<tr>(.*?)</tr>", response.get_data(as_text=True), re.S):
        if f">{code}<" in row:
            found = re.search(r'<span class="badge (?:late|ontime)">([^<]+)</span>', row)
            return found.group(1) if found else "–"
    raise AssertionError(f"{code} not listed")


def test_a_request_stuck_in_scheduling_turns_late_after_fifteen_minutes(
        web_factory: WebFactory) -> None:
    web = web_factory(zoom=ZOOM_DOWN_FAST)
    set_sandbox_faults(web.sandbox, fail_next=50)  # Zoom down: the request waits in scheduling
    staff = web.as_role("staf")
    code = code_from_location(submit_form(staff))
    assert web.state_of(code) == "scheduling"
    assert sla_badge_of(staff.get("/dasbor"), code) == "Tepat waktu"

    web.clock.advance(minutes=16)

    dashboard = staff.get("/dasbor")
    assert sla_badge_of(dashboard, code) == "Terlambat"
    assert tile_counts(dashboard)["Pengecekan jadwal"] == 1
    assert "Terlambat" in text_of(staff.get(f"/permohonan/{code}"))


def test_a_draft_waiting_for_kabid_turns_late_after_a_day(web: WebEnv) -> None:
    code = drafted(web)
    staff = web.as_role("staf")
    web.clock.advance(hours=23)
    assert sla_badge_of(staff.get("/dasbor"), code) == "Tepat waktu"

    web.clock.advance(hours=2)

    assert sla_badge_of(staff.get("/dasbor"), code) == "Terlambat"


# --- the list ---------------------------------------------------------------------------------

def listed_codes(response: TestResponse) -> list[str]:
    return re.findall(r'<td class="code"><a href="/permohonan/([^"]+)">',
                      response.get_data(as_text=True))


@pytest.fixture
def several(web_factory: WebFactory, make_request: Callable[..., dict[str, Any]]
            ) -> tuple[WebEnv, dict[str, str]]:
    """Eight requests of two agencies on eight days, one of them reviewed; five per page."""
    env = web_factory(web={"page_size": 5})
    codes = {
        "stunting": env.submit(make_request(topic="Rapat Koordinasi Stunting")),
        "gizi": env.submit(make_request(topic="Evaluasi Gizi Balita",
                                        start="2026-11-26T13:00", end="2026-11-26T14:00")),
        "kurikulum": env.submit(make_request(agency=AGENCY_B, topic="Sosialisasi Kurikulum",
                                             start="2026-11-25T09:00",
                                             end="2026-11-25T11:00")),
        "ppdb": env.submit(make_request(agency=AGENCY_B, topic="Persiapan PPDB Stunting",
                                        start="2026-11-27T09:00", end="2026-11-27T10:00")),
        "rakor": env.submit(make_request(topic="Rakor Posyandu", start="2026-11-30T09:00",
                                         end="2026-11-30T10:00")),
        **{f"lain{day}": env.submit(make_request(topic=f"Rapat Rutin {day}",
                                                 start=f"2026-12-0{day}T09:00",
                                                 end=f"2026-12-0{day}T10:00"))
           for day in (1, 2, 3)},
    }
    env.services.letters.review(codes["gizi"], approve=True, note="", actor="hendra",
                                role=Role.KABID)
    return env, codes


def list_all(browser: Browser, query: str) -> list[str]:
    """Every code the list shows for ``query``, over all its pages."""
    shown: list[str] = []
    for page in range(1, 10):
        answer = browser.get(f"/permohonan?{query}&hal={page}")
        assert answer.status_code == 200
        codes = listed_codes(answer)
        if not codes:
            break
        shown += codes
    return shown


def test_the_list_filters_by_state_agency_text_and_date(
        several: tuple[WebEnv, dict[str, str]]) -> None:
    env, codes = several
    staff = env.as_role("staf")

    assert list_all(staff, "status=reviewed") == [codes["gizi"]]
    assert set(list_all(staff, f"opd={AGENCY_B}")) == {codes["kurikulum"], codes["ppdb"]}
    assert set(list_all(staff, "q=stunting")) == {codes["stunting"], codes["ppdb"]}
    assert list_all(staff, f"q=stunting&opd={AGENCY_A}&status=draft_ready") == \
        [codes["stunting"]]
    assert set(list_all(staff, "dari=2026-11-25&sampai=2026-11-26")) == {codes["kurikulum"],
                                                                       codes["gizi"]}
    assert list_all(staff, f"q={codes['rakor']}") == [codes["rakor"]]
    assert list_all(staff, "q=tidak-ada-yang-cocok") == []
    assert list_all(staff, "q=%25") == []  # typed "%" and "_" are not wildcards
    assert list_all(staff, "q=_") == []
    assert list_all(staff, f"dari=bukan-tanggal&opd={AGENCY_A}&status=draft_ready") == [
        codes["lain3"], codes["lain2"], codes["lain1"], codes["rakor"], codes["stunting"]]


def test_the_list_pages_newest_meeting_first_and_keeps_the_filter(
        several: tuple[WebEnv, dict[str, str]]) -> None:
    env, codes = several
    staff = env.as_role("staf")

    first = staff.get("/permohonan")
    second = staff.get("/permohonan?hal=2")

    assert "(8)" in text_of(first)
    assert "Halaman 1 dari 2" in text_of(first)
    assert listed_codes(first) == [codes["lain3"], codes["lain2"], codes["lain1"],
                                   codes["rakor"], codes["ppdb"]]
    assert listed_codes(second) == [codes["gizi"], codes["kurikulum"], codes["stunting"]]
    assert listed_codes(staff.get("/permohonan?hal=3")) == []
    filtered = staff.get(f"/permohonan?opd={AGENCY_A}")
    assert "Halaman 1 dari 2" in text_of(filtered)
    next_link = re.search(r'<a href="([^"]+)">Berikutnya', filtered.get_data(as_text=True))
    assert next_link is not None
    follow = staff.get(next_link.group(1).replace("&amp;", "&"))
    assert listed_codes(follow) == [codes["stunting"]]
    assert staff.get("/permohonan?hal=0").status_code == 200
    assert staff.get("/permohonan?hal=abc").status_code == 200


def test_the_list_marks_the_active_filter(several: tuple[WebEnv, dict[str, str]]) -> None:
    env, _ = several

    page = env.as_role("staf").get("/permohonan?status=reviewed&q=Gizi").get_data(as_text=True)

    assert '<option value="reviewed" selected>' in page
    assert 'name="q" value="Gizi"' in page


def test_the_filtered_list_is_answered_from_an_index_without_sorting(
        web: WebEnv, make_request: Callable[..., dict[str, Any]]) -> None:
    if not web.services.db.is_sqlite:
        pytest.skip("the query plan checked here is SQLite's")
    web.submit(make_request())
    engine = web.services.db.engine
    seen: list[tuple[str, Any]] = []

    def record(conn: Any, cursor: Any, statement: str, parameters: Any, *_: Any) -> None:
        if statement.lstrip().upper().startswith("SELECT") and "FROM requests" in statement:
            seen.append((statement, parameters))

    event.listen(engine, "before_cursor_execute", record)
    try:
        page = web.as_role("staf").get(f"/permohonan?status=draft_ready&opd={AGENCY_A}&q=rapat")
    finally:
        event.remove(engine, "before_cursor_execute", record)
    assert page.status_code == 200

    [(rows, parameters)] = [(sql, params) for sql, params in seen if "ORDER BY" in sql
                            and "LIMIT" in sql]
    with engine.connect() as connection:
        plan = " ".join(str(step[-1]) for step in connection.exec_driver_sql(
            f"EXPLAIN QUERY PLAN {rows}", parameters))
    assert "ix_requests_agency_state_start" in plan
    assert "TEMP B-TREE" not in plan


def test_meeting_rows_are_not_left_behind_by_a_refused_form(web: WebEnv) -> None:
    submit_form(web.as_role("staf"), participants="0")

    with web.services.db.session() as session:
        assert session.scalar(select(func.count()).select_from(Meeting)) == 0
