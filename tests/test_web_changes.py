"""Changes and inboxes through the web application: a new time, cancellation, the agency's asks
and its own choice of an alternative, each role's "Tugas saya", what an agency may see, and the
e-mail to the next actor."""

from __future__ import annotations

import contextlib
import dataclasses
import socket
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP, Envelope, Session
from web_support import AGENCY_A, WebEnv, text_of

from zoomsvc.store import records as rec
from zoomsvc.store.models import ChangeRequest, User
from zoomsvc.workflow import Role

pytestmark = pytest.mark.uses_db
ZOOM1 = "zoom1@kominfo.tarakankota.go.id"


def detail(code: str) -> str:
    return f"/permohonan/{code}"


def post(web: WebEnv, role: str, url: str, data: dict[str, Any], code: str) -> str:
    browser = web.signed_in(role)
    answer = browser.post(url, data, form_page=detail(code))
    assert answer.status_code == 302, answer.status_code
    return text_of(browser.get(answer.headers["Location"]))


def live_meeting(web: WebEnv, code: str) -> tuple[str, str] | None:
    with web.services.db.session() as session:
        found = rec.request_by_code(session, code)
        assert found is not None
        meeting = next((m for m in found.meetings if m.status == "live"), None)
        return (meeting.host, meeting.start_at.isoformat()) if meeting else None


def test_staff_move_a_meeting_to_a_new_time_from_its_page(
        web: WebEnv, make_request: Callable[..., dict[str, Any]]) -> None:
    code = web.submit(make_request())
    page = post(web, "staf", detail(code) + "/jadwal-baru",
                {"day": "2026-11-25", "start": "13:00", "end": "15:00",
                 "reason": "Narasumber berhalangan"}, code)
    assert "Jadwal diubah pada akun Zoom yang sama" in page
    assert live_meeting(web, code) == (ZOOM1, "2026-11-25T05:00:00+00:00")
    assert "Narasumber berhalangan" in page  # the audit note, before and after
    assert web.state_of(code) == "draft_ready"


def test_a_bad_new_time_is_refused_with_a_sentence_not_an_error_page(
        web: WebEnv, make_request: Callable[..., dict[str, Any]]) -> None:
    code = web.submit(make_request())
    page = post(web, "staf", detail(code) + "/jadwal-baru",
                {"day": "2026-11-25", "start": "bukan", "end": "15:00", "reason": "x"}, code)
    assert "Tidak dapat diproses: Waktu mulai" in page
    assert live_meeting(web, code) == (ZOOM1, "2026-11-24T01:00:00+00:00")


def test_cancel_deletes_the_meeting_and_the_agency_reads_it_in_its_history(
        web: WebEnv, make_request: Callable[..., dict[str, Any]]) -> None:
    code = web.submit(make_request())
    page = post(web, "kabid", detail(code) + "/batalkan", {"reason": "Kegiatan ditiadakan"},
                code)
    assert "Permohonan dibatalkan" in page
    assert web.state_of(code) == "cancelled"
    assert live_meeting(web, code) is None
    opd_page = text_of(web.signed_in("opd").get(detail(code)))
    assert "Permohonan dibatalkan." in opd_page
    assert "Kegiatan ditiadakan" not in opd_page  # staff notes stay with staff


def test_the_agency_asks_for_a_change_and_staff_see_it_in_their_inbox(
        web: WebEnv, make_request: Callable[..., dict[str, Any]]) -> None:
    code = web.submit(make_request())
    page = post(web, "opd", detail(code) + "/minta",
                {"kind": "ubah", "note": "Mohon dimundurkan ke hari Kamis"}, code)
    assert "Permintaan terkirim ke petugas" in page
    assert "Permintaan perubahan atau pembatalan dicatat" in page
    inbox = text_of(web.signed_in("staf").get("/tugas"))
    assert "Perubahan jadwal: Mohon dimundurkan ke hari Kamis" in inbox
    staff_page = text_of(web.signed_in("staf").get(detail(code)))
    assert "Mohon dimundurkan ke hari Kamis" in staff_page
    other = web.signed_in("opd_b").post(detail(code) + "/minta",
                                        {"kind": "batal", "note": "x"}, form_page="/tugas")
    assert other.status_code == 404


