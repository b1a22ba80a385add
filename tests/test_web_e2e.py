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
import signal
import socket
import subprocess
import sys
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from axe_support import serious_violations
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
from zoomsvc.zoom import ZoomClient
from zoomsvc.zoom.models import NewMeeting
from zoomsvc.zoom.sandbox import SandboxServer

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]
ROOT = Path(__file__).resolve().parents[1]
WITA = ZoneInfo("Asia/Makassar")
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
    codes: dict[str, str]

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
        codes = seed(env, make_request)
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
            yield Live(env, url, shots, codes)
        finally:
            server.shutdown()
            thread.join(timeout=10)
            server.server_close()


def seed(env: WebEnv, make_request: Callable[..., dict[str, Any]]) -> dict[str, str]:
    """Other requests of the week in various steps, and a meeting made by hand on Zoom; the
    requests' codes by step."""
    ZoomClient(env.config.zoom).create_meeting(env.config.zoom.hosts[2].user, NewMeeting(
        topic="Rapat internal Aptika", start=datetime(2026, 11, 24, 10, 0, tzinfo=WITA),
        duration_minutes=90))
    reviewed = env.submit(make_request(topic="Sosialisasi Aplikasi Srikandi",
                                       start="2026-11-24T13:00", end="2026-11-24T15:00",
                                       participants=80))
    env.services.letters.review(reviewed, approve=True, note="", actor="hendra",
                                role=Role.KABID)
    drafted = env.submit(make_request(agency=AGENCY_B, topic="Rapat Persiapan Asesmen Nasional",
                                      start="2026-11-25T09:00", end="2026-11-25T11:30",
                                      participants=120))
    sent = env.submit(make_request(agency=AGENCY_B, topic="Bimtek Dapodik",
                                   start="2026-11-26T08:30", end="2026-11-26T12:00",
                                   participants=250))
    env.to_sent(sent)
    return {"reviewed": reviewed, "drafted": drafted, "sent": sent}


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

    def accessible(self) -> None:
        """No serious or critical axe-core violation on the page shown now."""
        self.page.wait_for_load_state("networkidle")
        found = serious_violations(self.page)
        assert not found, (self.page.url, found)

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


def pick_slot(page: Page, host: str, first: str, until: str) -> None:
    """Drag across a host's row in the day view from ``first`` to ``until`` (HH:MM)."""
    row = page.locator(".ec-body .ec-row-head", has_text=host).first.bounding_box()
    start = page.locator(f".ec-header .ec-slot:has(time[datetime$='T{first}:00'])"
                         ).bounding_box()
    end = page.locator(f".ec-header .ec-slot:has(time[datetime$='T{until}:00'])"
                       ).bounding_box()
    assert row
    assert start
    assert end
    y = row["y"] + row["height"] / 2
    page.mouse.move(start["x"] + 4, y)
    page.mouse.down()
    page.mouse.move((start["x"] + end["x"]) / 2, y, steps=4)
    page.mouse.move(end["x"] - 4, y, steps=4)
    page.mouse.up()


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
    expect(page.locator(".ec-event.ec-layanan").first).to_contain_text(code)
    expect(page.locator(".ec-event.ec-zoom")).to_contain_text("Rapat internal Aptika")
    live.shot(page, "calendar")
    page = staff.open("/kalender?tanggal=2026-11-24&rentang=minggu")
    expect(page.locator(".ec-event.ec-layanan").first).to_be_visible()
    live.shot(page, "calendar-week")
    page = staff.open("/kalender?tanggal=2026-11-24")
    pick_slot(page, "Zoom 3", "14:00", "15:00")
    expect(page).to_have_url(re.compile(r"/permohonan/baru\?tanggal=2026-11-24&mulai=14:00"
                                        r"&selesai=15:00&akun=zoom3(%40|@)"))
    expect(page.locator("#day")).to_have_value("2026-11-24")
    expect(page.locator("#start")).to_have_value("14:00")
    expect(page.locator("#end")).to_have_value("15:00")
    expect(page.locator("#host")).to_have_value(re.compile("^zoom3@"))

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
    page = phone.open("/kalender?tanggal=2026-11-24")
    # A phone opens the list view: every meeting of the week, one under the other.
    expect(page.locator(".ec-list")).to_be_visible()
    expect(page.locator(".ec-list")).to_contain_text(code)
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, f"the calendar scrolls sideways on a phone ({width}px)"
    live.shot(page, "calendar-phone")

    for person in (staff, kabid, kadis, opd, reader, phone):
        person.close()


# Every page of every role, through axe-core -------------------------------------------------

