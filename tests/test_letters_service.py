"""The Surat Tanggapan through SOP steps 6–10 (``zoomsvc.letters.service`` with ``zoomsvc.intake``):
the draft after provisioning, its number, the Kabid's review, the Kadis's signed PDF, delivery,
the agency's download, verification, and the audit trail of it all.

The rendering itself (wording, escaping, templates) is tested in ``test_letters_render.py``.
"""

from __future__ import annotations

import dataclasses
import hashlib
import io
import shutil
import subprocess
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import docx
import pytest
import requests
from service_support import live_sandbox_meetings
from sqlalchemy import func, select

from zoomsvc.config import Config
from zoomsvc.intake import Intake
from zoomsvc.letters.assemble import OfficialDataMissing
from zoomsvc.letters.service import LetterRefused, LetterService
from zoomsvc.provisioning import Provisioner, ProvisionResult
from zoomsvc.store import Database
from zoomsvc.store import records as rec
from zoomsvc.store.models import AuditEvent, Download, Letter
from zoomsvc.workflow import Role, TransitionRefused
from zoomsvc.zoom.sandbox import SandboxServer

WITA = ZoneInfo("Asia/Makassar")
FIRST_NUMBER = "000.8.3.3/0001/DKISP-APTIKA/XI/2026"
SIGNER = "CONTOH NAMA PEJABAT, S.Kom., M.Si."
KABID, KADIS = "Ir. Kabid Aptika", "Kadis DKISP"


# Helpers (also used by test_letters_mail.py and test_cli_letter.py) -----------------------------

def minimal_pdf(text: str = "Surat Tanggapan") -> bytes:
    """A small but complete one-page PDF written by hand: header, objects, xref, trailer, EOF."""
    content = f"BT /F1 12 Tf 72 760 Td ({text}) Tj ET".encode("latin-1")
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d >>\nstream\n%s\nendstream" % (len(content), content),
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1, xref)
    return bytes(out)


def _collect(container: Any, out: list[str]) -> None:
    for block in container.iter_inner_content():
        if hasattr(block, "rows"):
            for row in block.rows:
                for cell in row.cells:
                    _collect(cell, out)
        else:
            out.append(block.text)


def docx_text(path: Path) -> str:
    """The text of a .docx: paragraphs, table cells, headers and footers (no-break spaces
    read as spaces)."""
    document = docx.Document(io.BytesIO(path.read_bytes()))
    out: list[str] = []
    _collect(document, out)
    for section in document.sections:
        _collect(section.header, out)
        _collect(section.footer, out)
    return "\n".join(out).replace("\u00a0", " ").replace("\u2011", "-")


def grouped_id(zoom_id: int) -> str:
    """An 11-digit Zoom meeting ID as Zoom shows it (3-4-4)."""
    text = str(zoom_id)
    assert len(text) == 11, text
    return f"{text[:3]} {text[3:7]} {text[7:]}"


def submit(intake: Intake, body: dict[str, Any]) -> tuple[ProvisionResult, Any]:
    """Provision one request and draft its letter, as the form and the CLI do."""
    result, draft = intake.submit(body, actor="rina", role=Role.STAF)
    return result, draft


def to_signed(letters: LetterService, code: str, pdf: bytes | None = None) -> bytes:
    """Take a drafted letter through the Kabid's approval and the Kadis's signature."""
    letters.review(code, approve=True, note="", actor=KABID, role=Role.KABID)
    content = pdf if pdf is not None else minimal_pdf(f"Surat {code}")
    letters.sign(code, content, actor=KADIS, role=Role.KADIS)
    return content


def request_state(db: Database, code: str) -> str:
    with db.session() as session:
        request = rec.request_by_code(session, code)
        assert request is not None
        return request.state


def events_of(db: Database, code: str) -> list[AuditEvent]:
    with db.session() as session:
        request = rec.request_by_code(session, code)
        assert request is not None
        return list(session.scalars(select(AuditEvent).where(
            AuditEvent.request_id == request.id).order_by(AuditEvent.seq)))


def chain_breaks(db: Database) -> list[rec.ChainBreak]:
    with db.session() as session:
        return list(rec.verify_chain(rec.all_events(session)))


def stored_files(root: Path) -> list[Path]:
    return [p for p in root.rglob("*") if p.is_file()] if root.exists() else []


# Fixtures ---------------------------------------------------------------------------------------

