"""The cleanup job: delete the service's meetings from Zoom once they are over (end + grace) or
their request was cancelled, and settle every request whose time has passed.

Why it is safe to kill and run again: each meeting is first deleted on Zoom and then, in one
transaction, marked ``deleted`` with its audit event. A run killed in between finds the meeting
still ``live``, deletes it again, gets Zoom's 404 (counted as already gone) and records it. So
Zoom sees one successful DELETE per meeting, and no meeting is left behind.

Only meetings on record as the service's own are deleted, by the Zoom id stored when the service
created or adopted them; nothing is ever found by its text. A meeting that is running is never
cut off: one that Zoom's webhooks said started and not yet ended is skipped, and just before
each DELETE the meeting is asked for (GET, Light) and skipped while its ``status`` is
``started``; a 404 on that GET means already gone. Skipped meetings are retried by a later run.
The client paces every call under the Light limit; a few worker threads keep it busy despite
Zoom's latency. Records and letters are never deleted.
"""

from __future__ import annotations

import json
import logging
import threading
from collections.abc import Callable, Iterator
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from dataclasses import asdict, dataclass, field
from datetime import datetime, timedelta

from sqlalchemy.exc import SQLAlchemyError

from zoomsvc.clock import utc_now
from zoomsvc.lifecycle.drift import mark_deleted, note_event, settle_request, shown_id
from zoomsvc.lifecycle.lock import LIFECYCLE_JOB, LOCK_TTL, JobLock, LockLost
from zoomsvc.provisioning.service import INTENT_LEASE
from zoomsvc.store import Database
from zoomsvc.store import lifecycle_records as lrec
from zoomsvc.store import records as rec
from zoomsvc.store.statuses import MeetingStatus
from zoomsvc.workflow import State
from zoomsvc.zoom import ZoomAuthError, ZoomClient, ZoomError, ZoomNotFound

log = logging.getLogger("zoomsvc.lifecycle.cleanup")
DEFAULT_GRACE = timedelta(hours=2)
DEFAULT_WORKERS = 4
ACTOR = "sistem:pembersihan"
# Zoom's (old, unconfirmed) code for "cannot delete a meeting that is running".
MEETING_RUNNING = 3002
# A "started" webhook without its "ended" stops the cleanup until this long after the planned
# end (Zoom limits a meeting's length to about a day); after that, Zoom's own status decides,
# so that one lost "ended" event does not keep a meeting and its request open for ever.
STARTED_TRUST = timedelta(hours=24)
RUNNING = "rapat masih berlangsung di Zoom; dicoba lagi nanti"


@dataclass
class CleanupSummary:
    """The counts of one run, printed as the command's final JSON line."""

    checked: int = 0
    deleted: int = 0
    already_gone: int = 0
    failed: int = 0
    skipped: int = 0

    def as_dict(self) -> dict[str, int]:
        """The JSON object of the final line."""
        return asdict(self)


@dataclass(frozen=True)
class Target:
    """A live meeting to delete from Zoom; ``over`` is False when it goes because of a cancel."""

    meeting_id: int
    zoom_id: int
    code: str
    over: bool


@dataclass(frozen=True)
class ItemResult:
    """What happened to one meeting or request: ``deleted``, ``already_gone``, ``failed``,
    ``skipped``, or the new state of a settled request (``done``, ``expired``, ``kept``)."""

    code: str
    zoom_id: int | None
    outcome: str
    reason: str = ""
    abort: bool = False


@dataclass(frozen=True)
class Plan:
    """What a run will do: meetings to delete, then requests to settle (by code)."""

    meetings: list[Target] = field(default_factory=list)
    requests: list[str] = field(default_factory=list)

    def __len__(self) -> int:
        return len(self.meetings) + len(self.requests)


