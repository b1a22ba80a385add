"""Provisioning against the sandbox: the happy path and idempotency (failure cases live in
test_provisioning_failures.py)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from service_support import live_sandbox_meetings

from zoomsvc.marker import read_marker
from zoomsvc.provisioning import Provisioner
from zoomsvc.zoom.sandbox import SandboxServer


def test_an_approved_request_gets_a_meeting_on_zoom_and_in_the_database(
        provisioner: Provisioner, sandbox: SandboxServer,
        make_request: Callable[..., dict[str, Any]]) -> None:
    result = provisioner.submit(make_request())
    assert result.outcome == "scheduled"
    assert result.meeting is not None
    live = live_sandbox_meetings(sandbox)
    assert [m["id"] for m in live] == [result.meeting.zoom_id]
    assert result.meeting.passcode == live[0]["password"]
    marker = read_marker(live[0]["agenda"])
    assert marker is not None
    assert marker.code == result.code


def test_the_same_letter_typed_differently_is_one_request_and_one_meeting(
        provisioner: Provisioner, sandbox: SandboxServer,
        make_request: Callable[..., dict[str, Any]]) -> None:
    first = provisioner.submit(make_request(letter_number="440/101/DINKES/2026"))
    assert first.created
    for typed in ("440/101/dinkes/2026", "440/\u200b101/DINKES/2026",
                  "\uff14\uff14\uff10/\uff11\uff10\uff11/DINKES/2026", "440 / 101 / DINKES / 2026",
                  " 440/101/Dinkes/2026\u00a0"):
        again = provisioner.submit(make_request(letter_number=typed))
        assert (again.code, again.created) == (first.code, False), typed
    assert len(live_sandbox_meetings(sandbox)) == 1
    other_agency = provisioner.submit(make_request(letter_number="440/101/DINKES/2026",
                                                   agency="Dinas Pendidikan",
                                                   start="2026-11-25T09:00",
                                                   end="2026-11-25T12:00"))
    assert other_agency.created