@pytest.fixture
def config_document(config_document: dict[str, Any], tmp_path: Path) -> dict[str, Any]:
    """The test configuration with the letters' folders in the test's folder, uploads to 1 MB."""
    config_document["letters"] = {**config_document.get("letters", {}),
                                  "output_dir": str(tmp_path / "letters"),
                                  "files_dir": str(tmp_path / "files"),
                                  "max_upload_mb": 1}
    return config_document


@pytest.fixture
def drafted(intake: Intake, make_request: Callable[..., dict[str, Any]]) -> str:
    """The code of a scheduled request whose draft letter has been made."""
    result, draft = submit(intake, make_request())
    assert draft is not None
    assert draft.error is None, draft.error
    return result.code


@pytest.fixture
def reviewed(letters: LetterService, drafted: str) -> str:
    """The code of a request whose draft the Kabid approved."""
    letters.review(drafted, approve=True, note="", actor=KABID, role=Role.KABID)
    return drafted


# Drafting ---------------------------------------------------------------------------------------

def test_provisioning_drafts_the_letter_and_the_request_becomes_draft_ready(
        intake: Intake, letters: LetterService, db: Database,
        make_request: Callable[..., dict[str, Any]]) -> None:
    result, draft = submit(intake, make_request())

    assert (result.outcome, result.state) == ("scheduled", "draft_ready")
    assert request_state(db, result.code) == "draft_ready"
    assert draft is not None
    assert draft.error is None
    assert draft.number == FIRST_NUMBER
    assert draft.path == letters.draft_path(result.code)
    assert draft.path.is_file()
    letter = letters.current(result.code)
    assert letter is not None
    assert (letter.kind, letter.status, letter.number_source, letter.sequence) == (
        "scheduled", "draft", "minted", 1)
    assert letter.draft_sha256 == hashlib.sha256(draft.path.read_bytes()).hexdigest()


def test_the_draft_says_the_number_meeting_id_passcode_local_time_and_signer(
        intake: Intake, letters: LetterService, config: Config,
        make_request: Callable[..., dict[str, Any]]) -> None:
    result, _ = submit(intake, make_request())
    assert result.meeting is not None
    letter = letters.current(result.code)
    assert letter is not None

    text = docx_text(letters.draft_path(result.code))

    assert FIRST_NUMBER in text
    assert f"Meeting ID\n:\n{grouped_id(result.meeting.zoom_id)}\n" in text
    assert f"Passcode\n:\n{result.meeting.passcode}" in text
    assert result.meeting.join_url in text
    assert "Selasa, 24 November 2026" in text
    assert "09.00 – 12.00 WITA" in text
    assert SIGNER in text
    assert "Kepala Dinas Kesehatan Kota Tarakan" in text
    assert "Tarakan, 23 November 2026" in text
    # A draft is marked as such and carries neither the TTE statement nor the QR code.
    assert "DRAF" in text
    assert config.letters.tte_issuer not in text
    assert letter.verify_token not in text
    assert not letters.record_path(result.code).exists()


def test_the_approval_makes_the_letter_of_record_with_the_tte_footer(
        config: Config, db: Database, clock: Callable[[], datetime], drafted: str) -> None:
    settings = dataclasses.replace(config.letters, signing_mode="tte")
    electronic = LetterService(dataclasses.replace(config, letters=settings), db, clock)
    letter = electronic.review(drafted, approve=True, note="", actor=KABID, role=Role.KABID)

    text = docx_text(electronic.record_path(drafted))
    assert "DRAF" not in text
    assert FIRST_NUMBER in text
    assert ("ditandatangani secara elektronik menggunakan sertifikat elektronik yang "
            f"diterbitkan oleh {config.letters.tte_issuer}.") in text
    assert text.count("Badan Siber dan Sandi Negara") == 1
    assert f"{config.letters.verify_base_url}/{letter.verify_token}" in text


def test_a_wet_ink_letter_of_record_has_no_tte_footer(
        config: Config, db: Database, clock: Callable[[], datetime], drafted: str) -> None:
    settings = dataclasses.replace(config.letters, signing_mode="basah")
    wet = LetterService(dataclasses.replace(config, letters=settings), db, clock)
    letter = wet.review(drafted, approve=True, note="", actor=KABID, role=Role.KABID)

    text = docx_text(wet.record_path(drafted))
    assert "ditandatangani secara elektronik" not in text
    assert "DRAF" not in text
    assert f"{config.letters.verify_base_url}/{letter.verify_token}" in text


def with_date_on(config: Config, db: Database, clock: Callable[[], datetime],
                 date_on: str) -> LetterService:
    settings = dataclasses.replace(config.letters, date_on=date_on)
    return LetterService(dataclasses.replace(config, letters=settings), db, clock)


