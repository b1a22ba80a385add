"""Cancelling a request at any open state, and the agency's own requests to change or cancel.

A cancellation is recorded first (state ``cancelled``, letters voided with their numbers kept,
the agency's open asks closed), then the request's Zoom meetings are deleted: only those on
record by their Zoom id, so never a meeting the service cannot prove is its own. A Zoom failure
leaves the meeting on record as live; cancelling again deletes it.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.orm import Session

from zoomsvc.changes.amend import request_letters, resolve_change_requests
from zoomsvc.config import Config
from zoomsvc.input_bounds import MULTILINE_CONTROLS, character_problem
from zoomsvc.letters.mail import MailFailed, send_mail
from zoomsvc.provisioning.moving import MOVING
from zoomsvc.provisioning.outcome import ChangeRefused
from zoomsvc.provisioning.service import INTENT_LEASE
from zoomsvc.store import Database, change_requests
from zoomsvc.store import records as rec
from zoomsvc.store.models import ChangeRequest, Request
from zoomsvc.store.statuses import LetterStatus, MeetingStatus
from zoomsvc.workflow import Role, State
from zoomsvc.zoom import ZoomClient, ZoomError

log = logging.getLogger("zoomsvc.changes")
ASK_KINDS = {"ubah": "perubahan jadwal", "batal": "pembatalan"}
CLOSED = (State.CANCELLED, State.DONE, State.EXPIRED)
NOTE_MAX = 1000


@dataclass(frozen=True)
class CancelOutcome:
    """What a cancellation did: Zoom ids deleted, ones left (Zoom failed), how the OPD heard."""

    code: str
    deleted: tuple[int, ...]
    left: tuple[int, ...]
    informed: str


class Cancellations:
    """Cancels requests and records the agency's asks."""

    def __init__(self, config: Config, db: Database, client: ZoomClient,
                 clock: Callable[[], datetime]) -> None:
        self.config = config
        self.db = db
        self.client = client
        self.clock = clock

    def cancel(self, code: str, reason: str, *, actor: str, role: Role) -> CancelOutcome:
        """Cancel the request with a reason (again on a cancelled one: retry the Zoom side)."""
        reason = _written_note("reason", "Alasan pembatalan", reason)
        now = self.clock()
        first_time = False
        with self.db.serialized_write() as session:
            request = _request(session, code)
            contact = request.contact_email
            if request.state != State.CANCELLED:
                first_time = True
                pending = rec.active_meeting(session, request.id)
                if pending is not None and pending.status == MeetingStatus.INTENT:
                    if request.last_error is None and now - pending.created_at < INTENT_LEASE:
                        raise ChangeRefused("state", f"Rapat {code} sedang dibuat; coba "
                                            "batalkan lagi sebentar lagi.")
                    session.delete(pending)
                voided = []
                for letter in request_letters(session, request):
                    if letter.status != LetterStatus.VOID:
                        letter.status = LetterStatus.VOID
                        letter.review_note = f"dibatalkan: {reason}"
                        voided.append(letter.number)
                note = f"dibatalkan: {reason}"
                if voided:
                    note += "; surat " + ", ".join(voided) + " dibatalkan (void)"
                rec.transition(session, request, State.CANCELLED, actor=actor, role=role,
                               now=now, note=note)
                resolve_change_requests(session, request, actor, now)
            targets = [(m.id, m.zoom_id) for m in request.meetings
                       if m.status in (MeetingStatus.LIVE, MOVING) and m.zoom_id is not None]
        deleted, left = [], []
        for row_id, zoom_id in targets:
            assert zoom_id is not None
            try:
                self.client.delete_meeting(zoom_id, missing_ok=True)
            except ZoomError as exc:
                log.error("request %s: Zoom meeting %s not deleted: %s", code, zoom_id, exc)
                left.append(zoom_id)
                continue
            with self.db.serialized_write() as session:
                request = _request(session, code)
                row = next(m for m in request.meetings if m.id == row_id)
                row.status, row.deleted_at = "deleted", self.clock()
                rec.append_event(session, request, actor=actor, role=role, now=self.clock(),
                                 from_state=State.CANCELLED, to_state=State.CANCELLED,
                                 sop_step="pembatalan", note=f"rapat Zoom {zoom_id} dihapus")
            deleted.append(zoom_id)
        informed = self._inform(code, contact, reason) if first_time else ""
        return CancelOutcome(code, tuple(deleted), tuple(left), informed)

    def _inform(self, code: str, to: str, reason: str) -> str:
        """E-mail the agency's contact when SMTP is set; how the agency was told."""
        smtp = self.config.smtp
        if not smtp.host:
            return "OPD melihat pembatalan di portalnya (surel tidak diatur)"
        body = (f"Yth. Bapak/Ibu,\n\nPermohonan fasilitasi Zoom Meeting {code} dibatalkan.\n"
                f"Alasan: {reason}\n\nHormat kami,\n{self.config.agency.name}\n")
        try:
            send_mail(smtp, to=to, subject=f"Pembatalan {code}", body=body, attachments=())
        except MailFailed as exc:
            return f"surel ke OPD gagal: {exc}"
        return f"surel pembatalan terkirim ke {to}"

    def ask(self, code: str, kind: str, note: str, *, actor: str, agency: str) -> None:
        """Record the agency's request to reschedule (``ubah``) or cancel (``batal``)."""
        if kind not in ASK_KINDS:
            raise ChangeRefused("kind", "Pilih jenis permintaan: perubahan jadwal atau "
                                "pembatalan.")
        note = _written_note("note", "Keterangan permintaan", note)
        now = self.clock()
        with self.db.serialized_write() as session:
            request = _request(session, code)
            if request.agency != agency:
                raise ChangeRefused("code", f"Permohonan {code} tidak ditemukan.")
            if State(request.state) in CLOSED:
                raise ChangeRefused("state", f"Permohonan {code} sudah ditutup.")
            session.add(ChangeRequest(request_id=request.id, kind=kind, note=note,
                                      created_by=actor, created_at=now))
            state = State(request.state)
            rec.append_event(session, request, actor=actor, role=Role.OPD, now=now,
                             from_state=state, to_state=state, sop_step="permintaan OPD",
                             note=f"OPD meminta {ASK_KINDS[kind]}: {note}")

    def dismiss(self, code: str, ask_id: int, *, actor: str, role: Role, note: str) -> None:
        """Close an ask without acting on it (e.g. answered by telephone), with a note."""
        note = _written_note("note", "Catatan penutupan", note)
        now = self.clock()
        with self.db.serialized_write() as session:
            request = _request(session, code)
            item = change_requests.ask_by_id(session, ask_id)
            if item is None or item.request_id != request.id or item.resolved_at is not None:
                raise ChangeRefused("ask", "Permintaan itu sudah ditutup.")
            item.resolved_at, item.resolved_by = now, actor
            state = State(request.state)
            rec.append_event(session, request, actor=actor, role=role, now=now,
                             from_state=state, to_state=state, sop_step="permintaan ditutup",
                             note=f"permintaan OPD ditutup: {note}")


def _request(session: Session, code: str) -> Request:
    request = rec.request_by_code(session, code)
    if request is None:
        raise ChangeRefused("code", f"Permohonan {code} tidak ditemukan.")
    return request


def _written_note(field: str, label: str, text: str) -> str:
    """A reason or note someone typed: required, at most NOTE_MAX characters, no control
    characters (line breaks allowed); refused naming ``field`` and ``label``."""
    text = text.strip()
    if not text:
        raise ChangeRefused(field, f"{label} wajib diisi.")
    if len(text) > NOTE_MAX or character_problem(text, MULTILINE_CONTROLS):
        raise ChangeRefused(field, f"{label} paling panjang {NOTE_MAX} karakter, tanpa karakter "
                            "kontrol.")
    return text
