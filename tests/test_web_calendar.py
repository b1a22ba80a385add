"""The calendar's JSON (``/kalender/data``): who may read it, the bounds of its range, the hosts
as resources, service meetings and meetings made by hand on Zoom told apart, and the closed
times (holidays, breaks, days without service) shaded; and the request form pre-filled from a
slot picked in the calendar."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from conftest import Clock
from web_support import WebEnv, web_document, web_environment

from zoomsvc.zoom import ZoomClient
from zoomsvc.zoom.models import NewMeeting
from zoomsvc.zoom.sandbox import SandboxServer

pytestmark = pytest.mark.uses_db
WITA = ZoneInfo("Asia/Makassar")
WEEK = "/kalender/data?dari=2026-11-23&sampai=2026-11-29"


@pytest.fixture
def env(sandbox: SandboxServer, db_url: str, clock: Clock, tmp_path: Path) -> Iterator[WebEnv]:
    """The app with a Friday break and a local holiday on Thursday 26 November 2026."""
    document = web_document(sandbox.url, db_url, tmp_path)
    document["calendar"] = {
        "hours": [{"days": ["jumat"], "open": "07:00", "close": "16:00",
                   "breaks": [["11:30", "13:30"]]}],
        "holidays_add": [{"date": "2026-11-26", "name": "Hari Jadi Uji"}]}
    with web_environment(document, sandbox, clock, tmp_path) as built:
        yield built


def week(env: WebEnv, role: str = "staf") -> dict[str, Any]:
    answer = env.signed_in(role).get(WEEK)
    assert answer.status_code == 200, answer.get_data(as_text=True)
    body: dict[str, Any] = answer.get_json()
    return body


@pytest.mark.parametrize("role", ["staf", "subkoordinator", "kabid", "kadis", "admin"])
def test_every_office_role_reads_the_calendar(env: WebEnv, role: str) -> None:
    body = week(env, role)
    assert [r["title"] for r in body["resources"]] == ["Zoom 1", "Zoom 2", "Zoom 3"]
    assert body["slotMinTime"] == "07:00"
    assert body["slotMaxTime"] == "17:00"
    assert body["hiddenDays"] == [0, 6]


@pytest.mark.parametrize("role", ["opd", "opd_b"])
def test_an_agency_may_not_read_the_calendar(env: WebEnv, role: str) -> None:
    assert env.signed_in(role).get(WEEK).status_code == 403


def test_a_visitor_is_sent_to_sign_in(env: WebEnv) -> None:
    answer = env.browser().get(WEEK)
    assert answer.status_code == 302
    assert "/masuk" in answer.headers["Location"]


@pytest.mark.parametrize(("query", "field", "words"), [
    ("", "dari", "wajib"),
    ("?dari=2026-11-23", "sampai", "wajib"),
    ("?dari=2026-11-23&sampai=2026-11-22", "sampai", "sebelum"),
    ("?dari=2026-11-01&sampai=2027-01-02", "sampai", "62 hari"),
    ("?dari=0001-01-01&sampai=0001-01-02", "dari", "Tanggal"),
])
def test_a_range_out_of_bounds_is_refused_naming_the_parameter(
        env: WebEnv, query: str, field: str, words: str) -> None:
    answer = env.signed_in("staf").get("/kalender/data" + query)
    assert answer.status_code == 400
    error = answer.get_json()["error"]
    assert error["field"] == field
    assert words in error["message"]


def test_sixty_two_days_are_served(env: WebEnv) -> None:
    # 1 November to 1 January, both included.
    answer = env.signed_in("staf").get("/kalender/data?dari=2026-11-01&sampai=2027-01-01")
    assert answer.status_code == 200


def shades(body: dict[str, Any], kind: str) -> list[tuple[str, str, str]]:
    return [(e["start"], e["end"], e["title"]) for e in body["events"]
            if e.get("display") == "background" and e["extendedProps"]["kind"] == kind]


def test_holidays_breaks_and_closed_hours_are_shaded(env: WebEnv) -> None:
    body = week(env)
    assert shades(body, "libur") == [("2026-11-26T00:00:00", "2026-11-27T00:00:00",
                                      "Hari libur: Hari Jadi Uji")]
    assert shades(body, "istirahat") == [("2026-11-27T11:30:00", "2026-11-27T13:30:00",
                                          "Istirahat")]
    # Friday closes at 16.00, an hour before the other days: that hour is shaded too; and the
    # weekend has no service.
    closed = shades(body, "tutup")
    assert ("2026-11-27T16:00:00", "2026-11-28T00:00:00", "Di luar jam layanan") in closed
    assert ("2026-11-28T00:00:00", "2026-11-29T00:00:00", "Tidak ada layanan") in closed
    every_host = {r["id"] for r in body["resources"]}
    assert all(set(e["resourceIds"]) == every_host for e in body["events"]
               if e.get("display") == "background")


def test_service_meetings_and_meetings_made_by_hand_are_told_apart(
        env: WebEnv, make_request: Callable[..., dict[str, Any]]) -> None:
    host = env.config.zoom.hosts[2].user
    ZoomClient(env.config.zoom).create_meeting(host, NewMeeting(
        topic="Rapat internal Aptika", start=datetime(2026, 11, 25, 10, 0, tzinfo=WITA),
        duration_minutes=60))
    code = env.submit(make_request(topic="Rapat Koordinasi Stunting"))

    events = [e for e in week(env)["events"] if e.get("display") != "background"]

    service = [e for e in events if e["extendedProps"]["kind"] == "layanan"]
    assert len(service) == 1
    assert service[0]["start"] == "2026-11-24T09:00:00"
    assert service[0]["end"] == "2026-11-24T12:00:00"
    assert code in service[0]["title"]
    assert service[0]["extendedProps"]["url"] == f"/permohonan/{code}"
    assert service[0]["classNames"] == ["ec-layanan"]
    by_hand = [e for e in events if e["extendedProps"]["kind"] == "zoom"]
    assert [(e["resourceIds"], e["start"], e["end"], e["classNames"]) for e in by_hand] == [
        ([host.lower()], "2026-11-25T10:00:00", "2026-11-25T11:00:00", ["ec-zoom"])]
    assert "dibuat langsung di Zoom" in by_hand[0]["title"]


def test_the_page_carries_its_options_and_no_inline_script(env: WebEnv) -> None:
    page = env.signed_in("kabid").get("/kalender?tanggal=2026-11-24&rentang=minggu")
    text = page.get_data(as_text=True)
    assert page.status_code == 200
    assert 'id="calendar"' in text
    assert "vendor/event-calendar/event-calendar.min.js" in text
    assert "&#34;view&#34;: &#34;minggu&#34;" in text or "&quot;view&quot;" in text
    assert "<script>" not in text
    # Only the roles that enter requests are offered to start one from a free slot.
    assert 'data-new=""' in text
    staff = env.signed_in("staf").get("/kalender").get_data(as_text=True)
    assert 'data-new="/permohonan/baru"' in staff


def test_a_slot_picked_in_the_calendar_fills_the_request_form(env: WebEnv) -> None:
    host = env.config.zoom.hosts[1].user
    page = env.signed_in("staf").get(
        f"/permohonan/baru?tanggal=2026-11-25&mulai=13:00&selesai=14:30&akun={host.upper()}")
    text = page.get_data(as_text=True)
    assert 'value="2026-11-25"' in text
    assert 'value="13:00"' in text
    assert 'value="14:30"' in text
    assert f'<option selected value="{host}">' in text


def test_a_slot_that_does_not_read_leaves_the_form_empty(env: WebEnv) -> None:
    page = env.signed_in("staf").get(
        "/permohonan/baru?tanggal=bukan&mulai=25:00&selesai=x&akun=orang@lain")
    assert page.status_code == 200
    assert "selected value=" not in page.get_data(as_text=True).replace(
        '<option selected value="">', "")
