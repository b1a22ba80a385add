"""From an approved request to a stored Zoom meeting (SOP steps 4–6), safe to run again.

The order of events is what makes it safe:

1. the request is stored once per agency letter (a re-submission returns the same request);
2. under the writer lock the calendar is checked and an *intent* row reserves the slot on a
   host, carrying the request's code and a fresh unguessable owner tag — before Zoom is called;
3. Zoom creates the meeting with the marker (code and tag) as the last line of its agenda;
4. the meeting's details replace the intent and the request becomes ``scheduled``.

A crash or an unknown outcome between 2 and 4 leaves the intent: the next run looks on that host
for the meeting that proves to be the intent's (:func:`~zoomsvc.provisioning.external.owns`:
exactly that marker line, host, start and duration) and adopts it before creating anything. So
one request never owns two meetings, and a meeting that exists is never reported as failed. A
meeting is deleted again only when this run created it and no other request has it on record;
any doubt about ownership stops the run with an attention flag instead.

An intent is also a lease: while the worker that made it may still be waiting for Zoom, another
worker (a second process, thread or double-clicked form) must not resume it, or both would create.
A run resumes an intent only when its worker gave up and said so (``last_error`` set) or when the
lease (:data:`INTENT_LEASE`) has run out, and it renews the lease when it takes over.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import NoReturn
from zoneinfo import ZoneInfo

from zoomsvc.calendar import (
    BusyIndex,
    CalendarRejected,
    Rules,
    check,
    holiday_calendar,
    preferred_problem,
    validate_request,
    years_around,
)
from zoomsvc.clock import utc_now
from zoomsvc.config import Config
from zoomsvc.crashpoints import crash_point
from zoomsvc.domain import parse_request
from zoomsvc.input_bounds import PARTICIPANTS_MAX
from zoomsvc.marker import agenda_with_marker, new_owner_tag
from zoomsvc.provisioning.external import UpcomingMeetings, busy_of, whole_minutes
from zoomsvc.provisioning.moving import finish_moves
from zoomsvc.provisioning.outcome import (
    ProvisioningFailed,
    ProvisionResult,
    alternatives_from_row,
    alternatives_to_json,
    result_of,
)
from zoomsvc.provisioning.recording import existing_code, override_reason, record_request
from zoomsvc.provisioning.recreate import reopen_gone, void_after_full
from zoomsvc.provisioning.storing import MeetingStore
from zoomsvc.store import Database
from zoomsvc.store import records as rec
from zoomsvc.store.models import Meeting, Request
from zoomsvc.store.statuses import MeetingStatus
from zoomsvc.workflow import Role, State
from zoomsvc.zoom import (
    DailyLimitReached,
    NewMeeting,
    ZoomClient,
    ZoomError,
    ZoomOutcomeUnknown,
)
from zoomsvc.zoom.budget import ZOOM_CALL_BUDGET

log = logging.getLogger("zoomsvc.provisioning")
# The worker holding an intent waits for at most a token fetch and the create, each one Zoom call
# within its budget; so two budgets (10 minutes), still shorter than the 15-minute Mutu Baku of
# step 5. The lifecycle jobs' lock is cut from the same budget (lifecycle/lock.py).
INTENT_LEASE = 2 * ZOOM_CALL_BUDGET


class Provisioner:
    """Runs SOP steps 4–6 for requests; one instance may serve many requests and threads."""

    def __init__(self, config: Config, db: Database, client: ZoomClient,
                 clock: Callable[[], datetime] = utc_now) -> None:
        self.config = config
        self.db = db
        self.client = client
        self.clock = clock
        self.zone = ZoneInfo(config.agency.timezone)
        closed_days = holiday_calendar(config.calendar,
                                       years_around(self.clock().astimezone(self.zone).date()))
        self.rules = Rules.from_settings(config.calendar, self.zone, config.agency.zone_label,
                                         closed_days)
        self.upcoming = UpcomingMeetings(client, config.calendar.zoom_list_cache_seconds)
        self.storing = MeetingStore(db, client, lambda: self.clock())
        self._daily_blocked: dict[str, datetime] = {}

    def submit(self, data: object, *, actor: str = "cli", role: Role = Role.STAF,
               preferred_host: str | None = None,
               override_holiday: str | None = None) -> ProvisionResult:
        """Validate, record (once per agency letter) and provision a request.

        ``override_holiday`` is the staff's reason to hold the meeting on a holiday or in a
        break; it is stored with the request and written into its first audit event.
        Raises :class:`~zoomsvc.domain.InvalidInput` or :class:`CalendarRejected` for bad input
        (nothing stored, nothing sent), :class:`ProvisioningFailed` when Zoom or storage failed.
        """
        hosts = self.config.zoom.hosts
        request_input = parse_request(
            data, self.zone, [o.name for o in self.config.opd], now=self.clock(),
            max_participants=max((h.capacity for h in hosts), default=PARTICIPANTS_MAX))
        reason = override_reason(override_holiday, role)
        code = existing_code(self.db, request_input)
        if code is None:
            problems = validate_request(self.config.zoom.hosts, request_input.start,
                                        request_input.end, request_input.participants,
                                        self.clock(), self.rules, reason is not None)
            if problems:
                raise CalendarRejected(problems)
            if preferred_host is not None:
                # The staff's chosen host is checked before anything is stored: a refused
                # choice is an input error, not a request left waiting in "scheduling".
                self._check_preferred(request_input.start, request_input.end,
                                      request_input.participants, preferred_host)
            code, created = record_request(self.db, request_input, actor=actor, role=role,
                                           now=self.clock(), holiday_override=reason)
        else:
            created = False
        result = self.provision(code, actor=actor, role=role, preferred_host=preferred_host)
        return ProvisionResult(result.code, result.state, result.outcome, result.meeting,
                               result.alternatives, result.reason, created=created)

    def _check_preferred(self, start: datetime, end: datetime, participants: int,
                         preferred: str) -> None:
        """Refuse the chosen host now when it cannot hold the meeting (the allocation checks
        again under its lock, for a host taken in between)."""
        try:
            external = self.upcoming.busy([h.user for h in self.config.zoom.hosts],
                                          self._known_ids)
        except ZoomError:
            external = []  # Zoom unreadable: the allocation will say so
        index = BusyIndex(external)
        with self.db.session() as session:
            for row in rec.meetings_between(session, start - timedelta(days=1),
                                            end + timedelta(days=1)):
                index.add(busy_of(row))
        exclude = {host for host, until in self._daily_blocked.items() if until > self.clock()}
        problem = preferred_problem(index, self.config.zoom.hosts, start, end, participants,
                                    self.rules, exclude, preferred)
        if problem is not None:
            raise CalendarRejected([problem])

    def provision(self, code: str, *, actor: str = "cli", role: Role = Role.STAF,
                  preferred_host: str | None = None) -> ProvisionResult:
        """Bring the request to ``scheduled`` or ``full``; resumes whatever a crash left,
        including a move to another host (:mod:`.moving`) stopped before its old meeting
        was deleted."""
        result = self._provision(code, actor, role, preferred_host)
        if result.meeting is not None and finish_moves(self.db, self.client, self.clock, code):
            return self.status(code)
        return result

    def _provision(self, code: str, actor: str, role: Role, preferred_host: str | None
                   ) -> ProvisionResult:
        with self.db.serialized_write() as session:
            request = rec.request_by_code(session, code)
            if request is None:
                raise ProvisioningFailed(code, f"permohonan {code} tidak ditemukan")
            if request.state == State.APPROVED:
                rec.transition(session, request, State.SCHEDULING, actor=actor, role=role,
                               now=self.clock())
            if request.state != State.SCHEDULING:
                return self._result(request)
            pending = rec.active_meeting(session, request.id)
            intent_host = None
            if pending is not None:
                self._take_over(request, pending)
                intent_host = pending.host
        if intent_host is not None:
            return self._resume(code, intent_host, actor, role)
        exclude = {host for host, until in self._daily_blocked.items() if until > self.clock()}
        while True:
            host, result = self._allocate(code, exclude, actor, role, preferred_host)
            if result is not None:
                return result
            assert host is not None
            try:
                return self._create(code, host, actor, role)
            except DailyLimitReached as exc:
                log.warning("host %s reached its daily limit until %s", host, exc.resets_at)
                self._daily_blocked[host] = exc.resets_at
                exclude.add(host)
                self._drop_intent(code)
                preferred_host = None

    def _allocate(self, code: str, exclude: set[str], actor: str, role: Role,
                  preferred: str | None) -> tuple[str | None, ProvisionResult | None]:
        """Check the calendar and reserve a host (intent), or record ``full``."""
        with self.db.session() as session:
            request = rec.request_by_code(session, code)
            assert request is not None
            start, end, participants = request.start_at, request.end_at, request.participants
            overridden = request.holiday_override is not None
        horizon_end = end + timedelta(days=self.rules.alternative_days + 2)
        try:
            external = self.upcoming.busy([h.user for h in self.config.zoom.hosts],
                                          self._known_ids)
        except ZoomError as exc:
            self._fail(code, f"daftar rapat Zoom tidak dapat dibaca: {exc}")
        now = self.clock()
        with self.db.serialized_write() as session:
            request = rec.request_by_code(session, code)
            assert request is not None
            if request.state != State.SCHEDULING:
                return None, self._result(request)
            pending = rec.active_meeting(session, request.id)
            if pending is not None:
                # Another worker reserved a host for this request since this run started.
                raise self._in_progress(code, pending)
            index = BusyIndex(external)
            for row in rec.meetings_between(session, start - timedelta(days=1), horizon_end):
                index.add(busy_of(row))
            answer = check(index, self.config.zoom.hosts, start, end, participants, now,
                           self.rules, exclude=frozenset(exclude), preferred=preferred,
                           override_holiday=overridden)
            if answer.host is not None:
                session.add(Meeting(request_id=request.id, marker=code, host=answer.host.user,
                                    owner_tag=new_owner_tag(), status=MeetingStatus.INTENT,
                                    start_at=start, end_at=end, created_at=now))
                # A fresh intent is in flight: an old error must not let another worker resume.
                request.last_error = None
                return answer.host.user, None
            # Hosts at their daily API limit are free in the calendar: that is not "full".
            if not exclude or check(index, self.config.zoom.hosts, start, end, participants,
                                    now, self.rules, preferred=preferred,
                                    override_holiday=overridden).host is None:
                request.full_reason = answer.reason
                request.alternatives_json = alternatives_to_json(answer.alternatives)
                request.last_error = None
                rec.transition(session, request, State.FULL, actor=actor, role=role, now=now,
                               note=answer.message or "")
                return None, self._result(request)
        until = min(self._daily_blocked.get(host, now) for host in exclude).astimezone(self.zone)
        self._fail(code, "akun Zoom yang kosong pada jam itu sudah mencapai batas harian API "
                   f"Zoom; jalankan lagi setelah pukul {until:%H.%M} "
                   f"{self.config.agency.zone_label}")

    def _take_over(self, request: Request, intent: Meeting) -> None:
        """Claim a pending intent for this run, unless its worker may still be at Zoom."""
        now = self.clock()
        if intent.status != MeetingStatus.INTENT:
            return
        if request.last_error is None and now - intent.created_at < INTENT_LEASE:
            raise self._in_progress(request.code, intent)
        # Renew the lease (created_at of an intent is when it was last claimed) and clear the
        # error that released it, so that a third run waits for this one.
        intent.created_at = now
        request.last_error = None

    def _in_progress(self, code: str, intent: Meeting) -> ProvisioningFailed:
        until = (intent.created_at + INTENT_LEASE).astimezone(self.zone)
        return ProvisioningFailed(code, f"permohonan {code} sedang diproses oleh proses lain; "
                                  f"bila proses itu terhenti, jalankan lagi setelah pukul "
                                  f"{until:%H.%M} {self.config.agency.zone_label}")

    def _resume(self, code: str, host: str, actor: str, role: Role) -> ProvisionResult:
        """A previous run reserved ``host`` and may have created the meeting: adopt or create."""
        intent = self._intent(code)
        if intent.owner_tag is None:
            # Made before owner tags: a code in an agenda proves nothing, so staff decide.
            self.storing.conflict(code, None, "reservasi ini dibuat sebelum penanda "
                                  "kepemilikan; periksa rapat di Zoom pada akun "
                                  f"{host}, lalu tautkan dengan 'zoomsvc meeting link' atau "
                                  "tunggu rekonsiliasi melepas reservasinya")
        try:
            found = self.upcoming.find_owned(host, code, intent.owner_tag, intent.start_at,
                                             whole_minutes(intent.end_at - intent.start_at))
        except ZoomError as exc:
            self._fail(code, f"pencarian rapat {code} di Zoom gagal: {exc}")
        if found is not None:
            log.info("request %s: adopting Zoom meeting proven by its owner tag", code)
            return self.storing.store(code, found, actor, role, adopted=True)
        return self._create(code, host, actor, role)

    def _intent(self, code: str) -> Meeting:
        """The request's pending intent, detached (read-only)."""
        with self.db.session() as session:
            request = rec.request_by_code(session, code)
            row = rec.active_meeting(session, request.id) if request else None
            if row is None or row.status != MeetingStatus.INTENT:
                raise ProvisioningFailed(code, f"permohonan {code} tidak lagi menunggu rapat; "
                                         "jalankan lagi")
            session.expunge(row)
            return row

    def _create(self, code: str, host: str, actor: str, role: Role) -> ProvisionResult:
        intent = self._intent(code)
        tag = intent.owner_tag
        assert tag is not None  # new intents get one; _resume stops at legacy ones
        with self.db.session() as session:
            request = rec.request_by_code(session, code)
            assert request is not None
            new = NewMeeting(topic=request.topic, start=intent.start_at,
                             duration_minutes=whole_minutes(intent.end_at - intent.start_at),
                             agenda=agenda_with_marker(request.agenda, code, tag))
        crash_point("before_zoom")
        try:
            meeting = self.client.create_meeting(host, new)
            crash_point("after_zoom")
        except ZoomOutcomeUnknown as exc:
            try:
                found = self.upcoming.find_owned(host, code, tag, new.start,
                                                 new.duration_minutes)
            except ZoomError:
                found = None
            if found is None:
                self._fail(code, f"hasil pembuatan rapat di Zoom belum pasti ({exc}); jalankan "
                           "lagi untuk memeriksa dan melanjutkan")
            meeting = found
        except DailyLimitReached:
            raise
        except ZoomError as exc:
            self._drop_intent(code)
            self._fail(code, f"Zoom menolak pembuatan rapat: {exc}")
        self.upcoming.forget(host)
        return self.storing.store(code, meeting, actor, role, adopted=False)

    def _drop_intent(self, code: str) -> None:
        with self.db.serialized_write() as session:
            request = rec.request_by_code(session, code)
            row = rec.active_meeting(session, request.id) if request else None
            if row is not None and row.status == MeetingStatus.INTENT:
                session.delete(row)

    def _fail(self, code: str, message: str) -> NoReturn:
        """Record the error on the request (still ``scheduling``, retryable) and raise."""
        # A writer's transaction: a deferred one that reads first fails with "database is
        # locked" on SQLite when another worker writes in between.
        with self.db.serialized_write() as session:
            request = rec.request_by_code(session, code)
            if request is not None:
                request.last_error = message
        raise ProvisioningFailed(code, message)

    def known_ids(self, ids: set[int]) -> set[int]:
        """Which of these Zoom ids the service has on record (the rest are made by hand)."""
        return self._known_ids(ids)

    def _known_ids(self, ids: set[int]) -> set[int]:
        with self.db.session() as session:
            return rec.known_zoom_ids(session, ids)

    def use_alternative(self, code: str, index: int, *, actor: str, role: Role
                        ) -> ProvisionResult:
        """Move a full request to its ``index``-th proposed slot and provision it there (the
        calendar is checked again: the slot may have been taken since it was proposed)."""
        with self.db.serialized_write() as session:
            request = rec.request_by_code(session, code)
            if request is None:
                raise ProvisioningFailed(code, f"permohonan {code} tidak ditemukan")
            slots = alternatives_from_row(request)
            if not request.full_reason or not 0 <= index < len(slots):
                raise ProvisioningFailed(code, "waktu alternatif itu tidak ada")
            slot = slots[index]
            rec.transition(session, request, State.SCHEDULING, actor=actor, role=role,
                           now=self.clock(), note=f"memakai waktu alternatif {index + 1}")
            request.start_at, request.end_at = slot.start, slot.end
            request.full_reason, request.alternatives_json = None, None
            # The "penuh" draft no longer answers the request; its number stays on record.
            rec.void_open_letters(session, request.id, "diganti: OPD memilih waktu alternatif")
        return self.provision(code, actor=actor, role=role)

    def recreate(self, code: str, *, actor: str, role: Role) -> ProvisionResult:
        """Make again the meeting that was deleted in Zoom outside the service (same slot if a
        host is free, else ``full`` with alternatives); see :mod:`.recreate`."""
        reopen_gone(self.db, code, actor=actor, role=role, now=self.clock())
        result = self.provision(code, actor=actor, role=role)
        if result.state == State.FULL:
            void_after_full(self.db, code)
        return result

    def status(self, code: str) -> ProvisionResult:
        """Where the request stands now, in the shape of a provisioning result."""
        with self.db.session() as session:
            request = rec.request_by_code(session, code)
            if request is None:
                raise ProvisioningFailed(code, f"permohonan {code} tidak ditemukan")
            return self._result(request)

    def _result(self, request: Request) -> ProvisionResult:
        return result_of(request)

