"""The reconcile job: compare the service's records with Zoom and repair the drift.

Per host: one list of upcoming meetings (Medium), then a GET (Light) only for what the list
does not explain. It finds meetings deleted or changed outside the service, meetings carrying a
request marker the service does not know (adopted when the request is waiting for exactly that
meeting, reported otherwise), and intents left by a crash (adopted by their marker, or released
once their lease has run out and Zoom has nothing). A host whose list cannot be read is skipped:
an absence that was not seen is never taken for a deletion. Safe to run any time; a second run
changes nothing.
"""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Callable
from dataclasses import asdict, dataclass
from datetime import datetime, timedelta

from zoomsvc.config import Config
from zoomsvc.lifecycle.drift import (
    PoolFacts,
    flag_clash,
    mark_gone_outside,
    note_event,
    record_change,
    shown_id,
)
from zoomsvc.lifecycle.lock import LIFECYCLE_JOB, LOCK_TTL, JobLock
from zoomsvc.provisioning.service import INTENT_LEASE, utc_now
from zoomsvc.store import Database
from zoomsvc.store import lifecycle_records as lrec
from zoomsvc.store import records as rec
from zoomsvc.store.models import Meeting
from zoomsvc.workflow import Role, State
from zoomsvc.zoom import ZoomClient, ZoomError, ZoomMeeting, ZoomNotFound

log = logging.getLogger("zoomsvc.lifecycle.reconcile")
ACTOR = "sistem:rekonsiliasi"
MARKER = re.compile(r"\[(ZM-\d{4}-\d{4,})\]")


@dataclass(frozen=True)
class Change:
    """One thing reconcile changed (``gone_outside``, ``deleted``, ``updated``, ``adopted``,
    ``released``) or reports without changing (``report``, ``pending``)."""

    action: str
    request: str | None
    zoom_id: int | None
    detail: str

    def as_dict(self) -> dict[str, object]:
        """One JSON line of the command's output."""
        return asdict(self)


@dataclass
class ReconcileSummary:
    """The counts of one run (the command's final JSON line)."""

    checked: int = 0
    changed: int = 0
    reported: int = 0
    failed: int = 0

    def as_dict(self) -> dict[str, int]:
        """The JSON object of the final line."""
        return asdict(self)


