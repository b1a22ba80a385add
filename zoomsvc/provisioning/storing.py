"""Storing the Zoom meeting of a request, and what happens when that fails or when the
meeting's ownership is in doubt.

Only a meeting that this run created itself and that no request has on record is ever deleted
again; a meeting on record for another request stops the run with an attention flag
(``ownership_conflict``) and leaves the request retryable with the reason in ``last_error``.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime
from typing import NoReturn

from sqlalchemy.exc import SQLAlchemyError

from zoomsvc.provisioning.outcome import ProvisioningFailed, ProvisionResult, result_of
from zoomsvc.store import Database
from zoomsvc.store import lifecycle_records as lrec
from zoomsvc.store import records as rec
from zoomsvc.store.statuses import MeetingStatus
from zoomsvc.workflow import Role, State
from zoomsvc.zoom import ZoomClient, ZoomError, ZoomMeeting

log = logging.getLogger("zoomsvc.provisioning")


class MeetingStore:
    """Records meetings for the provisioner (one per provisioner; safe across threads)."""

    def __init__(self, db: Database, client: ZoomClient, clock: Callable[[], datetime]) -> None:
        self.db = db
        self.client = client
        self.clock = clock

    def store(self, code: str, meeting: ZoomMeeting, actor: str, role: Role,
              adopted: bool) -> ProvisionResult:
        """Record ``meeting`` as the request's. ``adopted`` is False only for a meeting this run
        created itself: the only kind it may ever delete again."""
        duplicate = False
        owner: str | None = None
        try:
            with self.db.serialized_write() as session:
                request = rec.request_by_code(session, code)
                assert request is not None
                row = rec.active_meeting(session, request.id)
                assert row is not None
                other = lrec.meeting_by_zoom_id(session, meeting.id)
                if other is not None and other.id != row.id:
                    owner = other.request.code
                    result = result_of(request)
                elif row.status == MeetingStatus.LIVE:
                    # Another worker stored a meeting first (this run outlived its lease).
                    duplicate = row.zoom_id != meeting.id
                    result = result_of(request)
                else:
                    row.status, row.zoom_id = MeetingStatus.LIVE, meeting.id
                    row.zoom_uuid = meeting.uuid
                    row.passcode, row.join_url = meeting.password, meeting.join_url
                    request.last_error = None
                    note = f"rapat Zoom {meeting.id}" + (" (diadopsi)" if adopted else "")
                    rec.transition(session, request, State.SCHEDULED, actor=actor, role=role,
                                   now=self.clock(), note=note)
                    result = result_of(request)
        except SQLAlchemyError as exc:
            log.error("request %s: storing Zoom meeting %s failed: %s", code, meeting.id,
                      type(exc).__name__)
            self._undo_create(code, meeting, adopted, exc)
        if owner is not None:
            # Never deleted: the meeting is on record for another request.
            self.conflict(code, meeting.id, f"rapat Zoom {meeting.id} sudah tercatat "
                                     f"untuk permohonan {owner}; tidak diadopsi dan tidak "
                                     "dihapus, periksa sebelum menjalankan lagi")
        if duplicate and adopted:
            self.conflict(code, meeting.id, f"rapat Zoom {meeting.id} membawa penanda "
                                     "permohonan ini padahal permohonan sudah punya rapat; "
                                     "periksa dan hapus di Zoom bila tidak diperlukan")
        if duplicate:
            log.warning("request %s: deleting duplicate Zoom meeting %s", code, meeting.id)
            try:
                self.client.delete_meeting(meeting.id, missing_ok=True)
            except ZoomError as exc:
                log.error("request %s: duplicate Zoom meeting %s not deleted: %s", code,
                          meeting.id, exc)
        return result

    def _undo_create(self, code: str, meeting: ZoomMeeting, adopted: bool,
                     exc: SQLAlchemyError) -> NoReturn:
        """Storing failed: delete the meeting again only if this run created it and no other
        request has it on record (read again; unreadable means unproven, so it stays)."""
        try:
            with self.db.session() as session:
                on_record = lrec.meeting_by_zoom_id(session, meeting.id) is not None
        except SQLAlchemyError:
            on_record = True
        if adopted or on_record:
            raise ProvisioningFailed(code, f"rapat {meeting.id} gagal disimpan "
                                     f"({type(exc).__name__}) dan dibiarkan di Zoom; "
                                     "jalankan lagi untuk mengadopsinya bila ia milik "
                                     "permohonan ini") from exc
        try:
            self.client.delete_meeting(meeting.id, missing_ok=True)
        except ZoomError:
            raise ProvisioningFailed(code, f"rapat {meeting.id} dibuat di Zoom tetapi gagal "
                                     "disimpan dan tidak dapat dihapus; ia membawa penanda "
                                     f"{code}, sehingga menjalankan ulang atau 'zoomsvc "
                                     "reconcile' akan mengadopsinya") from exc
        raise ProvisioningFailed(code, f"rapat gagal disimpan ({type(exc).__name__}); "
                                 "rapat di Zoom sudah dihapus kembali, silakan coba lagi"
                                 ) from exc

    def conflict(self, code: str, zoom_id: int | None, message: str) -> NoReturn:
        """Stop: the request stays retryable with ``message``, and staff get a flag."""
        log.error("request %s: ownership of Zoom meeting %s in doubt", code, zoom_id or "-")
        with self.db.serialized_write() as session:
            request = rec.request_by_code(session, code)
            if request is not None:
                request.last_error = message
                lrec.raise_attention(session, kind="ownership_conflict",
                                     subject=f"request:{request.id}", detail=message,
                                     now=self.clock(), request_id=request.id, zoom_id=zoom_id)
        raise ProvisioningFailed(code, message)
