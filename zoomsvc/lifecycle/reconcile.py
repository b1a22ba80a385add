"""The reconcile job: compare the service's records with Zoom and repair the drift.

Per host: one list of upcoming meetings (Medium), then a GET (Light) only for what the list
does not explain. It finds meetings deleted or changed outside the service, meetings carrying a
request marker the service does not have on record, and intents left by a crash.

A meeting is adopted only with the same proof provisioning uses
(:func:`~zoomsvc.provisioning.external.owns`): its agenda ends with exactly the marker of a
waiting intent, owner tag included, on the intent's host and at its time. Everything else that
mentions a request code (a forged or foreign marker, one from another database sharing the Zoom
account, the code-only marker of older versions, a meeting made by hand) is reported as an
attention flag and never adopted or deleted; staff link such a meeting explicitly
(``zoomsvc meeting link``). An intent Zoom has nothing for is released once its lease has run out.
A host whose list cannot be read is skipped: an absence that was not seen is never taken for a
deletion. Safe to run any time; a second run changes nothing.
"""

from __future__ import annotations

import json
import logging
import secrets
from collections.abc import Callable
from dataclasses import asdict, dataclass
from datetime import datetime, timedelta

from zoomsvc.clock import utc_now
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
from zoomsvc.marker import Marker, legacy_codes, read_marker
from zoomsvc.provisioning.external import owns
from zoomsvc.provisioning.moving import MOVING, finish_moves
from zoomsvc.provisioning.service import INTENT_LEASE
from zoomsvc.store import Database
from zoomsvc.store import lifecycle_records as lrec
from zoomsvc.store import records as rec
from zoomsvc.store.statuses import MeetingStatus
from zoomsvc.workflow import Role, State
from zoomsvc.zoom import ZoomClient, ZoomError, ZoomMeeting, ZoomNotFound