def test_the_letter_is_dated_on_its_approval_and_the_audit_says_so(
        config: Config, db: Database, clock: Any, drafted: str) -> None:
    service = with_date_on(config, db, clock, "approval")
    clock.advance(days=2)  # Wednesday 25 November

    letter = service.review(drafted, approve=True, note="", actor=KABID, role=Role.KABID)

    assert letter.letter_date.isoformat() == "2026-11-25"
    assert "Tarakan, 25 November 2026" in docx_text(service.record_path(drafted))
    assert events_of(db, drafted)[-1].note.startswith(  # two days late: "[melewati Mutu Baku]"
        "diparaf; tanggal surat diubah dari 23 November 2026 menjadi 25 November 2026")


def test_dated_on_the_draft_the_letter_keeps_its_first_date(
        config: Config, db: Database, clock: Any, drafted: str) -> None:
    service = with_date_on(config, db, clock, "draft")
    clock.advance(days=2)

    letter = service.review(drafted, approve=True, note="", actor=KABID, role=Role.KABID)

    assert letter.letter_date.isoformat() == "2026-11-23"
    assert "tanggal surat" not in events_of(db, drafted)[-1].note


def test_dated_on_the_signature_the_signing_day_is_the_letters_date(
        config: Config, db: Database, clock: Any, drafted: str) -> None:
    service = with_date_on(config, db, clock, "signature")
    service.review(drafted, approve=True, note="", actor=KABID, role=Role.KABID)
    clock.advance(days=3)  # Thursday 26 November

    letter = service.sign(drafted, minimal_pdf(), actor=KADIS, role=Role.KADIS)

    assert letter.letter_date.isoformat() == "2026-11-26"
    assert events_of(db, drafted)[-1].note.startswith(
        f"surat {FIRST_NUMBER} ditandatangani basah (pindaian); tanggal surat diubah dari "
        "23 November 2026 "
        "menjadi 26 November 2026")


def seed_busy(sandbox: SandboxServer, config: Config, start_utc: str, minutes: int) -> None:
    """Fill every host of the pool at that time with meetings the service did not create."""
    for host in config.zoom.hosts:
        for index in range(host.concurrency):
            answer = requests.post(f"{sandbox.url}/_sandbox/meetings", json={
                "host": host.user, "topic": f"Rapat manual {host.label} #{index + 1}",
                "type": 2, "start_time": start_utc, "duration": minutes}, timeout=5)
            assert answer.status_code == 201, answer.text


def test_a_full_request_gets_the_penuh_letter_with_the_alternatives(
        intake: Intake, letters: LetterService, config: Config, sandbox: SandboxServer,
        make_request: Callable[..., dict[str, Any]]) -> None:
    # Tuesday 09.00–12.00 WITA is 01.00–04.00 UTC.
    seed_busy(sandbox, config, "2026-11-24T01:00:00Z", 180)
    seeded = len(live_sandbox_meetings(sandbox))

    result, draft = submit(intake, make_request())

    assert (result.outcome, result.state, result.meeting) == ("full", "draft_ready", None)
    assert result.alternatives
    assert len(live_sandbox_meetings(sandbox)) == seeded  # nothing created on Zoom
    assert draft is not None
    assert draft.error is None
    letter = letters.current(result.code)
    assert letter is not None
    assert (letter.kind, letter.number) == ("full", FIRST_NUMBER)
    text = docx_text(letters.draft_path(result.code))
    assert "Selasa, 24 November 2026 pukul 09.00 – 12.00 WITA" in text
    assert "telah terjadwal untuk kegiatan lain" in text
    assert "Sebagai alternatif" in text
    assert "Meeting ID" not in text
    days = ("Senin", "Selasa", "Rabu", "Kamis", "Jumat", "Sabtu", "Minggu")
    for index, slot in enumerate(result.alternatives, start=1):
        start, end = slot.start.astimezone(WITA), slot.end.astimezone(WITA)
        assert (end - start) == timedelta(hours=3)
        expected = (f"{index}.\t{days[start.weekday()]}, {start.day} November 2026 pukul "
                    f"{start:%H.%M} – {end:%H.%M} WITA")
        assert expected in text
    for slot in result.alternatives:  # none of them is the busy time
        assert not (slot.start < datetime(2026, 11, 24, 4, tzinfo=UTC)
                    and slot.end > datetime(2026, 11, 24, 1, tzinfo=UTC))


# Numbers ----------------------------------------------------------------------------------------

