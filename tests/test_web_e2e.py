"""End to end in a real browser (Playwright driving the system's Chromium): staff submit the form,
Kabid approves, Kadis uploads the signed PDF, staff send it, the agency downloads it, and anyone
can check it on the QR verification page.

Screenshots of the main pages go to ``docs/screenshots/`` when ``ZOOMSVC_SCREENSHOTS=1`` (for
the README), otherwise to the test's temporary folder. The module is skipped when Chromium or the
``playwright`` package is missing; Playwright never downloads a browser of its own here.
"""

from __future__ import annotations

import hashlib
import os
import re
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from conftest import Clock
from web_support import (
    ACCOUNTS,
    AGENCY_B,
    PASSWORD,
    WebEnv,
    minimal_pdf,
    web_document,
    web_environment,
)
from werkzeug.serving import BaseWSGIServer, make_server

from zoomsvc.workflow import Role
from zoomsvc.zoom.sandbox import SandboxServer

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]
ROOT = Path(__file__).resolve().parents[1]
# The app runs on the test database: CI repeats this on PostgreSQL.
pytestmark = pytest.mark.uses_db

if not CHROMIUM.exists():
    pytest.skip(f"{CHROMIUM} is not installed (apt-get install chromium)",
                allow_module_level=True)
sync_api = pytest.importorskip("playwright.sync_api",
                               reason="the playwright package is not installed")
Browser = sync_api.Browser
Page = sync_api.Page
expect = sync_api.expect


@dataclass
class Live:
    """The app served over HTTP on a loopback port, and where screenshots go."""

    env: WebEnv
    url: str
    shots: Path

    def shot(self, page: Page, name: str) -> Path:
        """Save a full-page screenshot as ``<name>.png``."""
        path = self.shots / f"{name}.png"
        page.screenshot(path=str(path), full_page=True)
        return path


@pytest.fixture
def live(sandbox: SandboxServer, db_url: str, clock: Clock, tmp_path: Path,
         make_request: Callable[..., dict[str, Any]]) -> Iterator[Live]:
    """The application under werkzeug's threaded server, with a few requests already there so the
    dashboard, list and calendar look like a working week."""
    document = web_document(sandbox.url, db_url, tmp_path)
    with web_environment(document, sandbox, clock, tmp_path) as env:
        seed(env, make_request)
        server: BaseWSGIServer = make_server("127.0.0.1", 0, env.app, threaded=True)
        url = f"http://127.0.0.1:{server.server_port}"
        thread = threading.Thread(target=server.serve_forever, daemon=True)
        thread.start()
        if os.environ.get("ZOOMSVC_SCREENSHOTS") == "1":
            shots = ROOT / "docs" / "screenshots"
        else:
            shots = tmp_path / "screenshots"
        shots.mkdir(parents=True, exist_ok=True)
        try:
            yield Live(env, url, shots)
        finally:
            server.shutdown()
            thread.join(timeout=10)
            server.server_close()


def seed(env: WebEnv, make_request: Callable[..., dict[str, Any]]) -> None:
    """Other requests of the week in various steps."""
    reviewed = env.submit(make_request(topic="Sosialisasi Aplikasi Srikandi",
                                       start="2026-11-24T13:00", end="2026-11-24T15:00",
                                       participants=80))
    env.services.letters.review(reviewed, approve=True, note="", actor="hendra",
                                role=Role.KABID)
    env.submit(make_request(agency=AGENCY_B, topic="Rapat Persiapan Asesmen Nasional",
                            start="2026-11-25T09:00", end="2026-11-25T11:30", participants=120))
    sent = env.submit(make_request(agency=AGENCY_B, topic="Bimtek Dapodik",
                                   start="2026-11-26T08:30", end="2026-11-26T12:00",
                                   participants=250))
    env.to_sent(sent)


@pytest.fixture
def chromium() -> Iterator[Browser]:
    """The system's Chromium, headless."""
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()