class Cleaner:
    """Runs the cleanup; one runner at a time across hosts (the ``lifecycle`` job lock)."""

    def __init__(self, db: Database, client: ZoomClient, *,
                 clock: Callable[[], datetime] = utc_now, grace: timedelta = DEFAULT_GRACE,
                 workers: int = DEFAULT_WORKERS, lock_ttl: timedelta = LOCK_TTL) -> None:
        self.db = db
        self.client = client
        self.clock = clock
        self.grace = grace
        self.workers = max(1, workers)
        self.lock_ttl = lock_ttl
        self.summary = CleanupSummary()  # of the current or last run, also when it stopped

    def plan(self, limit: int | None = None) -> Plan:
        """The meetings (at most ``limit``) and requests a run would handle now; changes nothing."""
        cutoff = self.clock() - self.grace
        with self.db.session() as session:
            meetings = [Target(m.id, int(m.zoom_id or 0), r.code, m.end_at <= cutoff)
                        for m, r in lrec.expired_meetings(session, cutoff, limit)]
            requests = [r.code for r in lrec.overdue_requests(session, cutoff)]
            requests += [r.code for r in lrec.finished_with_intents(session)]
        return Plan(meetings, requests)

    def run(self, *, limit: int | None = None, on_plan: Callable[[Plan], None] | None = None,
            on_item: Callable[[ItemResult], None] | None = None) -> CleanupSummary:
        """Take the lock, delete what is due, settle overdue requests; returns the counts.

        Raises :class:`~zoomsvc.lifecycle.lock.LockBusy` when another runner holds the lock.
        """
        self.summary = summary = CleanupSummary()
        with JobLock(self.db, LIFECYCLE_JOB, self.clock, ttl=self.lock_ttl) as lock:
            plan = self.plan(limit)
            if on_plan is not None:
                on_plan(plan)
            aborted = False
            for result in self._delete_all(plan.meetings, lock):
                aborted = aborted or result.abort
                self._count(summary, result, on_item)
            if not aborted:
                for code in plan.requests:
                    lock.heartbeat()
                    self._count(summary, self._settle(code), on_item)
            lock.result = json.dumps(summary.as_dict())
        return summary

    def _count(self, summary: CleanupSummary, result: ItemResult,
               on_item: Callable[[ItemResult], None] | None) -> None:
        summary.checked += 1
        if result.outcome in ("deleted", "already_gone", "failed", "skipped"):
            setattr(summary, result.outcome, getattr(summary, result.outcome) + 1)
        if result.outcome == "failed":
            log.error("cleanup %s (rapat Zoom %s) gagal: %s", result.code,
                      result.zoom_id or "-", result.reason)
        else:
            log.info("cleanup %s (rapat Zoom %s): %s %s", result.code, result.zoom_id or "-",
                     result.outcome, result.reason)
        if on_item is not None:
            on_item(result)

    def _delete_all(self, targets: list[Target], lock: JobLock) -> Iterator[ItemResult]:
        """Delete in a few threads (the client's pacer keeps them under Zoom's limit), with
        only a small window in flight so that a stop takes effect quickly."""
        stop = threading.Event()
        lost: LockLost | None = None
        queue = iter(targets)
        with ThreadPoolExecutor(self.workers, thread_name_prefix="zoomsvc-cleanup") as pool:
            pending: set[Future[ItemResult]] = set()

            def fill() -> None:
                while len(pending) < self.workers and not stop.is_set():
                    target = next(queue, None)
                    if target is None:
                        return
                    pending.add(pool.submit(self._delete_one, target))

            fill()
            while pending:
                finished, _ = wait(pending, return_when=FIRST_COMPLETED)
                for future in finished:
                    pending.discard(future)
                    result = future.result()
                    if result.abort:
                        stop.set()
                    yield result
                try:
                    lock.heartbeat()
                except LockLost as exc:
                    # What is in flight finishes (each item is safe on its own); nothing new.
                    stop.set()
                    lost = exc
                fill()
        if lost is not None:
            raise lost

    def _delete_one(self, target: Target) -> ItemResult:
        why_not = self._why_not_due(target)
        if why_not:
            return ItemResult(target.code, target.zoom_id, "skipped", why_not)
        try:
            try:
                running = self.client.get_meeting(target.zoom_id).status == "started"
            except ZoomNotFound:
                existed = running = False
            else:
                existed = not running and self.client.delete_meeting(target.zoom_id,
                                                                     missing_ok=True)
        except ZoomError as exc:
            if exc.code == MEETING_RUNNING:
                return ItemResult(target.code, target.zoom_id, "skipped", RUNNING)
            return ItemResult(target.code, target.zoom_id, "failed", str(exc),
                              abort=isinstance(exc, ZoomAuthError))
        if running:
            return ItemResult(target.code, target.zoom_id, "skipped", RUNNING)
        outcome = "deleted" if existed else "already_gone"
        try:
            self._record(target, outcome)
        except SQLAlchemyError as exc:
            return ItemResult(target.code, target.zoom_id, "failed",
                              f"sudah dihapus di Zoom tetapi gagal dicatat ({type(exc).__name__});"
                              " jalankan lagi")
        return ItemResult(target.code, target.zoom_id, outcome)

    def _why_not_due(self, target: Target) -> str:
        """Re-read the meeting just before Zoom is asked: a webhook may have moved it or said
        it started meanwhile. Empty when it is still due."""
        now = self.clock()
        with self.db.session() as session:
            meeting = rec.meeting_by_id(session, target.meeting_id)
            if (meeting is None or meeting.status != MeetingStatus.LIVE
                    or meeting.zoom_id != target.zoom_id):
                return "berubah sejak direncanakan (dipindah atau sudah dicatat)"
            if not (meeting.end_at <= now - self.grace
                    or meeting.request.state == State.CANCELLED.value):
                return "berubah sejak direncanakan (dipindah atau sudah dicatat)"
            sync = lrec.last_zoom_report(session, meeting.id)
            if (sync is not None and sync.zoom_status == "started"
                    and now < meeting.end_at + STARTED_TRUST):
                return "Zoom mengabarkan rapat dimulai dan belum berakhir; dicoba lagi nanti"
            return ""

    def _record(self, target: Target, outcome: str) -> None:
        now = self.clock()
        with self.db.serialized_write() as session:
            meeting = rec.meeting_by_id(session, target.meeting_id)
            if meeting is None:
                return
            over = meeting.end_at <= now - self.grace
            gone = "sudah tidak ada di Zoom" if outcome == "already_gone" else "dihapus dari Zoom"
            why = "setelah rapat selesai" if over else "karena permohonan dibatalkan"
            note = f"rapat Zoom {shown_id(meeting.zoom_id)} {gone} {why}"
            if meeting.status == MeetingStatus.DELETED:
                # A webhook recorded the deletion first; settle the request if still open.
                if over and meeting.request.state in lrec.UNSETTLED_STATES:
                    settle_request(session, meeting.request, actor=ACTOR, now=now, note=note)
                return
            mark_deleted(session, meeting, actor=ACTOR, now=now, note=note, over=over)

    def _settle(self, code: str) -> ItemResult:
        """A request whose time passed without a live meeting: done when sent, else expired.
        A finished request only gives back the intent it still holds."""
        now = self.clock()
        with self.db.serialized_write() as session:
            request = rec.request_by_code(session, code)
            if request is None:
                return ItemResult(code, None, "skipped", "tidak ditemukan")
            intents = lrec.intents_of(session, request.id)
            due = (request.state in lrec.UNSETTLED_STATES
                   and request.end_at <= now - self.grace)
            if not due and not (intents and request.state in lrec.FINISHED_STATES):
                return ItemResult(code, None, "skipped", "sudah diselesaikan proses lain")
            active = rec.active_meeting(session, request.id)
            if active is not None and active.status == MeetingStatus.LIVE:
                return ItemResult(code, None, "skipped", "punya rapat aktif")
            if any(request.last_error is None and now - i.created_at < INTENT_LEASE
                   for i in intents):
                return ItemResult(code, None, "skipped", "sedang diproses (provisioning)")
            for intent in intents:
                session.delete(intent)  # a reservation nobody will use any more
            released = " (reservasi akun yang tertinggal dilepas)" if intents else ""
            if not due:
                note_event(session, request, actor=ACTOR, now=now, step="pembersihan",
                           note="reservasi akun yang tertinggal dilepas")
                return ItemResult(code, None, "kept")
            state = settle_request(session, request, actor=ACTOR, now=now,
                                   note=f"waktu rapat sudah lewat{released}")
        return ItemResult(code, None, state.value if state else "kept")
