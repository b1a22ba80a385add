"""The Surat Tanggapan through SOP steps 7–10: draft, Kabid's review, Kadis's signature,
delivery and the agency's download; plus verification of a signed file.

Every step is a workflow transition (with its Mutu Baku measured) made under the writer lock,
so numbers stay consecutive and the audit chain stays whole with several workers.
"""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from sqlalchemy.orm import Session

from zoomsvc import formatting
from zoomsvc.config import Config, LetterSettings
from zoomsvc.letters.assemble import letter_data
from zoomsvc.letters.draft_file import draft_written, file_sha256, write_atomically
from zoomsvc.letters.invitation import meeting_ics
from zoomsvc.letters.mail import Attachment, send_mail, signed_letter_body
from zoomsvc.letters.numbering import mint_number
from zoomsvc.letters.render import LetterRenderer, packaged_template
from zoomsvc.letters.signature import (
    SignatureCheck,
    SignatureRefused,
    check_signature,
    load_trust_roots,
)
from zoomsvc.provisioning.recreate import gone_meeting
from zoomsvc.store import Database
from zoomsvc.store import letters_records as lrec
from zoomsvc.store import records as rec
from zoomsvc.store.files import FileStore
from zoomsvc.store.letters_records import LetterRecord, record_of
from zoomsvc.store.models import Download, Letter, Request
from zoomsvc.store.statuses import LetterStatus
from zoomsvc.uploads import UploadRefused, check_pdf
from zoomsvc.workflow import Role, State, step_for


def template_file(settings: LetterSettings, kind: str) -> Path:
    """The template file for a ``scheduled`` or ``full`` letter."""
    name = settings.template_full if kind == "full" else settings.template_scheduled
    if settings.templates_dir:
        return Path(settings.templates_dir) / name
    return packaged_template(name)