class Reconciler:
    """Runs reconcile under the ``lifecycle`` job lock (never together with the cleanup)."""

    def __init__(self, config: Config, db: Database, client: ZoomClient, *,
                 clock: Callable[[], datetime] = utc_now, lock_ttl: timedelta = LOCK_TTL) -> None:
        self.db = db
        self.client = client
        self.clock = clock
        self.lock_ttl = lock_ttl
        self.facts = PoolFacts.from_config(config)
        self.pool = [h.user for h in config.zoom.hosts]
        self._emit: Callable[[Change], None] = lambda change: None
        self.summary = ReconcileSummary()

    def run(self, host: str | None = None,
            on_change: Callable[[Change], None] | None = None) -> ReconcileSummary:
        """Reconcile every host of the pool (and of the records), or just ``host``."""
        self.summary = ReconcileSummary()
        self._emit = on_change or (lambda change: None)
        with JobLock(self.db, LIFECYCLE_JOB, self.clock, ttl=self.lock_ttl) as lock:
            for name in [host] if host else self._hosts():
                lock.heartbeat()
                self._host(name)
            lock.result = json.dumps(self.summary.as_dict())
        return self.summary

    def _hosts(self) -> list[str]:
        with self.db.session() as session:
            rows = lrec.live_meetings(session) + lrec.pending_intents(session)
        hosts = {h.lower(): h for h in [*self.pool, *(m.host for m in rows)]}
        return sorted(hosts.values(), key=str.lower)

    def _change(self, change: Change) -> None:
        if change.action in ("report", "pending"):
            self.summary.reported += 1
        else:
            self.summary.changed += 1
        log.info("reconcile %s %s %s: %s", change.action, change.request, change.zoom_id,
                 change.detail)
        self._emit(change)

    def _fail(self, what: str, exc: ZoomError) -> None:
        self.summary.failed += 1
        log.error("reconcile: %s gagal: %s", what, exc)

    def _host(self, host: str) -> None:
        try:
            listing = self.client.list_upcoming(host)
        except ZoomError as exc:
            self._fail(f"daftar rapat {host}", exc)
            return
        listed = {m.id: m for m in listing}
        now = self.clock()
        with self.db.session() as session:
            # Meetings already over are the cleanup's; a running one is only checked for
            # existence (Zoom may show its actual start rather than the scheduled one).
            ours = [(m.id, int(m.zoom_id or 0), m.start_at <= now)
                    for m in lrec.live_meetings(session, host) if m.end_at > now]
            intents = [(m.id, m.marker) for m in lrec.pending_intents(session, host)]
            known = rec.known_zoom_ids(session, listed)
        for meeting_id, zoom_id, running in ours:
            self.summary.checked += 1
            found = listed.get(zoom_id)
            if found is None:
                try:
                    found = self.client.get_meeting(zoom_id)
                except ZoomNotFound:
                    self._gone(meeting_id)
                    continue
                except ZoomError as exc:
                    self._fail(f"rapat Zoom {zoom_id}", exc)
                    continue
            if not running:
                self._compare(meeting_id, found)
        resolved: set[str] = set()
        for item in listing:
            if item.id in known:
                continue
            code = self._marker_of(item)
            if code is not None:
                self.summary.checked += 1
                resolved.add(code)
                self._marker(code, item, host)
        for intent_id, marker in intents:
            if marker not in resolved:
                self.summary.checked += 1
                self._intent(intent_id)

    def _marker_of(self, item: ZoomMeeting) -> str | None:
        agenda = item.agenda
        if not agenda:  # list answers do not always carry the agenda
            try:
                agenda = self.client.get_meeting(item.id).agenda
            except ZoomError as exc:
                self._fail(f"agenda rapat Zoom {item.id}", exc)
                return None
        match = MARKER.search(agenda)
        return match.group(1) if match else None

    def _gone(self, meeting_id: int) -> None:
        now = self.clock()
        with self.db.allocation() as session:
            meeting = session.get(Meeting, meeting_id)
            if meeting is None or not mark_gone_outside(
                    session, meeting, actor=ACTOR, now=now, at=now, operator="",
                    facts=self.facts):
                return
            change = Change(meeting.status, meeting.request.code, meeting.zoom_id,
                            "tidak ada lagi di Zoom")
        self._change(change)

    def _compare(self, meeting_id: int, found: ZoomMeeting) -> None:
        now = self.clock()
        with self.db.allocation() as session:
            meeting = session.get(Meeting, meeting_id)
            if meeting is None or meeting.status != "live":
                return
            changes = record_change(session, meeting, actor=ACTOR, now=now, facts=self.facts,
                                    start=found.start_time, duration_minutes=found.duration or None,
                                    topic=found.topic or None)
            change = Change("updated", meeting.request.code, meeting.zoom_id, "; ".join(changes))
        if changes:
            self._change(change)

    def _marker(self, code: str, item: ZoomMeeting, host: str) -> None:
        """A meeting on Zoom carries ``code`` but is not on record: adopt it or report it."""
        verdict = self._marker_verdict(code)
        if verdict != "adopt":
            self._report(code, item, verdict)
            return
        try:
            full = self.client.get_meeting(item.id)  # the list lacks the passcode
        except ZoomError as exc:
            self._fail(f"rapat Zoom {item.id}", exc)
            return
        now = self.clock()
        with self.db.allocation() as session:
            request = rec.request_by_code(session, code)
            if request is None or self._marker_verdict(code) != "adopt":
                return  # changed meanwhile: the next run looks again
            row = rec.active_meeting(session, request.id)
            if row is None:  # the intent was released (or dropped) before the meeting was seen
                row = Meeting(request_id=request.id, marker=code, host=host, status="live",
                              start_at=request.start_at, end_at=request.end_at, created_at=now)
                session.add(row)
            row.status, row.host, row.zoom_id, row.zoom_uuid = "live", host, full.id, full.uuid
            row.passcode, row.join_url = full.password, full.join_url
            if full.start_time is not None and full.duration > 0:
                row.start_at = full.start_time
                row.end_at = full.start_time + timedelta(minutes=full.duration)
            request.last_error = None
            session.flush()
            note = f"rapat Zoom {shown_id(full.id)} (diadopsi oleh rekonsiliasi)"
            if request.state == State.SCHEDULING.value:
                rec.transition(session, request, State.SCHEDULED, actor=ACTOR, role=Role.SYSTEM,
                               now=now, note=note)
            else:
                note_event(session, request, actor=ACTOR, now=now, note=note, step="5")
            flag_clash(session, row, actor=ACTOR, now=now, facts=self.facts)
        self._change(Change("adopted", code, full.id, f"rapat ditemukan lewat penanda di {host}"))

    def _marker_verdict(self, code: str) -> str:
        """``adopt`` when the request waits for this meeting; else why it is only reported."""
        now = self.clock()
        with self.db.session() as session:
            request = rec.request_by_code(session, code)
            if request is None:
                return "permohonan tidak dikenal"
            row = rec.active_meeting(session, request.id)
            if row is not None and row.status == "live":
                return f"permohonan sudah punya rapat {shown_id(row.zoom_id)} (rapat ganda)"
            if row is not None:
                in_lease = request.last_error is None and now - row.created_at < INTENT_LEASE
                return "pending" if in_lease else "adopt"
            if request.state == State.SCHEDULING.value:
                return "adopt"
            return f"permohonan berstatus {request.state}"

    def _report(self, code: str, item: ZoomMeeting, why: str) -> None:
        if why == "pending":
            self._change(Change("pending", code, item.id, "pembuatan rapat sedang berjalan"))
            return
        now = self.clock()
        detail = (f"Rapat Zoom {shown_id(item.id)} membawa penanda [{code}] tetapi tidak "
                  f"tercatat: {why}. Periksa dan hapus di Zoom bila tidak diperlukan.")
        with self.db.allocation() as session:
            request = rec.request_by_code(session, code)
            lrec.raise_attention(session, kind="marker_unknown", subject=f"zoom:{item.id}",
                                 detail=detail, now=now, zoom_id=item.id,
                                 request_id=request.id if request else None)
        self._change(Change("report", code, item.id, why))

    def _intent(self, intent_id: int) -> None:
        """An intent whose marker Zoom does not have: release it once its lease ran out."""
        now = self.clock()
        with self.db.allocation() as session:
            intent = session.get(Meeting, intent_id)
            if intent is None or intent.status != "intent":
                return
            request = intent.request
            if request.last_error is None and now - intent.created_at < INTENT_LEASE:
                change = Change("pending", request.code, None, "pembuatan rapat sedang berjalan")
            else:
                session.delete(intent)
                request.last_error = ("reservasi akun dilepas oleh rekonsiliasi: Zoom tidak "
                                      f"punya rapat berpenanda [{request.code}]; jalankan "
                                      "provisioning lagi")
                note_event(session, request, actor=ACTOR, now=now, step="4",
                           note=f"reservasi akun {intent.host} dilepas (tidak ada di Zoom)")
                if request.state == State.SCHEDULING.value:
                    lrec.raise_attention(session, kind="intent_released",
                                         subject=f"request:{request.id}", now=now,
                                         request_id=request.id, detail=request.last_error)
                change = Change("released", request.code, None, f"reservasi di {intent.host}")
        self._change(change)
