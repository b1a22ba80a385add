"""A meeting deleted in Zoom outside the service is made again from the request's page ("Buat
ulang rapat"): a new meeting with the service's marker, the letter drafted again, an audit
event; the Kabid cannot approve a draft whose meeting is gone."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import pytest
from service_support import live_sandbox_meetings
from sqlalchemy import select
from web_support import Browser, WebEnv, text_of
from werkzeug.test import TestResponse

from zoomsvc.letters.service import LetterRefused
from zoomsvc.lifecycle import Reconciler
from zoomsvc.marker import read_marker
from zoomsvc.store.models import AuditEvent, Meeting
from zoomsvc.workflow import Role

pytestmark = pytest.mark.uses_db


def deleted_outside(env: WebEnv, make_request: Callable[..., dict[str, Any]],
                    **overrides: Any) -> tuple[str, int]:
    """A drafted request whose meeting someone deleted in Zoom, as reconcile found it."""
    code = env.submit(make_request(**overrides))
    old = zoom_ids(env, code, "live")[0]
    env.services.client.delete_meeting(old)
    Reconciler(env.config, env.services.db, env.services.client, clock=env.clock).run(None)
    assert zoom_ids(env, code, "gone_outside") == [old]
    return code, old


def zoom_ids(env: WebEnv, code: str, status: str) -> list[int]:
    with env.services.db.session() as session:
        return [m.zoom_id for m in session.scalars(select(Meeting).where(
            Meeting.marker == code, Meeting.status == status)) if m.zoom_id is not None]


def flashes(response: TestResponse) -> list[str]:
    return [re.sub(r"\s+", " ", m).strip() for m in re.findall(
        r'<div class="flash[^"]*" role="status">(.*?)</div>', text_of(response), re.S)]


def press(browser: Browser, code: str) -> TestResponse:
    answer = browser.post(f"/permohonan/{code}/buat-ulang", form_page=f"/permohonan/{code}")
    assert answer.status_code == 302
    return browser.get(answer.headers["Location"])


def test_staff_make_the_deleted_meeting_again_in_the_same_slot(
        web: WebEnv, make_request: Callable[..., dict[str, Any]]) -> None:
    code, old = deleted_outside(web, make_request)
    staff = web.as_role("staf")
    assert "Buat ulang rapat" in text_of(staff.get(f"/permohonan/{code}"))

    page = press(staff, code)

    assert "Rapat Zoom dibuat ulang dan draf surat disusun ulang." in flashes(page)
    assert web.state_of(code) == "draft_ready"
    [new] = zoom_ids(web, code, "live")
    assert new != old
    [in_zoom] = [m for m in live_sandbox_meetings(web.sandbox) if m["id"] == new]
    marker = read_marker(in_zoom["agenda"])
    assert marker is not None
    assert marker.code == code
    letter = web.services.letters.current(code)
    assert letter is not None
    assert letter.status == "draft"
    with web.services.db.session() as session:
        notes = list(session.scalars(select(AuditEvent.note)))
    assert any(f"rapat dibuat ulang: rapat Zoom {old}" in note for note in notes)
    assert "Buat ulang rapat" not in text_of(staff.get(f"/permohonan/{code}"))


def test_pressing_twice_makes_one_meeting(
        web: WebEnv, make_request: Callable[..., dict[str, Any]]) -> None:
    code, _ = deleted_outside(web, make_request)
    staff = web.as_role("staf")
    press(staff, code)

    again = press(staff, code)

    assert any("tidak ada yang perlu dibuat ulang" in m for m in flashes(again))
    assert len(zoom_ids(web, code, "live")) == 1
    markers = [read_marker(m.get("agenda") or "") for m in live_sandbox_meetings(web.sandbox)]
    assert [m.code for m in markers if m is not None].count(code) == 1


def test_a_taken_slot_gives_alternatives_and_the_full_letter(
        web: WebEnv, make_request: Callable[..., dict[str, Any]]) -> None:
    code, _ = deleted_outside(web, make_request, participants=150)
    for _ in range(4):  # every licensed host's every slot of that morning
        web.submit(make_request(participants=150,
                                letter_number=f"440/{_ + 10}/DINKES/2026"))

    page = press(web.as_role("staf"), code)

    assert any("jadwal penuh" in m for m in flashes(page))
    assert web.state_of(code) == "draft_ready"
    letter = web.services.letters.current(code)
    assert letter is not None
    assert letter.kind == "full"
    assert "Gunakan waktu ini" in text_of(page)


def test_the_kabid_cannot_approve_while_the_meeting_is_gone(
        web: WebEnv, make_request: Callable[..., dict[str, Any]]) -> None:
    code, _ = deleted_outside(web, make_request)
    kabid = web.as_role("kabid")

    page = text_of(kabid.get(f"/permohonan/{code}"))
    refused = kabid.post(f"/permohonan/{code}/periksa", {"keputusan": "setuju"},
                         form_page=f"/permohonan/{code}")

    assert "Paraf (setujui)" not in page
    assert any("staf perlu membuat ulang rapatnya" in m
               for m in flashes(kabid.get(refused.headers["Location"])))
    assert web.state_of(code) == "draft_ready"
    with pytest.raises(LetterRefused, match="sudah dihapus di Zoom"):
        web.services.letters.review(code, approve=True, note="", actor="hendra",
                                    role=Role.KABID)


def test_a_signed_letter_is_not_drawn_again(
        web: WebEnv, make_request: Callable[..., dict[str, Any]]) -> None:
    code = web.submit(make_request())
    web.to_signed(code)
    [old] = zoom_ids(web, code, "live")
    web.services.client.delete_meeting(old)
    Reconciler(web.config, web.services.db, web.services.client, clock=web.clock).run(None)

    page = press(web.as_role("staf"), code)

    assert any("sudah ditandatangani" in m for m in flashes(page))
    assert web.state_of(code) == "signed"
    assert zoom_ids(web, code, "live") == []