def test_rendering_again_keeps_the_number_and_the_letter(
        letters: LetterService, db: Database, drafted: str) -> None:
    first = letters.current(drafted)
    assert first is not None
    letters.draft_path(drafted).unlink()

    again = letters.draft(drafted, actor="rina", role=Role.STAF)

    assert (again.id, again.number, again.sequence) == (first.id, first.number, 1)
    assert FIRST_NUMBER in docx_text(letters.draft_path(drafted))
    with db.session() as session:
        assert session.scalar(select(func.count()).select_from(Letter)) == 1
    assert events_of(db, drafted)[-1].note == f"draf surat {FIRST_NUMBER} disusun ulang"
    assert request_state(db, drafted) == "draft_ready"


def test_numbers_are_consecutive_across_requests_and_a_new_year_starts_again_at_one(
        intake: Intake, letters: LetterService, clock: Any, drafted: str,
        make_request: Callable[..., dict[str, Any]]) -> None:
    letters.draft(drafted, actor="rina", role=Role.STAF)  # a re-render takes no number
    numbers = [FIRST_NUMBER]
    for hour in (13, 15):
        _, draft = submit(intake, make_request(start=f"2026-11-25T{hour}:00",
                                               end=f"2026-11-25T{hour + 1}:00"))
        numbers.append(draft.number)
    assert numbers == [f"000.8.3.3/{n:04d}/DKISP-APTIKA/XI/2026" for n in (1, 2, 3)]

    clock.now = datetime(2027, 1, 4, 8, 0, tzinfo=WITA).astimezone(UTC)
    # Tuesday 5 January 2027 is Isra Mikraj, a holiday: the meeting is on the Wednesday.
    result, draft = submit(intake, make_request(start="2027-01-06T09:00",
                                                end="2027-01-06T12:00"))

    assert draft.number == "000.8.3.3/0001/DKISP-APTIKA/I/2027"
    letter = letters.current(result.code)
    assert letter is not None
    assert (letter.year, letter.sequence, letter.letter_date.isoformat()) == (
        2027, 1, "2027-01-04")
    assert "Tarakan, 4 Januari 2027" in docx_text(letters.draft_path(result.code))


def test_a_corrected_number_replaces_the_old_one_which_stays_void_in_the_register(
        letters: LetterService, db: Database, drafted: str) -> None:
    corrected = "000.8.3.3/4417/DKISP/XI/2026"

    letter = letters.draft(drafted, actor="rina", role=Role.STAF, number=corrected)

    assert (letter.number, letter.number_source) == (corrected, "srikandi")
    text = docx_text(letters.draft_path(drafted))
    assert corrected in text
    assert FIRST_NUMBER not in text
    with db.session() as session:
        rows = session.execute(select(Letter.number, Letter.status).order_by(Letter.id)).all()
    assert [tuple(row) for row in rows] == [(FIRST_NUMBER, "void"), (corrected, "draft")]
    assert events_of(db, drafted)[-1].note == (
        f"draf surat {corrected} disusun ulang; nomor {FIRST_NUMBER} dibatalkan (void) dan "
        f"diganti nomor {corrected}")
    # The same number again is no change: no new letter, no void.
    again = letters.draft(drafted, actor="rina", role=Role.STAF, number=corrected)
    assert again.id == letter.id


def test_a_corrected_number_that_another_letter_holds_changes_nothing(
        intake: Intake, letters: LetterService, db: Database, drafted: str,
        make_request: Callable[..., dict[str, Any]]) -> None:
    other, draft = submit(intake, make_request(start="2026-11-25T13:00",
                                               end="2026-11-25T14:00"))
    with pytest.raises(LetterRefused, match="sudah dipakai"):
        letters.draft(drafted, actor="rina", role=Role.STAF, number=draft.number)
    current = letters.current(drafted)
    assert current is not None
    assert (current.number, current.status) == (FIRST_NUMBER, "draft")
    assert other.code != drafted


@pytest.fixture
def srikandi(config: Config, db: Database, clock: Callable[[], datetime]) -> LetterService:
    """The letter service of an office whose numbers come from Srikandi."""
    settings = dataclasses.replace(config.letters, use_srikandi_number=True)
    return LetterService(dataclasses.replace(config, letters=settings), db, clock)