log = logging.getLogger("zoomsvc.lifecycle.reconcile")
ACTOR = "sistem:rekonsiliasi"
LINK_HINT = "tautkan dengan 'zoomsvc meeting link' bila rapat ini memang milik permohonan itu"


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
            self._finish_moves()
            lock.result = json.dumps(self.summary.as_dict())
        return self.summary

    def _finish_moves(self) -> None:
        """Delete the old meetings of moves to another host that a crash interrupted after
        the new meeting was stored (see :mod:`zoomsvc.provisioning.moving`)."""
        with self.db.session() as session:
            codes = rec.codes_with_meetings_in(session, MOVING)
        for code in codes:
            for zoom_id in finish_moves(self.db, self.client, self.clock, code):
                self._change(Change("deleted", code, zoom_id, "rapat lama dihapus setelah "
                                    "pindah akun"))

    def _hosts(self) -> list[str]:
        with self.db.session() as session:
            rows = lrec.live_meetings(session) + lrec.pending_intents(session)
            used = [m.host for m in rows]
        hosts = {h.lower(): h for h in [*self.pool, *used]}
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
            intents = [(m.id, m.marker, m.owner_tag is None)
                       for m in lrec.pending_intents(session, host)]
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
        legacy = {code for _, code, untagged in intents if untagged}
        resolved: set[str] = set()
        for item in listing:
            if item.id in known:
                continue
            agenda = self._agenda_of(item)
            marker = read_marker(agenda or "")
            codes = legacy_codes(agenda or "")
            if marker is not None:
                self.summary.checked += 1
                if self._marker(marker, item, host):
                    resolved.add(marker.code)
            elif codes:
                self.summary.checked += 1
                # An intent made before owner tags waits for staff while such a meeting exists.
                resolved.update(legacy.intersection(codes))
                self._report(codes[-1], item, "penanda lama atau tulisan tangan tanpa bukti "
                             f"kepemilikan; {LINK_HINT}")
        for intent_id, code, _ in intents:
            if code not in resolved:
                self.summary.checked += 1
                self._intent(intent_id)

    def _agenda_of(self, item: ZoomMeeting) -> str | None:
        if item.agenda:
            return item.agenda
        try:  # list answers do not always carry the agenda
            return self.client.get_meeting(item.id).agenda
        except ZoomError as exc:
            self._fail(f"agenda rapat Zoom {item.id}", exc)
            return None

    def _gone(self, meeting_id: int) -> None:
        now = self.clock()
        with self.db.serialized_write() as session:
            meeting = rec.meeting_by_id(session, meeting_id)
            if meeting is None or not mark_gone_outside(
                    session, meeting, actor=ACTOR, now=now, at=now, operator="",
                    facts=self.facts):
                return
            change = Change(meeting.status, meeting.request.code, meeting.zoom_id,
                            "tidak ada lagi di Zoom")
        self._change(change)

    def _compare(self, meeting_id: int, found: ZoomMeeting) -> None:
        now = self.clock()
        with self.db.serialized_write() as session:
            meeting = rec.meeting_by_id(session, meeting_id)
            if meeting is None or meeting.status != MeetingStatus.LIVE:
                return
            changes = record_change(session, meeting, actor=ACTOR, now=now, facts=self.facts,
                                    start=found.start_time, duration_minutes=found.duration or None,
                                    topic=found.topic or None)
            change = Change("updated", meeting.request.code, meeting.zoom_id, "; ".join(changes))
        if changes:
            self._change(change)

    def _marker(self, marker: Marker, item: ZoomMeeting, host: str) -> bool:
        """A meeting on Zoom ends with a marker but is not on record: adopt it when it proves to
        be a waiting intent's, else report it. True when the intent's meeting is accounted for
        (adopted or still being made), so the intent is not released."""
        code = marker.code
        verdict = self._marker_verdict(marker)
        if verdict != "adopt":
            self._report(code, item, verdict)
            return verdict == "pending"
        try:
            full = self.client.get_meeting(item.id)  # the list lacks the passcode
        except ZoomError as exc:
            self._fail(f"rapat Zoom {item.id}", exc)
            return True
        now = self.clock()
        with self.db.serialized_write() as session:
            request = rec.request_by_code(session, code)
            row = rec.active_meeting(session, request.id) if request else None
            if request is None or row is None or self._marker_verdict(marker) != "adopt":
                return True  # changed meanwhile: the next run looks again
            assert row.owner_tag is not None
            proven = owns(full, host=row.host, code=code, tag=row.owner_tag, start=row.start_at,
                          minutes=int((row.end_at - row.start_at).total_seconds() // 60))
            if proven:
                row.status, row.zoom_id, row.zoom_uuid = MeetingStatus.LIVE, full.id, full.uuid
                row.passcode, row.join_url = full.password, full.join_url
                request.last_error = None
                session.flush()
                note = f"rapat Zoom {shown_id(full.id)} (diadopsi oleh rekonsiliasi)"
                if request.state == State.SCHEDULING.value:
                    rec.transition(session, request, State.SCHEDULED, actor=ACTOR,
                                   role=Role.SYSTEM, now=now, note=note)
                else:
                    note_event(session, request, actor=ACTOR, now=now, note=note, step="5")
                flag_clash(session, row, actor=ACTOR, now=now, facts=self.facts)
        if not proven:
            self._report(code, item, "akun, waktu atau agenda tidak sama dengan reservasi")
            return False
        self._change(Change("adopted", code, full.id, f"rapat terbukti milik layanan di {host}"))
        return True

    def _marker_verdict(self, marker: Marker) -> str:
        """``adopt`` when a waiting intent carries this owner tag; else why it is only reported."""
        now = self.clock()
        with self.db.session() as session:
            request = rec.request_by_code(session, marker.code)
            if request is None:
                return "permohonan tidak dikenal (penanda palsu atau dari basis data lain)"
            row = rec.active_meeting(session, request.id)
            if row is not None and row.status == MeetingStatus.LIVE:
                return f"permohonan sudah punya rapat {shown_id(row.zoom_id)} (rapat ganda)"
            if row is None:
                return f"permohonan berstatus {request.state} tanpa reservasi; {LINK_HINT}"
            if row.owner_tag is None:
                return f"reservasi dibuat sebelum penanda kepemilikan; {LINK_HINT}"
            if not secrets.compare_digest(row.owner_tag.encode(), marker.tag.encode()):
                return "kunci penanda tidak cocok (penanda palsu atau dari basis data lain)"
            in_lease = request.last_error is None and now - row.created_at < INTENT_LEASE
            return "pending" if in_lease else "adopt"

    def _report(self, code: str, item: ZoomMeeting, why: str) -> None:
        if why == "pending":
            self._change(Change("pending", code, item.id, "pembuatan rapat sedang berjalan"))
            return
        now = self.clock()
        detail = (f"Rapat Zoom {shown_id(item.id)} menyebut permohonan {code} tetapi tidak "
                  f"tercatat: {why}. Rapat ini tidak diadopsi dan tidak dihapus oleh layanan; "
                  "periksa di Zoom.")
        with self.db.serialized_write() as session:
            request = rec.request_by_code(session, code)
            lrec.raise_attention(session, kind="marker_unknown", subject=f"zoom:{item.id}",
                                 detail=detail, now=now, zoom_id=item.id,
                                 request_id=request.id if request else None)
        self._change(Change("report", code, item.id, why))

    def _intent(self, intent_id: int) -> None:
        """An intent whose marker Zoom does not have: release it once its lease ran out."""
        now = self.clock()
        with self.db.serialized_write() as session:
            intent = rec.meeting_by_id(session, intent_id)
            if intent is None or intent.status != MeetingStatus.INTENT:
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
