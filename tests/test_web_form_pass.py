"""The request form takes one pass: every refusal at once in a summary linked to its field,
the scan kept across a refused submission, plain Indonesian sentences (an empty date, no
participants, a huge number, a file too large, an expired session, a letter dated later than
today), nothing stored until the whole request is accepted, and "Kirim ke OPD" saying what
really happened."""

from __future__ import annotations

import contextlib
import os
import re
import socket
import time
from collections.abc import Iterator
from io import BytesIO
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP, Envelope, Session
from service_support import live_sandbox_meetings
from sqlalchemy import func, select
from web_support import (
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

from zoomsvc.store.models import Request
from zoomsvc.web.pending_scan import PendingScans

pytestmark = pytest.mark.uses_db

NEW = "/permohonan/baru"
SUMMARY = re.compile(r'<div class="error-summary"([^>]*)>(.*?)</div>', re.S)
KEPT = re.compile(r'name="scan_kept"[^>]*value="([^"]*)"|value="([^"]*)"[^>]*name="scan_kept"')


def submit(browser: Browser, files: dict[str, Any] | None = None, **overrides: Any
           ) -> TestResponse:
    data = form_fields(**overrides)
    data.update(files or {})
    return browser.post(NEW, data, form_page=NEW, content_type="multipart/form-data")


def stored(env: WebEnv) -> int:
    with env.services.db.session() as session:
        return session.scalar(select(func.count()).select_from(Request)) or 0


def summary_links(answer: TestResponse) -> list[tuple[str, str]]:
    """(target field id, text) of each link of the error summary."""
    found = SUMMARY.search(answer.get_data(as_text=True))
    assert found, "no error summary on the page"
    return [(target, re.sub(r"<[^>]+>", "", text)) for target, text in
            re.findall(r'<a href="#([^"]+)">(.*?)</a>', found.group(2), re.S)]


def kept_token(answer: TestResponse) -> str:
    found = KEPT.search(answer.get_data(as_text=True))
    assert found, "no scan_kept field"
    return found.group(1) or found.group(2) or ""


# --- §1: nothing lost, nothing stored by mistake -----------------------------------------------

def test_a_multi_line_agenda_is_accepted_with_its_scan(web: WebEnv) -> None:
    staff = web.as_role("staf")
    scan = minimal_pdf("Surat permohonan")

    answer = submit(staff, {"scan": (BytesIO(scan), "surat.pdf")},
                    agenda="Pembukaan\r\nPaparan\r\nDiskusi")

    assert answer.status_code == 302, text_of(answer)[:400]
    code = code_from_location(answer)
    assert staff.get(f"/permohonan/{code}/unduh/pindaian").data == scan


def test_a_chosen_host_too_small_is_refused_and_nothing_is_stored(web: WebEnv) -> None:
    small = next(h for h in web.services.config.zoom.hosts if h.capacity == 100)

    answer = submit(web.as_role("staf"), participants="150", host=small.user)

    assert answer.status_code == 400
    assert f"Kapasitas {small.label} hanya 100 peserta" in text_of(answer)
    assert ("host", next(t for f, t in summary_links(answer) if f == "host")) in \
        summary_links(answer)
    assert stored(web) == 0
    assert live_sandbox_meetings(web.sandbox) == []


def test_the_corrected_form_after_a_host_refusal_is_a_new_request(web: WebEnv) -> None:
    staff = web.as_role("staf")
    small = next(h for h in web.services.config.zoom.hosts if h.capacity == 100)
    submit(staff, participants="150", host=small.user)

    answer = submit(staff, participants="150", host="")

    assert answer.status_code == 302
    assert "sudah pernah dicatat" not in text_of(staff.get(answer.headers["Location"]))
    assert stored(web) == 1


class Inbox:
    """An SMTP server's handler that keeps what it receives."""

    def __init__(self) -> None:
        self.envelopes: list[Envelope] = []

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:
        self.envelopes.append(envelope)
        return "250 OK"


@pytest.fixture
def smtp_inbox() -> Iterator[tuple[int, Inbox]]:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = int(probe.getsockname()[1])
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield port, inbox
    finally:
        with contextlib.suppress(AssertionError):
            controller.stop()


def send_signed(env: WebEnv) -> TestResponse:
    staff = env.as_role("staf")
    code = code_from_location(submit(staff))
    env.to_signed(code)
    sent = staff.post(f"/permohonan/{code}/kirim", form_page=f"/permohonan/{code}")
    assert sent.status_code == 302
    return staff.get(sent.headers["Location"])


def test_sending_without_smtp_says_the_letter_was_only_marked_handed_over(web: WebEnv) -> None:
    page = text_of(send_signed(web))

    assert "Surat ditandai diserahkan (tanpa surel)." in page
    assert "Surat dikirim ke OPD." not in page


def test_sending_with_smtp_names_the_address_it_went_to(
        web_factory: WebFactory, smtp_inbox: tuple[int, Inbox]) -> None:
    port, inbox = smtp_inbox
    env = web_factory(smtp={"host": "127.0.0.1", "port": port, "starttls": False,
                            "sender": "zoom@diskominfo.example.go.id"})

    page = text_of(send_signed(env))

    assert "Surat terkirim ke alamat rina@dinkes.example.go.id." in page
    assert len(inbox.envelopes) == 1


# --- §4: one pass ----------------------------------------------------------------------------

def test_every_error_is_shown_at_once_in_a_summary_linked_to_its_field(web: WebEnv) -> None:
    answer = submit(web.as_role("staf"), {"scan": (BytesIO(b"<html>bukan</html>"), "a.pdf")},
                    topic="", participants="0", letter_date="")

    assert answer.status_code == 400
    links = summary_links(answer)
    assert [target for target, _ in links] == ["letter_date", "scan", "topic", "participants"]
    assert "Tanggal surat: Tanggal wajib diisi." in [text for _, text in links]
    assert "Perkiraan peserta: Jumlah peserta minimal 1." in [text for _, text in links]
    opening = SUMMARY.search(answer.get_data(as_text=True))
    assert opening is not None
    assert "autofocus" in opening.group(1)
    assert 'tabindex="-1"' in opening.group(1)
    assert stored(web) == 0


def test_a_wrong_time_is_shown_with_the_other_fields_errors(web: WebEnv) -> None:
    answer = submit(web.as_role("staf"), topic="", end="08:00")

    assert [target for target, _ in summary_links(answer)] == ["topic", "end"]


@pytest.mark.parametrize(("field", "value", "says"), [
    pytest.param("letter_date", "", "Tanggal wajib diisi.", id="empty-letter-date"),
    pytest.param("day", "", "Tanggal wajib diisi.", id="empty-meeting-date"),
    pytest.param("participants", "0", "Jumlah peserta minimal 1.", id="zero-participants"),
    pytest.param("participants", "1e28", "Jumlah peserta terlalu besar", id="1e28"),
    pytest.param("participants", "abc", "Jumlah peserta harus bilangan bulat", id="words"),
])
def test_each_message_says_what_is_wrong_with_the_field(
        web: WebEnv, field: str, value: str, says: str) -> None:
    answer = submit(web.as_role("staf"), **{field: value})

    assert answer.status_code == 400
    assert any(target == field and says in text for target, text in summary_links(answer))
    assert "Not a valid" not in text_of(answer)
    assert stored(web) == 0


def test_the_scan_is_kept_across_a_refused_submission(web: WebEnv) -> None:
    staff = web.as_role("staf")
    scan = minimal_pdf("Pindaian yang disimpan sementara")

    refused = submit(staff, {"scan": (BytesIO(scan), "surat.pdf")}, topic="")
    token = kept_token(refused)
    assert token
    assert "Pindaian yang sudah diunggah tetap tersimpan" in text_of(refused)

    accepted = submit(staff, scan_kept=token)

    assert accepted.status_code == 302, text_of(accepted)[:400]
    code = code_from_location(accepted)
    assert staff.get(f"/permohonan/{code}/unduh/pindaian").data == scan


def test_a_forged_kept_scan_token_is_refused_on_the_scan_field(web: WebEnv) -> None:
    answer = submit(web.as_role("staf"), scan_kept="bukan-token")

    assert answer.status_code == 400
    assert [target for target, _ in summary_links(answer)] == ["scan"]
    assert stored(web) == 0


def test_kept_scans_are_removed_once_their_token_has_expired(tmp_path: Any) -> None:
    pending = PendingScans(tmp_path, "kunci-uji-" + "x" * 40, max_age=3600)
    token = pending.keep(minimal_pdf("lama"))
    old = next(pending.store.root.glob("*/*"))
    long_ago = time.time() - 7200
    os.utime(old, (long_ago, long_ago))

    pending.keep(minimal_pdf("baru"))

    assert not old.exists()
    assert pending.take(token) is None
    assert len(list(pending.store.root.glob("*/*"))) == 1


def test_a_file_over_the_limit_gets_the_form_back_with_what_was_typed(web: WebEnv) -> None:
    big = padded_pdf(12 * 1024 * 1024)

    answer = submit(web.as_role("staf"), {"scan": (BytesIO(big), "besar.pdf")},
                    topic="Rapat Evaluasi SPBE")

    assert answer.status_code == 400
    assert ("scan", "Pindaian surat permohonan (PDF, maks. 10 MB): Berkas terlalu besar "
            "(maks. 10 MB).") in summary_links(answer)
    assert 'value="Rapat Evaluasi SPBE"' in answer.get_data(as_text=True)
    assert stored(web) == 0


def test_an_expired_session_keeps_the_typed_form(web: WebEnv) -> None:
    staff = web.as_role("staf")
    data = form_fields(topic="Rapat Evaluasi SPBE", csrf_token="token-yang-kedaluwarsa")

    answer = staff.post(NEW, data, content_type="multipart/form-data")

    assert answer.status_code == 400
    page = text_of(answer)
    assert "Sesi Anda berakhir; periksa lalu kirim ulang formulir." in page
    assert "CSRF" not in page
    assert 'value="Rapat Evaluasi SPBE"' in answer.get_data(as_text=True)
    assert stored(web) == 0
    again = staff.post(NEW, form_fields(topic="Rapat Evaluasi SPBE"), form_page=NEW,
                       content_type="multipart/form-data")
    assert again.status_code == 302


@pytest.mark.parametrize(("letter_date", "says"), [
    pytest.param("2027-05-01", "sesudah hari ini", id="next-year"),
    pytest.param("2026-11-24", "sesudah hari ini", id="tomorrow"),
])
def test_a_request_letter_dated_later_than_today_is_refused(
        web: WebEnv, letter_date: str, says: str) -> None:
    answer = submit(web.as_role("staf"), letter_date=letter_date)

    assert answer.status_code == 400
    assert any(target == "letter_date" and says in text
               for target, text in summary_links(answer))
    assert stored(web) == 0


def test_pages_speak_plainly_and_write_dates_one_way(web: WebEnv) -> None:
    staff = web.as_role("staf")
    code = code_from_location(submit(staff))

    page = text_of(staff.get(f"/permohonan/{code}"))

    assert ".ics" not in page
    assert "CSRF" not in page
    assert "20 November 2026" in page
    assert "20-11-2026" not in page
