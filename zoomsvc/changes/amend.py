"""Changing a provisioned request: a new time, or corrected data, before or after signature.

A new time stays on the meeting's Zoom account when that account is free then (one ``PATCH``);
otherwise the meeting moves to another account by create-then-delete (:mod:`.moving`), with the
same intent-first guarantees as provisioning. An unsigned letter is re-rendered with its number;
a signed one is voided (its number stays in the register) and a new letter supersedes it. Every
change is one audit event carrying what was before and what is after.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy.orm import Session

from zoomsvc import formatting
from zoomsvc.calendar import Busy, BusyIndex, CalendarRejected, check
from zoomsvc.domain import RequestInput, parse_request
from zoomsvc.letters.assemble import OfficialDataMissing
from zoomsvc.letters.render import TemplateCheckError
from zoomsvc.letters.service import LetterRefused, LetterService
from zoomsvc.marker import agenda_with_marker
from zoomsvc.provisioning.moving import MOVING
from zoomsvc.provisioning.outcome import ChangeRefused
from zoomsvc.provisioning.service import Provisioner
from zoomsvc.store import change_requests
from zoomsvc.store import letters_records as lrec
from zoomsvc.store import records as rec
from zoomsvc.store.models import Letter, Request
from zoomsvc.store.statuses import LetterStatus, MeetingStatus
from zoomsvc.workflow import RESCHEDULABLE, Role, State
from zoomsvc.zoom import ZoomError

log = logging.getLogger("zoomsvc.changes")
EDITABLE = ("subject", "topic", "agenda", "participants", "contact_name", "contact_phone",
            "contact_email")
EDIT_STATES = (State.SCHEDULED, State.FULL, State.DRAFT_READY)


@dataclass(frozen=True)
class ChangeOutcome:
    """What a change did: ``how`` is patched, moved, full (moved but no host yet) or edited."""

    code: str
    state: str
    how: str
    letter_error: str | None = None


def input_of(request: Request, zone: ZoneInfo) -> dict[str, Any]:
    """The stored request as the request form would send it (to validate it again)."""
    data: dict[str, Any] = {
        "agency": request.agency, "letter_number": request.letter_number,
        "letter_date": request.letter_date.isoformat(), "subject": request.subject,
        "topic": request.topic, "agenda": request.agenda,
        "start": request.start_at.astimezone(zone).isoformat(),
        "end": request.end_at.astimezone(zone).isoformat(),
        "participants": request.participants,
        "contact": {"name": request.contact_name, "phone": request.contact_phone,
                    "email": request.contact_email}}
    if request.srikandi_agenda:
        data["srikandi_agenda"] = request.srikandi_agenda
    return data


class Changes:
    """Reschedules and edits of requests (staff only: the agency asks, staff act)."""

    def __init__(self, provisioner: Provisioner, letters: LetterService,
                 clock: Callable[[], datetime]) -> None:
        self.provisioner = provisioner
        self.letters = letters
        self.db = provisioner.db
        self.config = provisioner.config
        self.clock = clock

    def _parse(self, data: Mapping[str, Any]) -> RequestInput:
        hosts = self.config.zoom.hosts
        return parse_request(data, self.provisioner.zone, [o.name for o in self.config.opd],
                             now=self.clock(), max_participants=max(h.capacity for h in hosts))

    def _span(self, start: datetime, end: datetime) -> str:
        zone = self.provisioner.zone
        return (f"{formatting.day_date(start, zone)} "
                f"{formatting.time_span(start, end, zone, self.config.agency.zone_label)}")

    def reschedule(self, code: str, start: str, end: str, *, reason: str, actor: str,
                   role: Role) -> ChangeOutcome:
        """Move the request's meeting to [start, end) (local ISO times); raises
        :class:`ChangeRefused`, :class:`~zoomsvc.domain.InvalidInput` or
        :class:`CalendarRejected` with nothing changed."""
        reason = reason.strip()
        if not reason:
            raise ChangeRefused("reason", "Alasan perubahan jadwal wajib diisi.")
        with self.db.session() as session:
            request = self._request(session, code)
            if State(request.state) not in RESCHEDULABLE | {State.DRAFT_READY}:
                raise ChangeRefused("state", f"Jadwal {code} tidak dapat diubah pada tahap ini.")
            wanted = self._parse({**input_of(request, self.provisioner.zone),
                                  "start": start, "end": end})
        try:
            external = self.provisioner.upcoming.busy([h.user for h in self.config.zoom.hosts],
                                                      self.provisioner.known_ids)
        except ZoomError as exc:
            raise ChangeRefused("start", f"Daftar rapat Zoom tidak dapat dibaca: {exc}") from exc
        rules = self.provisioner.rules
        with self.db.serialized_write() as session:
            request = self._request(session, code)
            meeting = rec.active_meeting(session, request.id)
            if meeting is None or meeting.status != MeetingStatus.LIVE or meeting.zoom_id is None:
                raise ChangeRefused("state", f"Permohonan {code} belum punya rapat Zoom; "
                                    "jadwalnya tidak dapat diubah sekarang.")
            index = BusyIndex(external)
            for row in rec.meetings_between(session, wanted.start - timedelta(days=1),
                                            wanted.end + timedelta(days=1)):
                if row.id != meeting.id:
                    index.add(Busy(row.host, row.start_at, row.end_at, "service", row.marker))
            overridden = request.holiday_override is not None
            hosts, now = self.config.zoom.hosts, self.clock()
            try:
                same = check(index, hosts, wanted.start, wanted.end, request.participants, now,
                             rules, preferred=meeting.host, override_holiday=overridden)
            except CalendarRejected as exc:
                if any(p.field != "host" for p in exc.problems):
                    raise
                same = None
            other = same if same is not None else check(
                index, hosts, wanted.start, wanted.end, request.participants, now, rules,
                override_holiday=overridden)
            if other.host is None:
                raise ChangeRefused("start", "Semua akun Zoom sudah terpakai pada waktu baru "
                                    "itu; pilih waktu lain.")
            note = (f"jadwal diubah dari {self._span(request.start_at, request.end_at)} "
                    f"menjadi {self._span(wanted.start, wanted.end)}; alasan: {reason}")
            signed = _supersede_signed(session, request)
            if signed:
                note += f"; surat {signed} dibatalkan (void), surat baru akan menggantikannya"
            if same is not None:
                # Under the writer lock, so nobody books the slot while Zoom answers; a
                # failure here rolls the whole change back.
                try:
                    self.provisioner.client.update_meeting(
                        meeting.zoom_id, start=wanted.start, host=meeting.host,
                        duration_minutes=max(1, int((wanted.end - wanted.start).total_seconds()
                                                    // 60)))
                except ZoomError as exc:
                    raise ChangeRefused("start", f"Zoom menolak perubahan waktu: {exc}") from exc
                meeting.start_at, meeting.end_at = wanted.start, wanted.end
                how = "patched"
            else:
                meeting.status = MOVING
                note += f"; rapat pindah dari akun {meeting.host}"
                how = "moved"
            request.start_at, request.end_at = wanted.start, wanted.end
            rec.transition(session, request, State.SCHEDULING, actor=actor, role=role, now=now,
                           note=note)
            if how == "patched":
                rec.transition(session, request, State.SCHEDULED, actor=actor, role=role,
                               now=now, note=f"rapat Zoom {meeting.zoom_id} dipindah waktunya "
                               "(akun yang sama)")
            resolve_change_requests(session, request, actor, now)
        self.provisioner.upcoming.forget(meeting.host)
        if how == "moved":
            result = self.provisioner.provision(code, actor=actor, role=role)
            if result.meeting is None:
                return ChangeOutcome(code, result.state, "full")
        return self._redraft(code, how, actor, role)

    def edit(self, code: str, changes: Mapping[str, Any], *, actor: str, role: Role
             ) -> ChangeOutcome:
        """Correct the request's data before signature; the draft is rendered again and the
        Zoom meeting's topic and agenda follow."""
        unknown = set(changes) - set(EDITABLE)
        if unknown:
            raise ChangeRefused(sorted(unknown)[0], "Kolom ini tidak dapat diubah.")
        with self.db.serialized_write() as session:
            request = self._request(session, code)
            if State(request.state) not in EDIT_STATES:
                raise ChangeRefused("state", f"Data {code} hanya dapat diubah sebelum surat "
                                    "diparaf Kabid.")
            data = input_of(request, self.provisioner.zone)
            contact = dict(data["contact"])
            for key, value in changes.items():
                if key.startswith("contact_"):
                    contact[key.removeprefix("contact_")] = value
                else:
                    data[key] = value
            parsed = self._parse({**data, "contact": contact})
            after = {"subject": parsed.subject, "topic": parsed.topic, "agenda": parsed.agenda,
                     "participants": parsed.participants, "contact_name": parsed.contact.name,
                     "contact_phone": parsed.contact.phone,
                     "contact_email": parsed.contact.email}
            diff = [(k, getattr(request, k), v) for k, v in after.items()
                    if getattr(request, k) != v]
            if not diff:
                raise ChangeRefused("topic", "Tidak ada data yang berubah.")
            meeting = rec.active_meeting(session, request.id)
            if meeting is not None and meeting.status == MeetingStatus.LIVE:
                host = next((h for h in self.config.zoom.hosts if h.user == meeting.host), None)
                if host is not None and parsed.participants > host.capacity:
                    raise ChangeRefused("participants", f"Jumlah peserta melebihi kapasitas "
                                        f"akun rapatnya ({host.capacity}); ubah jadwal agar "
                                        "rapat pindah ke akun yang lebih besar.")
                if meeting.zoom_id is not None and meeting.owner_tag and any(
                        k in ("topic", "agenda") for k, _, _ in diff):
                    try:
                        self.provisioner.client.update_meeting(
                            meeting.zoom_id, topic=parsed.topic, host=meeting.host,
                            agenda=agenda_with_marker(parsed.agenda, code, meeting.owner_tag))
                    except ZoomError as exc:
                        raise ChangeRefused("topic", f"Zoom menolak perubahan: {exc}") from exc
            for key, _, value in diff:
                setattr(request, key, value)
            state = State(request.state)
            rec.append_event(session, request, actor=actor, role=role, now=self.clock(),
                             from_state=state, to_state=state, sop_step="perubahan data",
                             note="data diubah: " + "; ".join(
                                 f"{k}: {_short(b)!r} → {_short(a)!r}" for k, b, a in diff))
        return self._redraft(code, "edited", actor, role)

    def _redraft(self, code: str, how: str, actor: str, role: Role) -> ChangeOutcome:
        """Render the letter again when the request had one (or had a signed one voided)."""
        with self.db.session() as session:
            request = self._request(session, code)
            state = request.state
            had_letter = bool(request_letters(session, request))
        if not had_letter or state not in (State.SCHEDULED, State.DRAFT_READY):
            return ChangeOutcome(code, state, how)
        try:
            self.letters.draft(code, actor=actor, role=role)
        except (LetterRefused, OfficialDataMissing, TemplateCheckError, OSError) as exc:
            # The change stands; the letter can be rendered again from the request's page.
            log.error("request %s: letter not re-rendered after a change: %s", code, exc)
            return ChangeOutcome(code, state, how, str(exc))
        return ChangeOutcome(code, State.DRAFT_READY, how)

    @staticmethod
    def _request(session: Session, code: str) -> Request:
        request = rec.request_by_code(session, code)
        if request is None:
            raise ChangeRefused("code", f"Permohonan {code} tidak ditemukan.")
        return request


def _short(value: object) -> str:
    text = str(value)
    return text if len(text) <= 80 else text[:77] + "..."


def _supersede_signed(session: Session, request: Request) -> str:
    """Void the request's signed or sent letter (number kept); its number, or ""."""
    for letter in request_letters(session, request):
        if letter.status in (LetterStatus.SIGNED, LetterStatus.SENT):
            letter.status = LetterStatus.VOID
            letter.review_note = "digantikan: jadwal rapat diubah"
            return letter.number
    return ""


def request_letters(session: Session, request: Request) -> list[Letter]:
    """The request's letters, newest first."""
    return lrec.request_letters(session, request.id)


def resolve_change_requests(session: Session, request: Request, actor: str,
                            now: datetime) -> None:
    """Close the agency's open change requests: staff acted on them."""
    for item in change_requests.open_asks(session, request.id):
        item.resolved_at, item.resolved_by = now, actor
