"""The agency portal: an OPD account sees its own agency's requests and nothing of any other
agency — not in the portal, not by guessing a request code, not through downloads, and not
through the JSON API with a token bound to the agency."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import pytest
from sqlalchemy import func, select
from web_support import AGENCY_A, AGENCY_B, WebEnv, text_of
from werkzeug.test import TestResponse

from zoomsvc.lifecycle.drift import note_event
from zoomsvc.store import records as rec
from zoomsvc.store.models import AuditEvent, WebhookEvent
from zoomsvc.web.opd_timeline import opd_sentence
from zoomsvc.workflow import TRANSITIONS

# Every test here runs on the test database: CI repeats them on PostgreSQL.
pytestmark = pytest.mark.uses_db

Agencies = tuple[WebEnv, dict[str, str]]


@pytest.fixture
def agencies(web: WebEnv, make_request: Callable[..., dict[str, Any]]) -> Agencies:
    """Two requests of agency A (one sent), two of agency B (one sent)."""
    codes = {
        "a": web.submit(make_request(topic="Rapat Dinkes Pertama")),
        "a_sent": web.submit(make_request(topic="Rapat Dinkes Kedua", start="2026-11-25T09:00",
                                          end="2026-11-25T10:00")),
        "b": web.submit(make_request(agency=AGENCY_B, topic="Rapat Disdik Pertama",
                                     start="2026-11-26T09:00", end="2026-11-26T10:00")),
        "b_sent": web.submit(make_request(agency=AGENCY_B, topic="Rapat Disdik Kedua",
                                          start="2026-11-27T09:00", end="2026-11-27T10:00")),
    }
    web.to_sent(codes["a_sent"])
    web.to_sent(codes["b_sent"])
    return web, codes


def portal_codes(response: TestResponse) -> set[str]:
    return set(re.findall(r'<a href="/permohonan/([^"/]+)">', response.get_data(as_text=True)))


def test_the_portal_lists_only_the_agencys_own_requests(agencies: Agencies) -> None:
    env, codes = agencies

    mine = env.as_role("opd").get("/portal")
    theirs = env.as_role("opd_b").get("/portal")

    assert mine.status_code == 200
    assert portal_codes(mine) == {codes["a"], codes["a_sent"]}
    assert portal_codes(theirs) == {codes["b"], codes["b_sent"]}
    assert "Rapat Disdik" not in text_of(mine)
    assert f"Permohonan {AGENCY_A}" in text_of(mine)


def test_the_portal_offers_the_signed_letter_only_once_it_was_sent(agencies: Agencies) -> None:
    env, codes = agencies

    page = env.as_role("opd").get("/portal").get_data(as_text=True)

    assert f"/permohonan/{codes['a_sent']}/unduh/ttd" in page
    assert f"/permohonan/{codes['a']}/unduh/ttd" not in page


def test_the_agency_sees_its_own_request_without_internal_details(agencies: Agencies) -> None:
    env, codes = agencies

    page = env.as_role("opd").get(f"/permohonan/{codes['a_sent']}")

    body = page.get_data(as_text=True)
    assert page.status_code == 200
    assert "Meeting ID" in body
    assert "Narahubung" not in body  # the contact is the agency's own; not echoed back
    assert "/unduh/draf" not in body
    assert "/unduh/ttd" in body
    assert "/periksa" not in body
    assert "/tandatangan" not in body
    assert "/kirim" not in body


def test_another_agencys_request_does_not_exist_for_an_opd_account(agencies: Agencies) -> None:
    env, codes = agencies
    opd = env.as_role("opd")

    for code in (codes["b"], codes["b_sent"]):
        assert opd.get(f"/permohonan/{code}").status_code == 404
        for what in ("ttd", "ics", "draf", "pdf", "pindaian"):
            assert opd.get(f"/permohonan/{code}/unduh/{what}").status_code == 404, what
    assert env.state_of(codes["b_sent"]) == "sent"  # B's letter was not "received" by A


def test_internal_downloads_of_the_own_request_are_forbidden(agencies: Agencies) -> None:
    env, codes = agencies
    opd = env.as_role("opd")

    for what in ("draf", "pdf", "pindaian"):
        assert opd.get(f"/permohonan/{codes['a_sent']}/unduh/{what}").status_code == 403, what
    assert opd.get(f"/permohonan/{codes['a_sent']}/unduh/ics").status_code == 200


@pytest.mark.parametrize("url", ["/dasbor", "/permohonan", "/permohonan?opd=Dinas+Pendidikan",
                                 "/kalender", "/permohonan/baru"])
def test_the_office_pages_are_forbidden_to_an_opd_account(agencies: Agencies, url: str) -> None:
    env, _ = agencies

    assert env.as_role("opd").get(url).status_code == 403


def test_an_opd_account_cannot_make_links_or_take_steps(agencies: Agencies) -> None:
    env, codes = agencies
    opd = env.as_role("opd")

    for step in ("tautan/ttd", "kirim", "periksa", "tandatangan", "ulang", "susun",
                 "alternatif/0"):
        answer = opd.post(f"/permohonan/{codes['a']}/{step}", form_page="/portal")
        assert answer.status_code == 403, step
    assert env.state_of(codes["a"]) == "draft_ready"


def test_the_portal_counts_and_pages_only_the_agencys_requests(
        web_factory: Callable[..., WebEnv], make_request: Callable[..., dict[str, Any]]) -> None:
    env = web_factory(web={"page_size": 5})
    for day in range(24, 28):
        for agency in (AGENCY_A, AGENCY_B):
            env.submit(make_request(agency=agency, start=f"2026-11-{day}T09:00",
                                    end=f"2026-11-{day}T10:00"))
    env.submit(make_request(agency=AGENCY_A, start="2026-11-30T09:00", end="2026-11-30T10:00"))
    env.submit(make_request(agency=AGENCY_A, start="2026-12-01T09:00", end="2026-12-01T10:00"))
    opd = env.as_role("opd")

    first, second = opd.get("/portal"), opd.get("/portal?hal=2")

    assert "Halaman 1 dari 2" in text_of(first)
    assert len(portal_codes(first)) == 5
    assert len(portal_codes(second)) == 1
    assert portal_codes(first).isdisjoint(portal_codes(second))


# --- the API with an agency-bound token -------------------------------------------------------

def api_get(env: WebEnv, token: str, url: str) -> TestResponse:
    return env.browser().get(url, headers={"Authorization": f"Bearer {token}"})


def test_an_agency_token_lists_only_its_agencys_requests(agencies: Agencies) -> None:
    env, codes = agencies
    token = env.api_token("requests:read", agency=AGENCY_A)

    for query in ("", "?opd=Dinas+Pendidikan", "?status=sent", "?hal=1"):
        answer = api_get(env, token, f"/api/v1/permohonan{query}")
        assert answer.status_code == 200
        assert {item["agency"] for item in answer.json["items"]} <= {AGENCY_A}, query
    everything = api_get(env, token, "/api/v1/permohonan").json
    assert {item["request"] for item in everything["items"]} == {codes["a"], codes["a_sent"]}
    assert everything["total"] == 2
    other = api_get(env, token, "/api/v1/permohonan?opd=Dinas+Pendidikan").json
    assert {item["request"] for item in other["items"]} == {codes["a"], codes["a_sent"]}


def test_an_agency_token_cannot_read_another_agencys_request(agencies: Agencies) -> None:
    env, codes = agencies
    token = env.api_token("requests:read", agency=AGENCY_A)

    own = api_get(env, token, f"/api/v1/permohonan/{codes['a_sent']}")
    foreign = api_get(env, token, f"/api/v1/permohonan/{codes['b']}")
    unknown = api_get(env, token, "/api/v1/permohonan/ZM-2026-9999")

    assert own.status_code == 200
    assert own.json["request"] == codes["a_sent"]
    # Another agency's request answers exactly like one that does not exist.
    assert foreign.status_code == unknown.status_code == 404
    assert foreign.json == {"error": {"field": "code",
                                      "message": f"permohonan {codes['b']} tidak ditemukan"}}
    assert unknown.json == {"error": {"field": "code",
                                      "message": "permohonan ZM-2026-9999 tidak ditemukan"}}


def test_an_agency_token_cannot_create_for_another_agency(
        agencies: Agencies, make_request: Callable[..., dict[str, Any]]) -> None:
    env, _ = agencies
    token = env.api_token("requests:read", "requests:write", agency=AGENCY_A)

    answer = env.browser().client.post(
        "/api/v1/permohonan", json=make_request(agency=AGENCY_B,
                                                start="2026-11-30T13:00",
                                                end="2026-11-30T14:00"),
        headers={"Authorization": f"Bearer {token}"})

    assert answer.status_code == 403
    assert answer.json["error"]["field"] == "agency"


def test_an_unbound_token_may_filter_by_agency(agencies: Agencies) -> None:
    env, codes = agencies
    token = env.api_token("requests:read")

    answer = api_get(env, token, "/api/v1/permohonan?opd=Dinas+Pendidikan")

    assert {item["request"] for item in answer.json["items"]} == {codes["b"], codes["b_sent"]}


POOL = ("zoom1@kominfo.tarakankota.go.id", "zoom2@kominfo.tarakankota.go.id",
        "zoom3@kominfo.tarakankota.go.id")
LAST_ERROR = "Zoom 1 menolak: batas harian akun zoom1@kominfo.tarakankota.go.id (kode 429)"


def test_the_agencys_timeline_tells_each_event_in_its_own_words_without_internal_notes(
        agencies: Agencies) -> None:
    env, codes = agencies
    code = codes["a_sent"]
    db = env.services.db
    with db.serialized_write() as session:
        request = rec.request_by_code(session, code)
        assert request is not None
        request.last_error = LAST_ERROR
        note_event(session, request, actor="zoom:reconcile", now=env.clock(), step="4",
                   note=f"reservasi akun {POOL[1]} dilepas (tidak ada di Zoom)")
        note_event(session, request, actor="zoom:webhook", now=env.clock(),
                   step="di luar layanan",
                   note=f"rapat Zoom 812 3456 7890 diubah di luar layanan oleh {POOL[2]}")

    agency_page = text_of(env.as_role("opd").get(f"/permohonan/{code}"))
    staff_page = text_of(env.as_role("staf").get(f"/permohonan/{code}"))

    internal = [*POOL, LAST_ERROR, "rina", "hendra", "Rina Staf", "zoom:reconcile",
                "zoom:webhook", "(Sistem)", "(Kabid)"]
    assert [text for text in internal if text in agency_page] == []
    for sentence in ("Surat permohonan diterima dan dicatat.", "Rapat Zoom telah dibuat.",
                     "Surat tanggapan telah ditandatangani Kepala Dinas.",
                     "Surat tanggapan telah dikirim kepada OPD.",
                     "Rapat Zoom diubah atau dihapus di luar layanan"):
        assert sentence in agency_page, sentence
    for text in (POOL[1], POOL[2], LAST_ERROR, "rina", "hendra"):
        assert text in staff_page, text


def test_every_move_of_the_sop_has_a_sentence_for_the_agency() -> None:
    for (source, target) in TRANSITIONS:
        event = AuditEvent(from_state=source.value, to_state=target.value, sop_step="", note="")
        assert opd_sentence(event), (source, target)


def test_the_dashboard_counts_webhook_calls_refused_before_the_database(web: WebEnv) -> None:
    anonymous = web.browser("198.51.100.7")
    for _ in range(3):
        answer = anonymous.client.post("/zoom/webhook", data=b'{"event": "meeting.deleted"}',
                                       headers={"x-zm-signature": "v0=" + "0" * 64,
                                                "x-zm-request-timestamp": "1"})
        assert answer.status_code == 401
    with web.services.db.session() as session:
        assert session.scalar(select(func.count()).select_from(WebhookEvent)) == 0

    page = text_of(web.signed_in("staf").get("/dasbor"))

    assert "ditolak tanpa dicatat" in page
    assert re.search(r"sejak layanan dijalankan: 3\.", page)