class Person:
    """One person at their own browser (own cookies), watching for policy violations."""

    def __init__(self, browser: Browser, live: Live, **context: Any) -> None:
        self.live = live
        self.context = browser.new_context(accept_downloads=True, locale="id-ID", **context)
        self.page = self.context.new_page()
        self.page.set_default_timeout(15_000)
        self.console: list[str] = []
        self.page.on("console", lambda message: self.console.append(message.text))

    def open(self, path: str) -> Page:
        self.page.goto(self.live.url + path)
        return self.page

    def sign_in(self, key: str) -> Page:
        page = self.open("/masuk")
        page.fill("#username", ACCOUNTS[key].username)
        page.fill("#password", PASSWORD)
        page.click("button:has-text('Masuk')")
        return page

    def flash(self) -> str:
        return " ".join(self.page.locator(".flash").all_inner_texts())

    def close(self) -> None:
        # A page that needed inline script or style would show CSP refusals here.
        assert not [line for line in self.console if "Content Security Policy" in line], \
            self.console
        self.context.close()


def fill_request_form(page: Page, **values: str) -> None:
    fields = {
        "letter_number": "440/215/DINKES/XI/2026", "letter_date": "2026-11-20",
        "subject": "Permohonan Fasilitasi Zoom Meeting", "srikandi_agenda": "SK-2026-00871",
        "topic": "Rapat Koordinasi Percepatan Penurunan Stunting",
        "agenda": "Koordinasi lintas sektor dan evaluasi triwulan",
        "day": "2026-11-24", "start": "09:00", "end": "12:00", "participants": "150",
        "contact_name": "Rina Handayani", "contact_phone": "0812-5500-1234",
        "contact_email": "rina@dinkes.example.go.id",
    } | values
    page.select_option("#agency", "Dinas Kesehatan")
    for name, value in fields.items():
        page.fill(f"#{name}", value)