def test_the_agency_picks_an_alternative_itself_and_the_service_books_it(
        web: WebEnv, make_request: Callable[..., dict[str, Any]]) -> None:
    for _ in range(4):
        web.submit(make_request())
    code = web.submit(make_request())
    assert live_meeting(web, code) is None
    inbox = text_of(web.signed_in("opd").get("/tugas"))
    assert "Pilih waktu alternatif" in inbox
    assert "Penuh — menunggu pilihan OPD" in inbox
    page = post(web, "opd", detail(code) + "/pilih/0", {}, code)
    assert "Waktu alternatif 1 dipilih" in page
    assert live_meeting(web, code) is not None
    assert web.state_of(code) == "draft_ready"


def test_each_role_sees_its_own_work(web: WebEnv,
                                     make_request: Callable[..., dict[str, Any]]) -> None:
    drafted = web.submit(make_request())
    returned = web.submit(make_request(start="2026-11-25T09:00", end="2026-11-25T10:00"))
    web.services.letters.review(returned, approve=False, note="Perbaiki hal surat",
                                actor="hendra", role=Role.KABID)
    signed = web.submit(make_request(start="2026-11-26T09:00", end="2026-11-26T10:00"))
    web.to_signed(signed)
    reviewed = web.submit(make_request(start="2026-11-27T09:00", end="2026-11-27T10:00"))
    web.services.letters.review(reviewed, approve=True, note="", actor="hendra",
                                role=Role.KABID)
    sent = web.submit(make_request(start="2026-11-30T09:00", end="2026-11-30T10:00"))
    web.to_sent(sent)

    def section(role: str, title: str) -> str:
        page = text_of(web.signed_in(role).get("/tugas"))
        assert title in page, (role, title)
        return page.split(title, 1)[1].split("<h2>", 1)[0]

    assert returned in section("staf", "Dikembalikan Kabid")
    assert signed in section("staf", "Siap dikirim ke OPD")
    kabid = section("kabid", "Menunggu paraf")
    assert drafted in kabid
    assert returned not in kabid
    assert reviewed in section("kadis", "Menunggu tanda tangan")
    assert sent in section("opd", "Surat siap diunduh")
    badge = text_of(web.signed_in("staf").get(detail(returned)))
    assert "Dikembalikan Kabid" in badge
    assert "Tugas saya" in text_of(web.signed_in("kadis").get("/dasbor"))


def test_the_agency_sees_link_and_passcode_only_once_the_letter_is_sent(
        web: WebEnv, make_request: Callable[..., dict[str, Any]]) -> None:
    code = web.submit(make_request())
    with web.services.db.session() as session:
        found = rec.request_by_code(session, code)
        assert found is not None
        passcode = next(m.passcode for m in found.meetings if m.status == "live")
    assert passcode
    before = text_of(web.signed_in("opd").get(detail(code)))
    assert passcode not in before
    assert "Mutu Baku" not in before
    assert "zoom1@" not in before
    assert web.signed_in("opd").get(detail(code) + "/unduh/ics").status_code == 403
    web.to_sent(code)
    after = text_of(web.signed_in("opd").get(detail(code)))
    assert passcode in after
    assert "Mutu Baku" not in after
    assert "zoom1@" not in after


def test_the_agency_sees_the_meeting_at_once_when_configured(
        web_factory: Callable[..., WebEnv], make_request: Callable[..., dict[str, Any]]) -> None:
    env = web_factory(web={"opd_sees_meeting": "scheduled"})
    code = env.submit(make_request())
    page = text_of(env.signed_in("opd").get(detail(code)))
    assert "Passcode" in page


def test_an_agency_token_never_sees_pool_account_addresses(
        web: WebEnv, make_request: Callable[..., dict[str, Any]]) -> None:
    code = web.submit(make_request())
    for _ in range(4):
        web.submit(make_request())
    full = web.submit(make_request())
    agency = web.api_token("requests:read", agency=AGENCY_A)
    staff = web.api_token("requests:read")

    def get(token: str, which: str) -> dict[str, Any]:
        answer = web.browser().client.get(f"/api/v1/permohonan/{which}",
                                          headers={"Authorization": f"Bearer {token}"})
        assert answer.status_code == 200
        body: dict[str, Any] = answer.json or {}
        return body

    assert "host" not in get(agency, code)["meeting"]
    assert all("host" not in slot for slot in get(agency, full)["alternatives"])
    assert get(agency, full)["alternatives"]
    assert get(staff, code)["meeting"]["host"] == ZOOM1