class LetterRefused(ValueError):
    """The step cannot be taken (wrong state, bad upload, signed already); says why."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field


class UnacceptableFile(LetterRefused):
    """The uploaded file itself is refused (not a PDF, too large, signature missing or broken):
    a bad request, unlike a step taken at the wrong time."""


class LetterConflict(LetterRefused):
    """The step clashes with another letter (its signed file is that letter's)."""


class LetterService:
    """Drafts, reviews, signatures and deliveries of reply letters."""

    def __init__(self, config: Config, db: Database, clock: Callable[[], datetime]) -> None:
        self.config = config
        self.db = db
        self.clock = clock
        self.zone = ZoneInfo(config.agency.timezone)
        self.files = FileStore(config.letters.files_dir)
        self.output = Path(config.letters.output_dir)
        self._renderers: dict[str, LetterRenderer] = {}
        self._trust_roots = load_trust_roots(config.letters.tte_trust_roots)

    def renderer(self, kind: str) -> LetterRenderer:
        """The (cached) renderer of a template; parsing a template once saves most of the time."""
        path = str(template_file(self.config.letters, kind))
        if path not in self._renderers:
            self._renderers[path] = LetterRenderer(path)
        return self._renderers[path]

    def draft(self, code: str, *, actor: str, role: Role, number: str | None = None
              ) -> LetterRecord:
        """Make (or remake) the draft of the request's letter. A number is kept for good;
        a different ``number`` (a corrected Srikandi number) voids the letter holding the old
        one, which stays in the register, and the audit event says so.

        Only the number and the row are made under the writer lock, the DOCX after it
        (:meth:`render_draft`): a crash in between leaves a row without its file, rendered by
        the next run or ``zoomsvc letter render``."""
        now = self.clock()
        with self.db.serialized_write() as session:
            request = self._request(session, code)
            if request.state not in (State.SCHEDULED, State.FULL, State.DRAFT_READY):
                raise LetterRefused("state", f"surat {code} tidak dapat disusun pada tahap "
                                    f"'{request.state}'")
            kind = "full" if request.state == State.FULL or (
                request.state == State.DRAFT_READY and request.full_reason) else "scheduled"
            letter = self._open_letter(session, request)
            replaced = ""
            wanted = (number or "").strip()
            if letter is not None and wanted and wanted != letter.number:
                replaced = letter.number
                letter.status = LetterStatus.VOID
                letter.review_note = f"nomor diganti dengan {wanted}"
                session.flush()  # the new letter's number check must see the void one
                letter = self._new_letter(session, request, letter.kind, now, wanted)
            elif letter is None:
                letter = self._new_letter(session, request, kind, now, number)
            # Missing official data or template stops here, before anything is stored.
            letter_data(self.config, request, letter, self.zone)
            self.renderer(letter.kind)
            # rendered_at is this draft's version (and the time in its properties); no digest
            # yet means "file still to be written".
            letter.rendered_at, letter.draft_sha256 = now, None
            self.draft_path(request.code).unlink(missing_ok=True)
            self.record_path(request.code).unlink(missing_ok=True)  # a new draft: no record yet
            letter.status = LetterStatus.DRAFT
            note = f"draf surat {letter.number}"
            if request.state == State.DRAFT_READY:
                note += " disusun ulang"
            if replaced:
                note += f"; nomor {replaced} dibatalkan (void) dan diganti nomor {letter.number}"
            rec.transition(session, request, State.DRAFT_READY, actor=actor, role=role, now=now,
                           note=note)
        rendered = self.render_draft(code)
        assert rendered is not None  # the letter made above is open
        return rendered

    def render_draft(self, code: str) -> LetterRecord | None:
        """Write the draft DOCX of the request's open letter unless the file on disk is already
        the one recorded; None when the request has no open letter. Outside the allocation
        lock, and harmless when two processes render the same letter at once: each writes a
        file of its own and renames it into place, and the digest recorded is the file's on
        disk. A draft remade meanwhile is noticed and rendered instead."""
        while True:
            with self.db.session() as session:
                request = self._request(session, code)
                letter = self._open_letter(session, request)
                if letter is None:
                    return None
                if letter.draft_sha256 is not None and draft_written(
                        self.draft_path(code), letter.draft_sha256):
                    return LetterRecord.of(letter)
                data = letter_data(self.config, request, letter, self.zone)
                letter_id, version = letter.id, letter.rendered_at
            content = self.renderer(letter.kind).render(data, version)
            write_atomically(self.draft_path(code), content)
            with self.db.serialized_write() as session:
                row = lrec.letter_by_id(session, letter_id)
                if row.rendered_at == version:
                    # What is on disk now, not what this call wrote: another render of the same
                    # version may have replaced it (equal text, other zip timestamps), and each
                    # render records after its own write, so the last record is always right.
                    row.draft_sha256 = file_sha256(self.draft_path(code))
                    return LetterRecord.of(row)
            # The draft was remade while this one rendered: render the new version.

    def draft_path(self, code: str) -> Path:
        """Where the current draft DOCX of a request is written (name from the code, never
        from user input)."""
        return self.output / code / "surat_tanggapan_draf.docx"

    def record_path(self, code: str) -> Path:
        """Where the letter of record (the approved version, to be signed) is written."""
        return self.output / code / "surat_tanggapan.docx"

    def _redate(self, letter: Letter, now: datetime) -> str:
        """Date the letter ``now`` (the agency's day); the audit note of a change, or ""."""
        day = now.astimezone(self.zone).date()
        if day == letter.letter_date:
            return ""
        old, letter.letter_date = letter.letter_date, day
        return (f"; tanggal surat diubah dari {formatting.long_date(old)} menjadi "
                f"{formatting.long_date(day)}")

    def review(self, code: str, *, approve: bool, note: str, actor: str, role: Role
               ) -> LetterRecord:
        """Kabid's step 8: approve (paraf) or return the draft with a note."""
        now = self.clock()
        with self.db.serialized_write() as session:
            request = self._request(session, code)
            letter = self._open_letter(session, request)
            if letter is None or request.state != State.DRAFT_READY:
                raise LetterRefused("state", f"tidak ada draf surat {code} yang menunggu "
                                    "pemeriksaan")
            # Returning is step 8 too: the draft_ready → draft_ready move alone would also let
            # staff (who may re-render) "return" a draft, so ask who may make step 8.
            step_for(State.DRAFT_READY, State.REVIEWED, role)
            if not approve and not note.strip():
                raise LetterRefused("note", "catatan wajib diisi bila draf dikembalikan")
            if approve and gone_meeting(list(request.meetings)) is not None:
                # The draft names a meeting that no longer exists in Zoom.
                raise LetterRefused("meeting", "rapat Zoom permohonan ini sudah dihapus di "
                                    "Zoom; staf perlu membuat ulang rapatnya sebelum draf "
                                    "diparaf")
            if approve:
                # The office dates a letter when it is approved or signed, not at its first
                # draft (letters.date_on); the letter of record is made now, with that date.
                redated = (self._redate(letter, now)
                           if self.config.letters.date_on in ("approval", "signature") else "")
                content = self.renderer(letter.kind).render(
                    letter_data(self.config, request, letter, self.zone, draft=False), now)
                write_atomically(self.record_path(request.code), content)
                rec.transition(session, request, State.REVIEWED, actor=actor, role=role,
                               now=now, note=(note or "diparaf") + redated)
                letter.status = LetterStatus.REVIEWED
            else:
                rec.transition(session, request, State.DRAFT_READY, actor=actor, role=role,
                               now=now, note=f"dikembalikan: {note.strip()}")
            letter.review_note = note.strip() or None
            return LetterRecord.of(letter)

    def sign(self, code: str, pdf: bytes, *, actor: str, role: Role) -> LetterRecord:
        """Kadis's step 9: attach the signed PDF (its signature checked as the office's signing
        mode requires); the letter can never be signed again."""
        self.check_pdf(pdf)
        signature = self.check_signature(pdf)
        now = self.clock()
        with self.db.serialized_write() as session:
            request = self._request(session, code)
            signed = lrec.signed_letter_of_request(session, request.id)
            if signed is not None:
                raise LetterRefused("file", f"surat {signed.number} sudah ditandatangani; "
                                    "berkas yang ditandatangani tidak dapat diganti")
            letter = self._open_letter(session, request)
            if letter is None or request.state != State.REVIEWED:
                raise LetterRefused("state", f"surat {code} belum diparaf Kabid")
            # Each signed file belongs to one letter (unique signed_sha256): the verification
            # page would otherwise vouch for the wrong one.
            digest = hashlib.sha256(pdf).hexdigest()
            other = lrec.letter_with_signed_file(session, digest)
            if other is not None:
                raise LetterConflict("file", f"berkas ini sudah dipakai untuk surat "
                                     f"{other.number}")
            redated = (self._redate(letter, now)
                       if self.config.letters.date_on == "signature" else "")
            rec.transition(session, request, State.SIGNED, actor=actor, role=role, now=now,
                           note=f"surat {letter.number} {signature.audit_note}{redated}")
            letter.signed_sha256 = self.files.put(pdf)
            letter.signed_at, letter.signed_by, letter.status = now, actor, LetterStatus.SIGNED
            letter.signature_kind = signature.kind
            letter.signer_subject = signature.subject
            letter.signature_note = signature.note
            return LetterRecord.of(letter)

    def check_pdf(self, content: bytes) -> None:
        """Refuse what is not a PDF, or is too large."""
        try:
            check_pdf(content, self.config.letters.max_upload_mb)
        except UploadRefused as exc:
            raise UnacceptableFile(exc.field, str(exc)) from exc

    def check_signature(self, content: bytes) -> SignatureCheck:
        """The signature of a signed letter as ``letters.signing_mode`` requires it; refused
        with the reason when it is missing, broken or not trusted."""
        try:
            return check_signature(content, self.config.letters.signing_mode,
                                   self._trust_roots)
        except SignatureRefused as exc:
            raise UnacceptableFile("file", str(exc)) from exc

    def current(self, code: str) -> LetterRecord | None:
        """The request's newest letter, if any."""
        with self.db.session() as session:
            return record_of(lrec.latest_letter(session, self._request(session, code).id))

    def send(self, code: str, *, actor: str, role: Role) -> LetterRecord:
        """Step 9's delivery: e-mail the signed letter and the invitation to the agency's
        contact when SMTP is configured, and record it; otherwise record it as handed over."""
        smtp = self.config.smtp
        with self.db.session() as session:
            request = self._request(session, code)
            letter = self._signed_letter(session, request)
            to = request.contact_email
            attachments = [Attachment(f"{code}-surat-tanggapan.pdf", "application/pdf",
                                      self.files.get(letter.signed_sha256 or ""))]
            invitation = self.invitation(session, request)
            if invitation is not None:
                attachments.append(Attachment(f"{code}.ics", "text/calendar", invitation))
            subject = f"{letter.number} - {self.config.letters.hal}"
        if not smtp.host:
            return self.mark_sent(code, actor=actor, role=role,
                                  sent_to="diserahkan di luar e-mail (SMTP tidak diatur)")
        send_mail(smtp, to=to, subject=subject, body=signed_letter_body(self.config, code),
                  attachments=tuple(attachments))
        return self.mark_sent(code, actor=actor, role=role, sent_to=to)

    def invitation(self, session: Session, request: Request) -> bytes | None:
        """The .ics of the request's live meeting, or None without one."""
        meeting = request.live_meeting
        if meeting is None or meeting.zoom_id is None:
            return None
        return meeting_ics(zoom_id=meeting.zoom_id, topic=request.topic,
                           start=meeting.start_at, end=meeting.end_at,
                           join_url=meeting.join_url or "", passcode=meeting.passcode or "",
                           organizer=self.config.agency.email, created=meeting.created_at)

    def invitation_of(self, code: str) -> bytes | None:
        """The .ics of a request's meeting, by request code."""
        with self.db.session() as session:
            return self.invitation(session, self._request(session, code))

    def mark_sent(self, code: str, *, actor: str, role: Role, sent_to: str) -> LetterRecord:
        """Record step 9's sending of the signed letter to the agency."""
        now = self.clock()
        with self.db.serialized_write() as session:
            request = self._request(session, code)
            letter = self._signed_letter(session, request)
            rec.transition(session, request, State.SENT, actor=actor, role=role, now=now,
                           note=f"dikirim ke {sent_to}" if "@" in sent_to else sent_to)
            letter.sent_at, letter.sent_to, letter.status = now, sent_to, LetterStatus.SENT
            return LetterRecord.of(letter)

    def record_download(self, code: str, what: str, *, actor: str, role: Role) -> None:
        """Note who took which file; the agency's first download of the signed letter is
        SOP step 10 (received)."""
        now = self.clock()
        with self.db.serialized_write() as session:
            request = self._request(session, code)
            letter = lrec.latest_letter(session, request.id)
            if letter is None:
                raise LetterRefused("state", f"surat {code} belum ada")
            session.add(Download(letter_id=letter.id, what=what, actor=actor, role=role.value,
                                 at=now))
            if role == Role.OPD and what == "signed" and request.state == State.SENT:
                rec.transition(session, request, State.RECEIVED, actor=actor, role=role,
                               now=now, note="surat diunduh OPD")

    def find_signed(self, content: bytes) -> LetterRecord | None:
        """The letter whose signed file is exactly ``content``, if any."""
        digest = hashlib.sha256(content).hexdigest()
        with self.db.session() as session:
            return record_of(lrec.letter_with_signed_file(session, digest))

    def code_of(self, letter: LetterRecord) -> str:
        """The code of the request a letter answers."""
        with self.db.session() as session:
            return lrec.request_code_of_letter(session, letter.request_id)

    def by_token(self, token: str) -> LetterRecord | None:
        """The letter of a verification token (from the QR code)."""
        with self.db.session() as session:
            return record_of(lrec.letter_by_verify_token(session, token))

    def _new_letter(self, session: Session, request: Request, kind: str, now: datetime,
                    number: str | None) -> Letter:
        day = now.astimezone(self.zone).date()
        settings = self.config.letters
        number = (number or "").strip() or None  # a blank field is no number
        if settings.use_srikandi_number and not number:
            raise LetterRefused("number", "nomor surat dari Srikandi wajib diisi "
                                "(letters.use_srikandi_number = true)")
        sequence: int | None = None
        if number:
            number_text = number
            if lrec.number_in_use(session, number):
                raise LetterRefused("number", f"nomor surat {number} sudah dipakai surat lain")
        else:
            sequence, number_text = mint_number(session, settings, day)
        letter = Letter(request_id=request.id, kind=kind, status=LetterStatus.DRAFT,
                        number=number_text,
                        number_source="srikandi" if number else "minted", year=day.year,
                        sequence=sequence, letter_date=day,
                        verify_token=secrets.token_urlsafe(24), created_at=now)
        session.add(letter)
        session.flush()
        return letter

    @staticmethod
    def _request(session: Session, code: str) -> Request:
        request = rec.request_by_code(session, code)
        if request is None:
            raise LetterRefused("request", f"permohonan {code} tidak ditemukan")
        return request

    @staticmethod
    def _open_letter(session: Session, request: Request) -> Letter | None:
        return lrec.open_letter(session, request.id)

    @staticmethod
    def _signed_letter(session: Session, request: Request) -> Letter:
        letter = lrec.latest_letter(session, request.id)
        if letter is None or letter.status != LetterStatus.SIGNED:
            raise LetterRefused("state", f"surat {request.code} belum ditandatangani")
        return letter