def test_a_request_goes_from_the_form_to_the_agencys_signed_letter(
        chromium: Browser, live: Live) -> None:
    env = live.env
    signed_pdf = minimal_pdf("Surat Tanggapan - ditandatangani secara elektronik (uji)")
    scan = minimal_pdf("Surat permohonan Dinas Kesehatan (pindaian)")

    # Staff sign in and enter the request; a first try with the end before the start.
    staff = Person(chromium, live, viewport={"width": 1280, "height": 900})
    page = staff.open("/masuk")
    expect(page.locator("h1")).to_have_text("Masuk")
    live.shot(page, "login")
    staff.sign_in("staf")
    expect(page).to_have_url(live.url + "/dasbor")
    expect(page.locator("h1")).to_have_text("Dasbor")
    live.shot(page, "dashboard")
    page.click("text=+ Permohonan baru")
    fill_request_form(page, end="08:00")
    page.set_input_files("#scan", files=[{"name": "surat-permohonan.pdf",
                                          "mimeType": "application/pdf", "buffer": scan}])
    page.click("button:has-text('Simpan dan proses')")
    error = page.locator(".has-error .error")
    expect(error).to_contain_text("Waktu selesai harus setelah waktu mulai")
    expect(page.locator("#end")).to_have_attribute("aria-invalid", "true")
    live.shot(page, "request-form-error")
    # The scan was kept: the corrected form goes without choosing the file again.
    expect(page.locator("#scan-kept")).to_be_visible()
    page.fill("#end", "12:00")
    page.click("button:has-text('Simpan dan proses')")
    expect(page.locator(".flash-success")).to_contain_text("rapat Zoom dibuat")
    code = page.locator("h1").inner_text().split()[0]
    meeting_id = page.locator(".meeting dd.mono").first.inner_text()
    assert re.fullmatch(r"\d{3} \d{4} \d{4}", meeting_id)
    expect(page.locator(".meeting")).to_contain_text("Passcode")
    expect(page.locator(".meeting a")).to_have_attribute("href", re.compile(r"/j/\d+"))
    live.shot(page, "request-detail")
    assert env.state_of(code) == "draft_ready"

    # Kabid approves the draft (paraf).
    kabid = Person(chromium, live)
    kabid.sign_in("kabid")
    page = kabid.open(f"/permohonan/{code}")
    page.click("button:has-text('Paraf (setujui)')")
    expect(page.locator(".flash-success")).to_have_text("Draf diparaf.")
    assert env.state_of(code) == "reviewed"

    # Kadis uploads the signed PDF.
    kadis = Person(chromium, live)
    kadis.sign_in("kadis")
    page = kadis.open(f"/permohonan/{code}")
    page.set_input_files("input[name=signed]", files=[{"name": "surat-ttd.pdf",
                                                       "mimeType": "application/pdf",
                                                       "buffer": signed_pdf}])
    page.click("button:has-text('Simpan tanda tangan')")
    expect(page.locator(".flash-success")).to_have_text("Surat bertanda tangan tersimpan.")
    expect(page.locator("body")).to_contain_text(hashlib.sha256(signed_pdf).hexdigest())

    # Staff send it to the agency.
    page = staff.open(f"/permohonan/{code}")
    page.click("button:has-text('Kirim ke OPD')")
    expect(page.locator(".flash-success")).to_have_text(
        "Surat ditandai diserahkan (tanpa surel).")
    assert env.state_of(code) == "sent"
    live.shot(page, "request-detail-sent")
    page = staff.open("/permohonan")
    live.shot(page, "request-list")
    page = staff.open("/kalender?tanggal=2026-11-24")
    expect(page.locator(".block.layanan").first).to_be_visible()
    live.shot(page, "calendar")

    # The agency signs in, lands on its portal and downloads the signed letter.
    opd = Person(chromium, live)
    page = opd.sign_in("opd")
    expect(page).to_have_url(live.url + "/portal")
    expect(page.locator("table.list")).to_contain_text(code)
    expect(page.locator("table.list")).not_to_contain_text("Bimtek Dapodik")  # agency B's
    live.shot(page, "portal")
    with page.expect_download() as info:
        page.click(f"a[href='/permohonan/{code}/unduh/ttd']")
    download = info.value
    assert download.suggested_filename == f"{code}-surat-tanggapan.pdf"
    assert Path(download.path()).read_bytes() == signed_pdf
    assert env.state_of(code) == "received"

    # Anyone holding the paper checks it on the verification page of its QR code.
    reader = Person(chromium, live)
    page = reader.open(f"/verifikasi/{env.verify_token(code)}")
    expect(page.locator("#sha256")).to_have_text(hashlib.sha256(signed_pdf).hexdigest())
    expect(page.locator("body")).not_to_contain_text(meeting_id)
    live.shot(page, "verification")

    # The same request on a phone.
    phone = Person(chromium, live, viewport={"width": 390, "height": 844},
                   device_scale_factor=2, is_mobile=True, has_touch=True)
    phone.sign_in("staf")
    page = phone.open(f"/permohonan/{code}")
    expect(page.locator(".meeting")).to_contain_text(meeting_id)
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, f"the page scrolls sideways on a phone ({width}px)"
    live.shot(page, "request-detail-phone")
    page = phone.open("/dasbor")
    live.shot(page, "dashboard-phone")

    for person in (staff, kabid, kadis, opd, reader, phone):
        person.close()


@pytest.mark.parametrize(("viewport", "name"), [
    pytest.param({"width": 1366, "height": 768}, "form-errors", id="desktop"),
    pytest.param({"width": 390, "height": 844}, "form-errors-phone", id="phone"),
])
def test_every_error_of_the_form_is_summarised_and_focused(
        chromium: Browser, live: Live, viewport: dict[str, int], name: str) -> None:
    staff = Person(chromium, live, viewport=viewport)
    staff.sign_in("staf")
    page = staff.open("/permohonan/baru")
    fill_request_form(page, topic="", participants="0", end="08:00", letter_date="")
    page.set_input_files("#scan", files=[{"name": "surat-permohonan.pdf",
                                          "mimeType": "application/pdf",
                                          "buffer": minimal_pdf("Pindaian")}])

    page.click("button:has-text('Simpan dan proses')")

    summary = page.locator(".error-summary")
    expect(summary).to_be_focused()
    expect(summary.locator("a")).to_have_count(4)
    expect(summary).to_contain_text("Tanggal wajib diisi.")
    expect(summary).to_contain_text("Jumlah peserta minimal 1.")
    expect(page.locator("#scan-kept")).to_be_visible()
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= viewport["width"], f"the form scrolls sideways ({width}px)"
    live.shot(page, name)
    staff.close()