def test_with_srikandi_numbering_a_number_is_required_and_recorded_as_from_srikandi(
        provisioner: Provisioner, srikandi: LetterService, db: Database,
        make_request: Callable[..., dict[str, Any]]) -> None:
    result, draft = Intake(provisioner, srikandi).submit(make_request(), actor="rina")
    assert draft is not None
    assert draft.number is None
    assert "Srikandi" in (draft.error or "")
    assert request_state(db, result.code) == "scheduled"  # the meeting stays, no letter yet

    for missing in (None, "", "   "):
        with pytest.raises(LetterRefused) as refused:
            srikandi.draft(result.code, actor="rina", role=Role.STAF, number=missing)
        assert refused.value.field == "number"
    assert srikandi.current(result.code) is None

    letter = srikandi.draft(result.code, actor="rina", role=Role.STAF,
                            number=" 000.8.3.3/4417/DKISP/XI/2026 ")

    assert (letter.number, letter.number_source, letter.sequence) == (
        "000.8.3.3/4417/DKISP/XI/2026", "srikandi", None)
    assert "000.8.3.3/4417/DKISP/XI/2026" in docx_text(srikandi.draft_path(result.code))
    assert request_state(db, result.code) == "draft_ready"


def test_a_srikandi_number_already_used_by_another_letter_is_refused(
        provisioner: Provisioner, srikandi: LetterService, db: Database,
        make_request: Callable[..., dict[str, Any]]) -> None:
    intake = Intake(provisioner, srikandi)
    first, _ = intake.submit(make_request(), actor="rina")
    second, _ = intake.submit(make_request(start="2026-11-25T13:00", end="2026-11-25T14:00"),
                              actor="rina")
    srikandi.draft(first.code, actor="rina", role=Role.STAF, number="000.8.3.3/12/DKISP/2026")

    with pytest.raises(LetterRefused) as refused:
        srikandi.draft(second.code, actor="rina", role=Role.STAF,
                       number="000.8.3.3/12/DKISP/2026")

    assert refused.value.field == "number"
    assert "000.8.3.3/12/DKISP/2026" in str(refused.value)
    assert srikandi.current(second.code) is None
    assert request_state(db, second.code) == "scheduled"


# Step 8: the Kabid's review ---------------------------------------------------------------------

def test_the_kabids_approval_makes_the_letter_reviewed(
        letters: LetterService, db: Database, clock: Any, drafted: str) -> None:
    clock.advance(hours=2)

    letter = letters.review(drafted, approve=True, note="", actor=KABID, role=Role.KABID)

    assert letter.status == "reviewed"
    assert request_state(db, drafted) == "reviewed"
    event = events_of(db, drafted)[-1]
    assert (event.from_state, event.to_state, event.actor, event.role, event.note) == (
        "draft_ready", "reviewed", KABID, "kabid", "diparaf")
    assert (event.sop_step, event.elapsed_seconds, event.sla_seconds) == ("8", 7200, 86400)


def test_a_review_after_its_day_is_marked_as_over_the_mutu_baku(
        letters: LetterService, db: Database, clock: Any, drafted: str) -> None:
    clock.advance(days=1, seconds=1)
    letters.review(drafted, approve=True, note="", actor=KABID, role=Role.KABID)
    # Dated on approval (the default), the letter now carries the day of the paraf.
    assert events_of(db, drafted)[-1].note == ("diparaf; tanggal surat diubah dari 23 November "
                                               "2026 menjadi 24 November 2026 [melewati Mutu "
                                               "Baku]")


@pytest.mark.parametrize("note", ["", "   "])
def test_returning_a_draft_without_a_note_is_refused(
        letters: LetterService, db: Database, drafted: str, note: str) -> None:
    before = len(events_of(db, drafted))
    with pytest.raises(LetterRefused) as refused:
        letters.review(drafted, approve=False, note=note, actor=KABID, role=Role.KABID)
    assert refused.value.field == "note"
    assert "catatan wajib diisi" in str(refused.value)
    assert len(events_of(db, drafted)) == before


def test_a_returned_draft_stays_draft_ready_with_the_note_in_the_audit_trail(
        letters: LetterService, db: Database, drafted: str) -> None:
    letter = letters.review(drafted, approve=False, note=" Perbaiki nama acara ",
                            actor=KABID, role=Role.KABID)

    assert (letter.status, letter.review_note) == ("draft", "Perbaiki nama acara")
    assert request_state(db, drafted) == "draft_ready"
    event = events_of(db, drafted)[-1]
    assert (event.from_state, event.to_state, event.role, event.note) == (
        "draft_ready", "draft_ready", "kabid", "dikembalikan: Perbaiki nama acara")
    # The returned draft can be re-rendered and then approved.
    letters.draft(drafted, actor="rina", role=Role.STAF)
    assert letters.review(drafted, approve=True, note="", actor=KABID,
                          role=Role.KABID).status == "reviewed"