def pages_of(live: Live) -> dict[str | None, list[str]]:
    """The pages each role works with (None: a visitor without an account)."""
    codes = live.codes
    mine_sent = f"/permohonan/{codes['sent']}"
    return {
        None: ["/masuk", f"/verifikasi/{live.env.verify_token(codes['sent'])}", "/tidak-ada"],
        "staf": ["/dasbor", "/permohonan", "/permohonan/baru", "/kalender?tanggal=2026-11-24",
                 "/kalender?tanggal=2026-11-24&rentang=minggu", f"/permohonan/{codes['drafted']}",
                 mine_sent],
        "kabid": ["/dasbor", f"/permohonan/{codes['drafted']}"],
        "kadis": ["/dasbor", f"/permohonan/{codes['reviewed']}"],
        "admin": ["/dasbor", "/permohonan"],
        "opd_b": ["/portal", mine_sent],
    }


def test_no_page_of_any_role_has_a_serious_accessibility_violation(
        chromium: Browser, live: Live) -> None:
    for role, paths in pages_of(live).items():
        # On a phone too for the public and the agencies, who read on one most.
        phone = [{"width": 390, "height": 844}] if role in (None, "opd_b") else []
        for viewport in [{"width": 1280, "height": 900}, *phone]:
            person = Person(chromium, live, viewport=viewport)
            if role is not None:
                person.sign_in(role)
            for path in paths:
                person.open(path)
                person.accessible()
            person.close()


def test_the_download_link_is_shortened_and_copied_whole(chromium: Browser, live: Live) -> None:
    staff = Person(chromium, live, viewport={"width": 390, "height": 844})
    staff.context.grant_permissions(["clipboard-read", "clipboard-write"])
    page = staff.sign_in("staf")
    page = staff.open(f"/permohonan/{live.codes['sent']}")
    page.click("button:has-text('Buat tautan unduhan untuk OPD')")
    link = page.locator(".flash-link a.short-link")
    href = link.get_attribute("href")
    assert href
    assert "/unduh/" in href
    box = link.bounding_box()
    assert box
    assert box["width"] < 390
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    page.click("button:has-text('Salin tautan')")
    expect(page.locator(".copy-button")).to_have_text("Tersalin")
    assert page.evaluate("navigator.clipboard.readText()") == href
    staff.close()


def test_the_public_checks_a_pdf_in_the_page_without_uploading_it(
        chromium: Browser, live: Live) -> None:
    code = live.codes["sent"]
    signed = live.env.services.letters
    letter = signed.current(code)
    assert letter is not None
    assert letter.signed_sha256
    pdf = live.env.services.letters.files.get(letter.signed_sha256)
    reader = Person(chromium, live, viewport={"width": 390, "height": 844},
                    is_mobile=True, has_touch=True)
    uploads: list[str] = []
    reader.page.on("request", lambda r: uploads.append(r.url) if r.method != "GET" else None)
    page = reader.open(f"/verifikasi/{live.env.verify_token(code)}")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    page.set_input_files("#verify-pdf", files=[{"name": "surat.pdf",
                                                "mimeType": "application/pdf", "buffer": pdf}])
    expect(page.locator("#verify-result")).to_contain_text("Cocok")
    page.set_input_files("#verify-pdf", files=[{"name": "lain.pdf", "mimeType": "application/pdf",
                                                "buffer": minimal_pdf("surat lain")}])
    expect(page.locator("#verify-result")).to_contain_text("Tidak cocok")
    assert uploads == []
    reader.close()


# The demo in one command ----------------------------------------------------------------------

def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


@pytest.fixture
def demo_web(tmp_path: Path) -> Iterator[tuple[str, dict[str, str]]]:
    """``zoomsvc demo --web`` in a fresh folder: its address and the passwords it printed."""
    port = free_port()
    process = subprocess.Popen(
        [str(Path(sys.executable).parent / "zoomsvc"), "demo", "--web", "--port", str(port)],
        cwd=tmp_path,
        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
        env={**os.environ, "PYTHONUNBUFFERED": "1"})
    assert process.stderr is not None
    lines: list[str] = []
    try:
        for line in process.stderr:
            lines.append(line)
            if "Running on" in line:
                break
        text = "".join(lines)
        passwords = dict(re.findall(r"^  \S+\s+(\S+)\s+(\S+)$", text, re.MULTILINE))
        assert set(passwords) == {"staf", "subkoordinator", "kabid", "kadis", "opd", "admin"}, \
            text
        yield f"http://127.0.0.1:{port}", passwords
    finally:
        # Ctrl-C stops the web app and the sandbox with it.
        process.send_signal(signal.SIGINT)
        try:
            process.communicate(timeout=30)
        finally:
            if process.poll() is None:
                process.kill()
                process.wait()
    assert process.returncode is not None


