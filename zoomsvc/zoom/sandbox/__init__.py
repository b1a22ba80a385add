"""A local development/test stand-in for Zoom's REST API (it is not Zoom).

It answers like Zoom as docs/zoom-facts.md describes: Server-to-Server OAuth tokens that
expire, meeting and user endpoints with Zoom's status codes and error bodies (including the XML
one), per-second and per-host daily rate limits, and injectable faults for tests and benchmarks.
"""

from __future__ import annotations

from zoomsvc.zoom.sandbox.app import create_sandbox_app
from zoomsvc.zoom.sandbox.options import SandboxOptions, SandboxUser, default_users
from zoomsvc.zoom.sandbox.server import SandboxServer, run_sandbox
from zoomsvc.zoom.sandbox.state import SandboxState

__all__ = [
    "SandboxOptions",
    "SandboxServer",
    "SandboxState",
    "SandboxUser",
    "create_sandbox_app",
    "default_users",
    "run_sandbox",
]