@pytest.mark.parametrize("role", [Role.STAF, Role.SUBKOORDINATOR, Role.KADIS, Role.OPD])
@pytest.mark.parametrize("approve", [True, False], ids=["approve", "return"])
def test_only_the_kabid_may_review_a_draft(letters: LetterService, db: Database, drafted: str,
                                           role: Role, approve: bool) -> None:
    before = len(events_of(db, drafted))
    with pytest.raises(TransitionRefused):
        letters.review(drafted, approve=approve, note="bukan wewenang", actor="orang lain",
                       role=role)
    assert request_state(db, drafted) == "draft_ready"
    assert len(events_of(db, drafted)) == before
    letter = letters.current(drafted)
    assert letter is not None
    assert (letter.status, letter.review_note) == ("draft", None)


# Step 9: the Kadis's signature ------------------------------------------------------------------

@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="pdftotext (poppler-utils) is "
                    "not installed")
def test_the_hand_made_pdf_is_a_pdf_a_reader_opens() -> None:
    result = subprocess.run(["pdftotext", "-", "-"], input=minimal_pdf("Surat Uji"),
                            capture_output=True, timeout=30, check=False)
    assert result.returncode == 0, result.stderr
    assert b"Surat Uji" in result.stdout


def bad_uploads() -> list[Any]:
    """Two cases for the wiring (the letters' own limit, nothing stored); every kind of refused
    file is tested on check_pdf itself in test_uploads.py."""
    pdf = minimal_pdf()
    return [
        pytest.param(lambda path: path.read_bytes(), "bukan PDF", id="html-renamed-pdf"),
        pytest.param(lambda _: pdf[:-7] + b" " * (1024 * 1024) + pdf[-7:], "melebihi batas 1 MB",
                     id="over-max-upload-mb"),
    ]


@pytest.mark.parametrize(("upload", "says"), bad_uploads())
def test_an_upload_that_is_not_a_whole_pdf_within_the_limit_is_refused(
        letters: LetterService, db: Database, reviewed: str, tmp_path: Path,
        upload: Callable[[Path], bytes], says: str) -> None:
    renamed = tmp_path / "surat-bertanda-tangan.pdf"
    renamed.write_text("<!DOCTYPE html><html><body>%PDF-1.4 bukan surat</body></html>\n%%EOF",
                       encoding="utf-8")
    content = upload(renamed)

    with pytest.raises(LetterRefused) as refused:
        letters.sign(reviewed, content, actor=KADIS, role=Role.KADIS)

    assert refused.value.field == "file"
    assert says in str(refused.value)
    assert request_state(db, reviewed) == "reviewed"
    assert stored_files(tmp_path / "files") == []


def test_an_upload_just_under_the_limit_is_accepted(letters: LetterService, reviewed: str
                                                    ) -> None:
    pdf = minimal_pdf()
    padded = pdf[:-7] + b" " * (1024 * 1024 - len(pdf)) + pdf[-7:]
    assert len(padded) == 1024 * 1024
    assert letters.sign(reviewed, padded, actor=KADIS, role=Role.KADIS).status == "signed"


def test_signing_before_the_kabids_review_is_refused(
        letters: LetterService, db: Database, drafted: str, tmp_path: Path) -> None:
    with pytest.raises(LetterRefused) as refused:
        letters.sign(drafted, minimal_pdf(), actor=KADIS, role=Role.KADIS)
    assert refused.value.field == "state"
    assert request_state(db, drafted) == "draft_ready"
    assert stored_files(tmp_path / "files") == []


def test_a_signed_letter_cannot_be_signed_again_and_keeps_its_file(
        letters: LetterService, db: Database, drafted: str, tmp_path: Path) -> None:
    original = to_signed(letters, drafted)
    letter = letters.current(drafted)
    assert letter is not None
    events = len(events_of(db, drafted))

    with pytest.raises(LetterRefused) as refused:
        letters.sign(drafted, minimal_pdf("Versi lain"), actor=KADIS, role=Role.KADIS)

    assert refused.value.field == "file"
    assert "sudah ditandatangani" in str(refused.value)
    after = letters.current(drafted)
    assert after is not None
    assert after.signed_sha256 == letter.signed_sha256 == hashlib.sha256(original).hexdigest()
    assert [p.read_bytes() for p in stored_files(tmp_path / "files")] == [original]
    assert len(events_of(db, drafted)) == events
    assert letters.find_signed(minimal_pdf("Versi lain")) is None


