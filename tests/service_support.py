"""Helpers for service tests that look at the sandbox from outside, through its admin endpoints."""

from __future__ import annotations

from typing import Any

import requests

from zoomsvc.zoom.sandbox import SandboxServer


def live_sandbox_meetings(sandbox: SandboxServer) -> list[dict[str, Any]]:
    """The meetings the sandbox holds and has not deleted (read through its admin endpoint)."""
    answer = requests.get(f"{sandbox.url}/_sandbox/meetings", timeout=5)
    answer.raise_for_status()
    return [m for m in answer.json()["meetings"] if not m["deleted"]]


def set_sandbox_faults(sandbox: SandboxServer, **faults: Any) -> None:
    """Change the sandbox's fault injection (fail_next, drop_next_create, expire_tokens, ...)."""
    requests.post(f"{sandbox.url}/_sandbox/faults", json=faults, timeout=5).raise_for_status()