class Mailbox:
    """An aiosmtpd handler that keeps every message."""

    def __init__(self) -> None:
        self.envelopes: list[Envelope] = []

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:
        self.envelopes.append(envelope)
        return "250 OK"


@pytest.fixture
def mailbox() -> Iterator[tuple[int, Mailbox]]:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
    box = Mailbox()
    controller = Controller(box, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield port, box
    finally:
        with contextlib.suppress(AssertionError):
            controller.stop()


def test_the_next_actor_is_emailed_with_a_link_when_they_asked_for_it(
        web: WebEnv, make_request: Callable[..., dict[str, Any]],
        mailbox: tuple[int, Mailbox]) -> None:
    port, box = mailbox
    config = web.services.config
    web.services.config = dataclasses.replace(config, smtp=dataclasses.replace(
        config.smtp, host="127.0.0.1", port=port, sender="zoom@kominfo.test", starttls=False))
    kadis = web.signed_in("kadis")
    kadis.post("/tugas/surel", {"email": "kadis@kominfo.test", "notify": "1"},
               form_page="/tugas")
    web.signed_in("kabid").post("/tugas/surel", {"email": "kabid@kominfo.test"},
                                form_page="/tugas")  # no tick: no e-mail
    code = web.submit(make_request())

    web.signed_in("kabid").post(detail(code) + "/periksa", {"keputusan": "setuju", "note": ""},
                                form_page=detail(code))

    assert web.state_of(code) == "reviewed"
    assert [e.rcpt_tos for e in box.envelopes] == [["kadis@kominfo.test"]]
    body = box.envelopes[0].content
    assert isinstance(body, bytes)
    assert f"http://zoom.test/permohonan/{code}".encode() in body
    with web.services.db.session() as session:
        assert [u.notify_by_email for u in session.query(User).filter(
            User.username.in_(["hendra", "kadis"])).order_by(User.username)] == [False, True]


def test_staff_correct_the_data_and_close_an_ask_answered_otherwise(
        web: WebEnv, make_request: Callable[..., dict[str, Any]]) -> None:
    code = web.submit(make_request())
    fields = {"subject": "Permohonan Fasilitasi Zoom Meeting",
              "topic": "Rapat Evaluasi Stunting", "agenda": "Evaluasi\r\ntriwulan",
              "participants": "150", "contact_name": "Rina Handayani",
              "contact_phone": "0812-5500-1234", "contact_email": "rina@dinkes.example.go.id"}
    page = post(web, "staf", detail(code) + "/ubah-data", fields, code)
    assert "Data permohonan diubah" in page
    assert "topic: 'Rapat Koordinasi Percepatan Penurunan Stunting' → " \
           "'Rapat Evaluasi Stunting'" in page
    refused = post(web, "staf", detail(code) + "/ubah-data", {**fields, "participants": "0"},
                   code)
    assert "Tidak dapat diproses: Jumlah peserta" in refused

    web.services.cancellations.ask(code, "batal", "Tidak jadi", actor="dinkes",
                                   agency=AGENCY_A)
    assert "Pembatalan: Tidak jadi" in text_of(web.signed_in("staf").get("/tugas"))
    with web.services.db.session() as session:
        ask_id = session.query(ChangeRequest.id).scalar()
    page = post(web, "staf", detail(code) + f"/permintaan/{ask_id}/tutup",
                {"note": "Dijawab lewat telepon: tetap jadi"}, code)
    assert "Permintaan OPD ditutup" in page
    assert "Pembatalan: Tidak jadi" not in text_of(web.signed_in("staf").get("/tugas"))


def test_a_cancelled_request_cannot_be_moved_or_asked_about(
        web: WebEnv, make_request: Callable[..., dict[str, Any]]) -> None:
    code = web.submit(make_request())
    post(web, "staf", detail(code) + "/batalkan", {"reason": "Batal"}, code)
    page = post(web, "staf", detail(code) + "/jadwal-baru",
                {"day": "2026-11-25", "start": "09:00", "end": "10:00", "reason": "x"}, code)
    assert "Tidak dapat diproses: Jadwal" in page
    page = post(web, "opd", detail(code) + "/minta", {"kind": "ubah", "note": "x"}, code)
    assert "sudah ditutup" in page
