"""The second half of moving a meeting to another Zoom account: deleting the old meeting once
the new one is on record.

A move marks the old meeting ``moving`` (still the service's, by its Zoom id on record, but no
longer the request's active meeting), then provisions the new slot the usual way (intent with an
owner tag first). Only when the request has a live meeting again is the old one deleted, so a
crash anywhere leaves either the old meeting alone, or both with the new one proven by its
marker: running provisioning again adopts the new one and deletes the old. Never none, never two
for long.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime

from zoomsvc.crashpoints import crash_point
from zoomsvc.store import Database
from zoomsvc.store import records as rec
from zoomsvc.store.statuses import MeetingStatus
from zoomsvc.workflow import Role, State
from zoomsvc.zoom import ZoomClient, ZoomError

log = logging.getLogger("zoomsvc.provisioning")
MOVING = MeetingStatus.MOVING


def finish_moves(db: Database, client: ZoomClient, clock: Callable[[], datetime],
                 code: str) -> list[int]:
    """Delete the request's old meetings left ``moving`` once its new one is live; the Zoom ids
    deleted (an old meeting Zoom no longer has counts as deleted)."""
    with db.session() as session:
        request = rec.request_by_code(session, code)
        if request is None or not any(m.status == MeetingStatus.LIVE for m in request.meetings):
            return []
        old = [(m.id, m.zoom_id, m.host) for m in request.meetings
               if m.status == MOVING and m.zoom_id is not None]
    done: list[int] = []
    for row_id, zoom_id, host in old:
        assert zoom_id is not None
        crash_point("before_move_delete")
        try:
            client.delete_meeting(zoom_id, missing_ok=True)
        except ZoomError as exc:
            # Left "moving": the next provisioning run tries again.
            log.error("request %s: old Zoom meeting %s not deleted: %s", code, zoom_id, exc)
            continue
        with db.serialized_write() as session:
            request = rec.request_by_code(session, code)
            assert request is not None
            row = next(m for m in request.meetings if m.id == row_id)
            row.status, row.deleted_at = "deleted", clock()
            state = State(request.state)
            rec.append_event(session, request, actor="zoomsvc", role=Role.SYSTEM, now=clock(),
                             note=f"rapat Zoom lama {zoom_id} di akun {host} dihapus setelah "
                             "pindah akun", from_state=state, to_state=state,
                             sop_step="perubahan")
        done.append(zoom_id)
    return done
