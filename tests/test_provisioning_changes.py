"""Changing provisioned requests against the sandbox: a new time on the same Zoom account
(PATCH) or on another (create-then-delete, crash-safe), corrected data, cancellation, and the
agency's own asks."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
from service_support import live_sandbox_meetings
from sqlalchemy import select

from zoomsvc.changes import Cancellations, Changes
from zoomsvc.config import Config
from zoomsvc.domain import InvalidInput
from zoomsvc.intake import Intake
from zoomsvc.letters.service import LetterService
from zoomsvc.lifecycle.reconcile import Reconciler
from zoomsvc.provisioning import Provisioner
from zoomsvc.provisioning import moving as moving_module
from zoomsvc.provisioning.outcome import ChangeRefused
from zoomsvc.store import Database
from zoomsvc.store import records as rec
from zoomsvc.store.models import AuditEvent, ChangeRequest, Letter, Meeting
from zoomsvc.workflow import Role
from zoomsvc.zoom import ZoomClient
from zoomsvc.zoom.sandbox import SandboxServer

ZOOM1, ZOOM2 = "zoom1@kominfo.tarakankota.go.id", "zoom2@kominfo.tarakankota.go.id"


@pytest.fixture
def config_document(config_document: dict[str, Any], tmp_path: Path) -> dict[str, Any]:
    config_document["letters"] = {**config_document.get("letters", {}),
                                  "output_dir": str(tmp_path / "letters"),
                                  "files_dir": str(tmp_path / "files")}
    return config_document


@pytest.fixture
def changes(provisioner: Provisioner, letters: LetterService,
            clock: Callable[[], datetime]) -> Changes:
    return Changes(provisioner, letters, clock)


@pytest.fixture
def cancellations(config: Config, db: Database, provisioner: Provisioner,
                  clock: Callable[[], datetime]) -> Cancellations:
    return Cancellations(config, db, provisioner.client, clock)


def fill_zoom1(intake: Intake, make_request: Callable[..., dict[str, Any]]) -> None:
    """Two meetings on Zoom 1 on Wednesday morning: a business account hosts two at once."""
    for _ in range(2):
        drafted(intake, make_request(start="2026-11-25T09:00", end="2026-11-25T12:00"))


def drafted(intake: Intake, body: dict[str, Any], host: str | None = ZOOM1) -> str:
    result, draft = intake.submit(body, actor="rina", role=Role.STAF, preferred_host=host)
    assert draft is not None
    assert draft.error is None
    return result.code


def meetings_of(db: Database, code: str) -> list[tuple[str, str, int | None]]:
    with db.session() as session:
        request = rec.request_by_code(session, code)
        assert request is not None
        return [(m.status, m.host, m.zoom_id) for m in request.meetings]


def letters_of(db: Database, code: str) -> list[tuple[str, str]]:
    with db.session() as session:
        request = rec.request_by_code(session, code)
        assert request is not None
        return [(x.number, x.status) for x in session.scalars(
            select(Letter).where(Letter.request_id == request.id).order_by(Letter.id))]


def state_of(db: Database, code: str) -> str:
    with db.session() as session:
        request = rec.request_by_code(session, code)
        assert request is not None
        return request.state


def notes_of(db: Database, code: str) -> list[str]:
    with db.session() as session:
        request = rec.request_by_code(session, code)
        assert request is not None
        return [e.note for e in session.scalars(select(AuditEvent).where(
            AuditEvent.request_id == request.id).order_by(AuditEvent.seq))]


def test_a_new_time_free_on_the_same_account_patches_the_meeting_and_redrafts_the_letter(
        intake: Intake, changes: Changes, db: Database, sandbox: SandboxServer,
        make_request: Callable[..., dict[str, Any]]) -> None:
    code = drafted(intake, make_request())
    [(_, host, zoom_id)] = meetings_of(db, code)
    [(number, _)] = letters_of(db, code)

    outcome = changes.reschedule(code, "2026-11-25T13:00", "2026-11-25T15:00",
                                 reason="Narasumber berhalangan", actor="rina", role=Role.STAF)

    assert (outcome.how, outcome.state) == ("patched", "draft_ready")
    assert meetings_of(db, code) == [("live", host, zoom_id)]
    [live] = live_sandbox_meetings(sandbox)
    assert (live["id"], live["start_time"], live["duration"]) == (
        zoom_id, "2026-11-25T05:00:00Z", 120)
    assert letters_of(db, code) == [(number, "draft")]  # same letter, same number
    assert any("menjadi Rabu, 25 November 2026" in n and "Narasumber berhalangan" in n
               for n in notes_of(db, code))


def test_a_new_time_taken_on_the_account_moves_the_meeting_and_deletes_the_old_one(
        intake: Intake, changes: Changes, db: Database, sandbox: SandboxServer,
        make_request: Callable[..., dict[str, Any]]) -> None:
    code = drafted(intake, make_request())
    fill_zoom1(intake, make_request)
    [(_, _, old_id)] = meetings_of(db, code)

    outcome = changes.reschedule(code, "2026-11-25T09:00", "2026-11-25T11:00",
                                 reason="Ruang rapat pindah hari", actor="rina", role=Role.STAF)

    assert outcome.how == "moved"
    rows = meetings_of(db, code)
    assert [(s, h) for s, h, _ in rows] == [("deleted", ZOOM1), ("live", ZOOM2)]
    live_ids = {m["id"] for m in live_sandbox_meetings(sandbox)}
    assert old_id not in live_ids
    assert rows[1][2] in live_ids
    assert state_of(db, code) == "draft_ready"


def test_a_crash_between_create_and_delete_of_a_move_ends_with_exactly_one_meeting(
        intake: Intake, changes: Changes, provisioner: Provisioner, db: Database,
        sandbox: SandboxServer, make_request: Callable[..., dict[str, Any]],
        monkeypatch: pytest.MonkeyPatch) -> None:
    code = drafted(intake, make_request())
    fill_zoom1(intake, make_request)

    def die(name: str) -> None:  # the process killed at this crash point
        if name == "before_move_delete":
            raise KeyboardInterrupt

    with monkeypatch.context() as patched:
        patched.setattr(moving_module, "crash_point", die)
        with pytest.raises(KeyboardInterrupt):
            changes.reschedule(code, "2026-11-25T09:00", "2026-11-25T11:00", reason="pindah",
                               actor="rina", role=Role.STAF)
    # Both meetings exist now: the new one is on record, the old one waits to be deleted.
    assert sorted(s for s, _, _ in meetings_of(db, code)) == ["live", "moving"]

    provisioner.provision(code, actor="rina", role=Role.STAF)

    rows = meetings_of(db, code)
    assert sorted(s for s, _, _ in rows) == ["deleted", "live"]
    ours = [m for m in live_sandbox_meetings(sandbox) if code in m["agenda"]]
    assert [m["id"] for m in ours] == [z for s, _, z in rows if s == "live"]


def test_reconcile_also_finishes_a_move_a_crash_interrupted(
        intake: Intake, changes: Changes, config: Config, db: Database, sandbox: SandboxServer,
        clock: Callable[[], datetime], make_request: Callable[..., dict[str, Any]],
        monkeypatch: pytest.MonkeyPatch) -> None:
    code = drafted(intake, make_request())
    fill_zoom1(intake, make_request)

    def die(name: str) -> None:
        if name == "before_move_delete":
            raise KeyboardInterrupt

    with monkeypatch.context() as patched:
        patched.setattr(moving_module, "crash_point", die)
        with pytest.raises(KeyboardInterrupt):
            changes.reschedule(code, "2026-11-25T09:00", "2026-11-25T11:00", reason="pindah",
                               actor="rina", role=Role.STAF)

    summary = Reconciler(config, db, ZoomClient(config.zoom), clock=clock).run()

    assert summary.changed >= 1
    rows = meetings_of(db, code)
    assert sorted(s for s, _, _ in rows) == ["deleted", "live"]
    ours = [m["id"] for m in live_sandbox_meetings(sandbox) if code in m["agenda"]]
    assert ours == [z for s, _, z in rows if s == "live"]


def test_after_signature_a_new_time_voids_the_signed_letter_and_a_new_one_supersedes_it(
        intake: Intake, changes: Changes, letters: LetterService, db: Database,
        make_request: Callable[..., dict[str, Any]]) -> None:
    code = drafted(intake, make_request())
    letters.review(code, approve=True, note="", actor="kabid", role=Role.KABID)
    letters.sign(code, b"%PDF-1.4\n%signed\n%%EOF\n", actor="kadis", role=Role.KADIS)
    [(old_number, _)] = letters_of(db, code)

    changes.reschedule(code, "2026-11-26T09:00", "2026-11-26T11:00", reason="Ditunda",
                       actor="rina", role=Role.STAF)

    (first, first_status), (second, second_status) = letters_of(db, code)
    assert (first, first_status) == (old_number, "void")
    assert second != old_number
    assert second_status == "draft"
    assert state_of(db, code) == "draft_ready"


def test_a_new_time_outside_service_hours_is_refused_and_nothing_changes(
        intake: Intake, changes: Changes, db: Database, sandbox: SandboxServer,
        make_request: Callable[..., dict[str, Any]]) -> None:
    code = drafted(intake, make_request())
    before = (meetings_of(db, code), live_sandbox_meetings(sandbox), notes_of(db, code))
    with pytest.raises((ChangeRefused, InvalidInput, ValueError)):
        changes.reschedule(code, "2026-11-25T23:00", "2026-11-25T23:30", reason="malam",
                           actor="rina", role=Role.STAF)
    with pytest.raises(ChangeRefused, match="Alasan"):
        changes.reschedule(code, "2026-11-25T09:00", "2026-11-25T10:00", reason=" ",
                           actor="rina", role=Role.STAF)
    assert (meetings_of(db, code), live_sandbox_meetings(sandbox), notes_of(db, code)) == before


def test_editing_the_topic_updates_zoom_keeps_the_marker_and_redrafts(
        intake: Intake, changes: Changes, db: Database, sandbox: SandboxServer,
        make_request: Callable[..., dict[str, Any]]) -> None:
    code = drafted(intake, make_request())

    changes.edit(code, {"topic": "Rapat Evaluasi Stunting"}, actor="rina", role=Role.STAF)

    [live] = live_sandbox_meetings(sandbox)
    assert live["topic"] == "Rapat Evaluasi Stunting"
    assert live["agenda"].splitlines()[-1].startswith(f"[zoomsvc {code} ")
    assert any("topic: 'Rapat Koordinasi Percepatan Penurunan Stunting' → "
               "'Rapat Evaluasi Stunting'" in n for n in notes_of(db, code))
    assert state_of(db, code) == "draft_ready"
    with pytest.raises(InvalidInput):
        changes.edit(code, {"participants": 0}, actor="rina", role=Role.STAF)


def test_cancel_deletes_the_meeting_voids_the_letter_and_can_be_repeated(
        intake: Intake, cancellations: Cancellations, db: Database, sandbox: SandboxServer,
        make_request: Callable[..., dict[str, Any]]) -> None:
    code = drafted(intake, make_request())
    with pytest.raises(ChangeRefused, match="Alasan"):
        cancellations.cancel(code, "", actor="rina", role=Role.STAF)

    outcome = cancellations.cancel(code, "Kegiatan ditiadakan", actor="rina", role=Role.STAF)

    assert len(outcome.deleted) == 1
    assert live_sandbox_meetings(sandbox) == []
    assert state_of(db, code) == "cancelled"
    assert [s for _, s in letters_of(db, code)] == ["void"]
    assert [s for s, _, _ in meetings_of(db, code)] == ["deleted"]
    assert "surel tidak diatur" in outcome.informed
    again = cancellations.cancel(code, "lagi", actor="rina", role=Role.STAF)
    assert (again.deleted, again.left) == ((), ())


def test_only_the_requests_own_meeting_is_deleted_on_cancel(
        intake: Intake, cancellations: Cancellations, sandbox: SandboxServer,
        make_request: Callable[..., dict[str, Any]]) -> None:
    code = drafted(intake, make_request())
    other = drafted(intake, make_request(start="2026-11-25T09:00", end="2026-11-25T12:00"))
    cancellations.cancel(code, "Batal", actor="rina", role=Role.STAF)
    assert [other in m["agenda"] for m in live_sandbox_meetings(sandbox)] == [True]


def test_the_agency_asks_for_a_change_of_its_own_request_only(
        intake: Intake, cancellations: Cancellations, db: Database,
        make_request: Callable[..., dict[str, Any]]) -> None:
    code = drafted(intake, make_request())
    with pytest.raises(ChangeRefused):
        cancellations.ask(code, "batal", "Tidak jadi", actor="opd2", agency="Dinas Pendidikan")
    with pytest.raises(ChangeRefused, match="Keterangan"):
        cancellations.ask(code, "ubah", "  ", actor="opd", agency="Dinas Kesehatan")
    cancellations.ask(code, "ubah", "Mohon dimundurkan sehari", actor="opd",
                      agency="Dinas Kesehatan")
    with db.session() as session:
        [ask] = session.scalars(select(ChangeRequest)).all()
        assert (ask.kind, ask.note, ask.resolved_at) == ("ubah", "Mohon dimundurkan sehari",
                                                         None)
    cancellations.cancel(code, "Diminta OPD", actor="rina", role=Role.STAF)
    with db.session() as session:
        assert session.scalars(select(ChangeRequest.resolved_by)).all() == ["rina"]
    assert any(n.startswith("OPD meminta perubahan jadwal") for n in notes_of(db, code))


def test_a_meeting_deleted_by_hand_is_not_sought_again_on_cancel(
        intake: Intake, cancellations: Cancellations, db: Database,
        make_request: Callable[..., dict[str, Any]]) -> None:
    code = drafted(intake, make_request())
    with db.serialized_write() as session:
        request = rec.request_by_code(session, code)
        assert request is not None
        row = session.scalars(select(Meeting).where(Meeting.request_id == request.id)).one()
        intake.provisioner.client.delete_meeting(row.zoom_id or 0)
    outcome = cancellations.cancel(code, "Batal", actor="rina", role=Role.STAF)
    assert outcome.left == ()