def test_the_stored_signed_file_is_the_upload_and_only_an_exact_copy_verifies(
        letters: LetterService, config: Config, drafted: str) -> None:
    upload = to_signed(letters, drafted)
    letter = letters.current(drafted)
    assert letter is not None
    digest = hashlib.sha256(upload).hexdigest()

    assert (letter.status, letter.signed_by, letter.signed_sha256) == ("signed", KADIS, digest)
    stored = Path(config.letters.files_dir) / digest[:2] / digest[2:]
    assert hashlib.sha256(stored.read_bytes()).hexdigest() == digest
    found = letters.find_signed(upload)
    assert found is not None
    assert (found.id, found.number) == (letter.id, FIRST_NUMBER)
    assert letters.code_of(found) == drafted
    changed = bytearray(upload)
    changed[len(changed) // 2] ^= 0x01
    assert letters.find_signed(bytes(changed)) is None
    assert letters.find_signed(upload + b"\n") is None


def test_the_verification_token_of_the_qr_code_finds_the_letter(
        letters: LetterService, drafted: str) -> None:
    letter = letters.current(drafted)
    assert letter is not None
    assert len(letter.verify_token) >= 32

    found = letters.by_token(letter.verify_token)

    assert found is not None
    assert (found.id, found.number) == (letter.id, letter.number)
    assert letters.by_token(letter.verify_token[:-1]) is None
    assert letters.by_token("") is None


# Delivery and the agency's download -------------------------------------------------------------

def test_sending_without_smtp_records_the_letter_as_handed_over(
        letters: LetterService, db: Database, config: Config, clock: Any, drafted: str) -> None:
    assert config.smtp.host == ""
    to_signed(letters, drafted)
    clock.advance(minutes=5)

    letter = letters.send(drafted, actor="rina", role=Role.STAF)

    assert letter.status == "sent"
    assert letter.sent_to is not None
    assert letter.sent_to.startswith("diserahkan")
    assert letter.sent_at == clock()
    assert request_state(db, drafted) == "sent"
    assert events_of(db, drafted)[-1].note == letter.sent_to  # no "dikirim ke" without an address


def test_sending_an_unsigned_letter_is_refused(letters: LetterService, db: Database,
                                               reviewed: str) -> None:
    with pytest.raises(LetterRefused) as refused:
        letters.send(reviewed, actor="rina", role=Role.STAF)
    assert refused.value.field == "state"
    assert request_state(db, reviewed) == "reviewed"


def downloads(db: Database) -> list[tuple[str, str, str]]:
    with db.session() as session:
        return [(d.what, d.actor, d.role) for d in session.scalars(
            select(Download).order_by(Download.id))]


def test_the_agencys_download_of_the_signed_letter_makes_it_received_and_staffs_does_not(
        letters: LetterService, db: Database, drafted: str) -> None:
    to_signed(letters, drafted)
    letters.send(drafted, actor="rina", role=Role.STAF)

    letters.record_download(drafted, "signed", actor="rina", role=Role.STAF)
    letters.record_download(drafted, "ics", actor="dinkes", role=Role.OPD)
    assert request_state(db, drafted) == "sent"

    letters.record_download(drafted, "signed", actor="dinkes", role=Role.OPD)
    assert request_state(db, drafted) == "received"
    letters.record_download(drafted, "signed", actor="dinkes", role=Role.OPD)  # again: no error

    assert request_state(db, drafted) == "received"
    assert downloads(db) == [("signed", "rina", "staf"), ("ics", "dinkes", "opd"),
                             ("signed", "dinkes", "opd"), ("signed", "dinkes", "opd")]
    received = [e for e in events_of(db, drafted) if e.to_state == "received"]
    assert [(e.actor, e.role, e.sop_step, e.note) for e in received] == [
        ("dinkes", "opd", "10", "surat diunduh OPD")]


def test_a_download_before_any_letter_is_refused(
        provisioner: Provisioner, letters: LetterService, db: Database,
        make_request: Callable[..., dict[str, Any]]) -> None:
    code = provisioner.submit(make_request()).code  # provisioned, no letter drafted
    with pytest.raises(LetterRefused):
        letters.record_download(code, "signed", actor="dinkes", role=Role.OPD)
    assert downloads(db) == []


# The audit trail --------------------------------------------------------------------------------

def test_every_step_is_audited_with_its_mutu_baku_and_the_chain_stays_intact(
        letters: LetterService, db: Database, clock: Any, drafted: str) -> None:
    clock.advance(hours=3)
    letters.review(drafted, approve=False, note="Tanggal salah", actor=KABID, role=Role.KABID)
    letters.draft(drafted, actor="rina", role=Role.STAF)
    clock.advance(hours=1)
    letters.review(drafted, approve=True, note="", actor=KABID, role=Role.KABID)
    clock.advance(hours=1)
    letters.sign(drafted, minimal_pdf(), actor=KADIS, role=Role.KADIS)
    letters.send(drafted, actor="rina", role=Role.STAF)
    clock.advance(hours=1)
    letters.record_download(drafted, "signed", actor="dinkes", role=Role.OPD)

    steps = [(e.from_state, e.to_state, e.role, e.sop_step, e.sla_seconds)
             for e in events_of(db, drafted)]

    assert steps == [
        (None, "approved", "staf", "1–3", None),
        ("approved", "scheduling", "staf", "4", None),
        ("scheduling", "scheduled", "staf", "5", 15 * 60),
        ("scheduled", "draft_ready", "staf", "6–7", None),
        ("draft_ready", "draft_ready", "kabid", "7", None),  # returned with a note
        ("draft_ready", "draft_ready", "staf", "7", None),  # rendered again
        ("draft_ready", "reviewed", "kabid", "8", 24 * 3600),
        ("reviewed", "signed", "kadis", "9", None),
        ("signed", "sent", "staf", "9", None),
        ("sent", "received", "opd", "10", None),
    ]
    assert [e.elapsed_seconds for e in events_of(db, drafted)][4:] == [
        3 * 3600, 0, 3600, 3600, 0, 3600]
    assert [e.seq for e in events_of(db, drafted)] == list(range(1, 11))
    assert chain_breaks(db) == []


# Official data missing --------------------------------------------------------------------------

@pytest.fixture
def without_signer(config_document: dict[str, Any]) -> dict[str, Any]:
    config_document["signer"] = {**config_document["signer"], "name": "  "}
    return config_document


def test_a_letter_without_the_signers_name_names_the_key(
        without_signer: dict[str, Any], provisioner: Provisioner, letters: LetterService,
        db: Database, make_request: Callable[..., dict[str, Any]]) -> None:
    code = provisioner.submit(make_request()).code

    with pytest.raises(OfficialDataMissing) as missing:
        letters.draft(code, actor="rina", role=Role.STAF)

    assert missing.value.key == "signer.name"
    assert "signer.name" in str(missing.value)
    assert letters.current(code) is None  # no letter, and no number used up
    assert not letters.draft_path(code).exists()
    assert request_state(db, code) == "scheduled"


def test_intake_reports_a_draft_error_without_undoing_the_meeting(
        without_signer: dict[str, Any], intake: Intake, letters: LetterService, db: Database,
        sandbox: SandboxServer, make_request: Callable[..., dict[str, Any]]) -> None:
    result, draft = submit(intake, make_request())

    assert (result.outcome, result.state) == ("scheduled", "scheduled")
    assert result.meeting is not None
    assert [m["id"] for m in live_sandbox_meetings(sandbox)] == [result.meeting.zoom_id]
    assert draft is not None
    assert (draft.number, draft.path) == (None, None)
    assert draft.error is not None
    assert "signer.name" in draft.error
    assert draft.as_dict() == {"number": None, "path": None, "error": draft.error}
    assert request_state(db, result.code) == "scheduled"
    assert chain_breaks(db) == []


def test_once_the_official_data_is_filled_in_the_letter_gets_the_first_number(
        config: Config, provisioner: Provisioner, db: Database, clock: Callable[[], datetime],
        make_request: Callable[..., dict[str, Any]]) -> None:
    broken = dataclasses.replace(config, signer=dataclasses.replace(config.signer, name=""))
    code = provisioner.submit(make_request()).code
    with pytest.raises(OfficialDataMissing):
        LetterService(broken, db, clock).draft(code, actor="rina", role=Role.STAF)

    letter = LetterService(config, db, clock).draft(code, actor="rina", role=Role.STAF)

    assert (letter.number, letter.sequence) == (FIRST_NUMBER, 1)


def test_an_unknown_request_is_refused_by_name(letters: LetterService, db: Database) -> None:
    with pytest.raises(LetterRefused) as refused:
        letters.draft("ZM-2026-9999", actor="rina", role=Role.STAF)
    assert (refused.value.field, str(refused.value)) == (
        "request", "permohonan ZM-2026-9999 tidak ditemukan")

