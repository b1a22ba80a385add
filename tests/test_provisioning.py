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