LANDING = {"staf": "/dasbor", "subkoordinator": "/dasbor", "kabid": "/dasbor",
           "kadis": "/dasbor", "admin": "/dasbor", "opd": "/portal"}


def test_the_demo_serves_every_role_with_requests_at_every_step(
        chromium: Browser, demo_web: tuple[str, dict[str, str]]) -> None:
    url, passwords = demo_web
    for username, password in passwords.items():
        context = chromium.new_context(locale="id-ID")
        page = context.new_page()
        page.goto(url + "/masuk")
        page.fill("#username", username)
        page.fill("#password", password)
        page.click("button:has-text('Masuk')")
        expect(page).to_have_url(url + LANDING[username])
        if username == "staf":
            page.goto(url + "/permohonan")
            listed = page.locator("table.list")
            for state in ("Draf surat siap", "Diparaf Kabid", "Ditandatangani Kadis",
                          "Terkirim"):
                expect(listed).to_contain_text(state)
            page.click("tr:has-text('Forum Konsultasi Publik RKPD') td.code a")
            expect(page.locator("body")).to_contain_text("Jadwal penuh")
        if username == "opd":
            expect(page.locator("table.list")).to_contain_text("Surat (PDF)")
        context.close()


def test_a_long_unbroken_title_keeps_the_portal_within_the_screen(
        chromium: Browser, live: Live, make_request: Callable[..., dict[str, Any]]) -> None:
    live.env.submit(make_request(agency=AGENCY_B, topic="RapatKoordinasi" * 10,
                                 start="2026-11-27T08:00", end="2026-11-27T09:00",
                                 participants=20))
    for width in (390, 1024):
        agency = Person(chromium, live, viewport={"width": width, "height": 844})
        page = agency.sign_in("opd_b")
        expect(page.locator("table.list")).to_contain_text("RapatKoordinasiRapat")
        page.wait_for_load_state("load")  # the style sheet applied
        scrolled = page.evaluate("document.documentElement.scrollWidth")
        assert scrolled <= width, f"the portal scrolls sideways at {width}px ({scrolled}px)"
        download = page.locator("a:has-text('Surat (PDF)')").first.bounding_box()
        assert download
        assert download["x"] + download["width"] <= width
        agency.close()


def contrast(colour: str) -> float:
    """WCAG contrast ratio of an ``rgb(r, g, b)`` colour against white."""
    red, green, blue = (int(part) / 255 for part in re.findall(r"\d+", colour)[:3])

    def linear(value: float) -> float:
        return value / 12.92 if value <= 0.03928 else ((value + 0.055) / 1.055) ** 2.4

    luminance = 0.2126 * linear(red) + 0.7152 * linear(green) + 0.0722 * linear(blue)
    return 1.05 / (luminance + 0.05)


def test_keyboard_users_see_where_they_are_and_skip_to_the_content(
        chromium: Browser, live: Live) -> None:
    staff = Person(chromium, live)
    page = staff.sign_in("staf")
    page = staff.open("/permohonan/baru")
    page.keyboard.press("Tab")
    skip = page.locator("a.skip-link")
    expect(skip).to_be_focused()
    expect(skip).to_have_text("Langsung ke isi")
    page.keyboard.press("Enter")
    expect(page.locator("main#isi")).to_be_focused()
    field = page.locator("#topic")
    field.focus()
    styles = field.evaluate("e => { const s = getComputedStyle(e); "
                            "return [s.outlineColor, s.outlineStyle, s.borderTopColor]; }")
    outline, style, border = styles
    assert style != "none"
    assert contrast(outline) >= 3, outline
    assert contrast(border) >= 3, border
    staff.close()


@pytest.mark.parametrize(("role", "step", "button"), [
    ("kabid", "drafted", "Paraf (setujui)"),
    ("kadis", "reviewed", "Simpan tanda tangan"),
])
def test_on_a_phone_the_roles_step_comes_first(chromium: Browser, live: Live, role: str,
                                               step: str, button: str) -> None:
    person = Person(chromium, live, viewport={"width": 390, "height": 844}, is_mobile=True,
                    has_touch=True)
    person.sign_in(role)
    page = person.open(f"/permohonan/{live.codes[step]}")
    action = page.locator(f"button:has-text('{button}')").bounding_box()
    facts = page.locator(".columns > section:not(.role-action)").first.bounding_box()
    assert action is not None
    assert facts is not None
    assert action["y"] < facts["y"], "the role's step sits below the request's facts"
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
