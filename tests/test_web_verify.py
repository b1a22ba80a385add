"""The public verification page the letter's QR code opens: enough to trust the paper (number,
date, agency, subject, signer, SHA-256 of the signed file), nothing private (no passcode, no
meeting link, no contact)."""

from __future__ import annotations

import hashlib
import io
import re
import zipfile
from collections.abc import Callable
from typing import Any

import pytest
from web_support import AGENCY_A, WebEnv, text_of

from zoomsvc import formatting
from zoomsvc.store import listing
from zoomsvc.workflow import Role

# Every test here runs on the test database: CI repeats them on PostgreSQL.
pytestmark = pytest.mark.uses_db

CONTACT = {"name": "Rina Handayani", "phone": "0812-5500-1234",
           "email": "rina@dinkes.example.go.id"}


@pytest.fixture
def signed(web: WebEnv, make_request: Callable[..., dict[str, Any]]
           ) -> tuple[WebEnv, str, bytes]:
    """A request whose letter Kadis signed."""
    code = web.submit(make_request(contact=CONTACT))
    return web, code, web.to_signed(code)


def test_the_page_shows_what_makes_the_letter_trustworthy(
        signed: tuple[WebEnv, str, bytes]) -> None:
    env, code, pdf = signed
    letter = env.services.letters.current(code)
    assert letter is not None

    page = env.browser().get(f"/verifikasi/{letter.verify_token}")

    assert page.status_code == 200
    shown = text_of(page)
    assert "Surat tercatat dan telah ditandatangani" in shown
    assert letter.number in shown
    assert formatting.long_date(letter.letter_date) in shown  # the letters' own date format
    assert AGENCY_A in shown
    assert env.config.letters.hal in shown
    assert env.config.signer.name in shown
    assert env.config.signer.office in shown
    sha = re.search(r'id="sha256">([0-9a-f]{64})<', page.get_data(as_text=True))
    assert sha is not None
    assert sha.group(1) == hashlib.sha256(pdf).hexdigest()
    assert "Senin, 23 November 2026" in shown  # when it was signed


def test_the_page_shows_nothing_private(signed: tuple[WebEnv, str, bytes]) -> None:
    env, code, _ = signed
    letter = env.services.letters.current(code)
    assert letter is not None
    with env.services.db.session() as session:
        request = listing.request_detail(session, code)
        assert request is not None
        [meeting] = [m for m in request.meetings if m.status == "live"]
        private = [meeting.passcode, meeting.join_url, str(meeting.zoom_id), CONTACT["name"],
                   CONTACT["phone"], CONTACT["email"], request.letter_number]

    body = text_of(env.browser().get(f"/verifikasi/{letter.verify_token}"))

    for secret in private:
        assert secret
        assert secret not in body
    assert "/j/" not in body
    assert "pwd=" not in body


def test_a_signed_in_visitor_sees_the_same_page(signed: tuple[WebEnv, str, bytes]) -> None:
    env, code, _ = signed
    token = env.verify_token(code)

    anonymous = env.browser().get(f"/verifikasi/{token}")
    staff = env.as_role("staf").get(f"/verifikasi/{token}")

    assert staff.status_code == anonymous.status_code == 200
    assert re.findall(r"[0-9a-f]{64}", staff.get_data(as_text=True)) == \
        re.findall(r"[0-9a-f]{64}", anonymous.get_data(as_text=True))


def test_an_unsigned_letter_is_shown_as_not_yet_signed(
        web: WebEnv, make_request: Callable[..., dict[str, Any]]) -> None:
    code = web.submit(make_request())

    page = web.browser().get(f"/verifikasi/{web.verify_token(code)}")

    assert page.status_code == 200
    assert "belum ditandatangani" in text_of(page)
    assert 'id="sha256"' not in page.get_data(as_text=True)


@pytest.mark.parametrize("token", ["tidak-dikenal", "x" * 101, "%27%20OR%201%3D1--"])
def test_an_unknown_token_is_404(web: WebEnv, token: str) -> None:
    answer = web.browser().get(f"/verifikasi/{token}")

    assert answer.status_code == 404
    assert "tidak ditemukan" in text_of(answer)


def test_the_letters_qr_points_at_this_page(
        web_factory: Callable[..., WebEnv], make_request: Callable[..., dict[str, Any]]) -> None:
    env = web_factory(letters={"verify_base_url": "https://zoom.test/verifikasi"})
    code = env.submit(make_request())
    token = env.verify_token(code)
    staff = env.as_role("staf")
    assert staff.get(f"/permohonan/{code}/unduh/final").status_code == 404  # not approved yet
    env.services.letters.review(code, approve=True, note="", actor="hendra", role=Role.KABID)
    record = staff.get(f"/permohonan/{code}/unduh/final")
    assert record.headers["Content-Disposition"].endswith(
        f"{code}-surat-tanggapan-untuk-ditandatangani.docx")

    with zipfile.ZipFile(io.BytesIO(record.data)) as docx:
        text = "".join(docx.read(name).decode("utf-8", "replace") for name in docx.namelist()
                       if name.endswith(".xml"))

    assert f"https://zoom.test/verifikasi/{token}" in text  # the QR code's address
    assert "DRAF" not in text
    assert env.browser().get(f"/verifikasi/{token}").status_code == 200
    detail = staff.get(f"/permohonan/{code}").get_data(as_text=True)
    assert f"/permohonan/{code}/unduh/final" in detail


def test_the_page_carries_the_offices_header_like_every_other_page(
        signed: tuple[WebEnv, str, bytes]) -> None:
    env, code, _ = signed

    page = text_of(env.browser().get(f"/verifikasi/{env.verify_token(code)}"))

    office = env.config.agency
    assert f"{office.government} · {office.name}" in page
    assert f"· {office.name}</title>" in page
