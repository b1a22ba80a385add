"""End to end in a real browser: staff move a meeting to a new time and cancel another, the
agency asks for a change and picks an alternative itself, and each role opens its "Tugas saya".

Uses the browser set-up of tests/test_web_e2e.py (the system's Chromium through Playwright);
skipped, like it, when either is missing.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
import test_web_e2e
from test_web_e2e import Live, Person

from zoomsvc.workflow import Role

live, chromium = test_web_e2e.live, test_web_e2e.chromium  # fixtures
pytestmark = pytest.mark.uses_db


def confirming(person: Person) -> Person:
    """Answer "OK" to every confirmation the page asks (data-confirm buttons)."""
    person.page.on("dialog", lambda dialog: dialog.accept())
    return person


def test_reschedule_cancel_alternative_and_every_inbox(
        chromium: Any, live: Live, make_request: Callable[..., dict[str, Any]]) -> None:
    env = live.env
    moved = env.submit(make_request(topic="Rapat Evaluasi Gizi", start="2026-11-27T09:00",
                                    end="2026-11-27T10:00"))
    dropped = env.submit(make_request(topic="Rapat yang Ditiadakan", start="2026-11-27T13:00",
                                      end="2026-11-27T14:00"))
    for _ in range(4):
        env.submit(make_request(start="2026-11-30T09:00", end="2026-11-30T12:00"))
    full = env.submit(make_request(topic="Rapat Penuh", start="2026-11-30T09:00",
                                   end="2026-11-30T12:00"))
    env.services.letters.review(moved, approve=False, note="Perbaiki acara", actor="hendra",
                                role=Role.KABID)

    # The agency asks for a new time, and picks an alternative for the full request itself.
    opd = confirming(Person(chromium, live))
    page = opd.sign_in("opd")
    page.click("nav >> text=Tugas saya")
    assert "Penuh — menunggu pilihan OPD" in page.locator("main").inner_text()
    live.shot(page, "inbox-opd")
    opd.open(f"/permohonan/{moved}")
    page.select_option("select[name=kind]", "ubah")
    page.fill("textarea[name=note]", "Mohon dipindah ke pukul 13.00")
    page.click("button:has-text('Kirim permintaan ke petugas')")
    assert "Permintaan terkirim" in opd.flash()
    opd.open(f"/permohonan/{full}")
    page.click("button:has-text('Pilih waktu ini') >> nth=0")
    assert "dipilih; rapat Zoom sudah dipesan" in opd.flash()

    # Staff see the ask and the return in their inbox, then move the meeting and cancel one.
    staff = confirming(Person(chromium, live, viewport={"width": 1280, "height": 900}))
    page = staff.sign_in("staf")
    page.click("nav >> text=Tugas saya")
    text = page.locator("main").inner_text()
    assert "Mohon dipindah ke pukul 13.00" in text
    assert "Dikembalikan Kabid" in text
    live.shot(page, "inbox-staf")
    page.click(f"text={moved} >> nth=0")
    page.click("summary:has-text('Ubah jadwal')")
    page.fill("input[name=day]", "2026-11-27")
    page.fill("input[name=start]", "13:30")
    page.fill("input[name=end]", "14:30")
    page.fill("form[action$='/jadwal-baru'] input[name=reason]", "Permintaan OPD")
    page.click("button:has-text('Simpan jadwal baru')")
    assert "Jadwal diubah" in staff.flash()
    live.shot(page, "request-rescheduled")
    staff.open(f"/permohonan/{dropped}")
    page.click("summary:has-text('Batalkan permohonan')")
    page.fill("form[action$='/batalkan'] input[name=reason]", "Kegiatan ditiadakan")
    page.click("button:has-text('Batalkan permohonan')")
    assert "Permohonan dibatalkan" in staff.flash()
    assert "Dibatalkan" in page.locator("h1").inner_text()
    assert env.state_of(dropped) == "cancelled"

    # The Kabid and the Kadis each find their own work.
    kabid = Person(chromium, live)
    page = kabid.sign_in("kabid")
    page.click("nav >> text=Tugas saya")
    assert moved in page.locator("main").inner_text()  # re-rendered: back to the Kabid
    kadis = Person(chromium, live)
    page = kadis.sign_in("kadis")
    page.click("nav >> text=Tugas saya")
    assert "Menunggu tanda tangan" in page.locator("main").inner_text()
    for person in (opd, staff, kabid, kadis):
        person.close()
