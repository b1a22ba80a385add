"""Named places where a test can make this process die as if killed (``kill -9``).

The proof that nothing is lost or doubled when a worker dies mid-way needs deaths at exact
places: before the Zoom call, after Zoom created the meeting but before the database knew, after
the commit but before the letter. Setting ``ZOOMSVC_CRASH_AT`` to one of :data:`POINTS` makes
the process SIGKILL itself there; unset (always, in production) it costs one dictionary lookup.
"""

from __future__ import annotations

import os
import signal

ENV = "ZOOMSVC_CRASH_AT"
POINTS = frozenset({"before_zoom", "after_zoom", "after_commit", "before_move_delete"})


def crash_point(name: str) -> None:
    """Die here, at once and without cleanup, when the environment asks for it."""
    if name not in POINTS:
        raise ValueError(f"unknown crash point {name!r}")
    if os.environ.get(ENV) == name:
        os.kill(os.getpid(), signal.SIGKILL)
