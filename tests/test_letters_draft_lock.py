"""The draft letter is rendered after the writer lock is released: the number is minted and
the letter row made under the lock, the DOCX written after it. A run that dies in between leaves
a row without its file, which the next run renders; two renders of one letter do no harm."""

from __future__ import annotations

import hashlib
import sqlite3
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select, text

from zoomsvc.intake import Intake
from zoomsvc.letters.draft_file import write_atomically
from zoomsvc.letters.render import LetterRenderer
from zoomsvc.letters.service import LetterService
from zoomsvc.store import Database
from zoomsvc.store.db import WRITER_LOCK_KEY
from zoomsvc.store.models import Letter, Request
from zoomsvc.workflow import Role, State

pytestmark = pytest.mark.uses_db


class Killed(BaseException):
    """Stands for the process dying: nothing below catches it."""


def allocation_is_free(db: Database) -> bool:
    """Whether another writer could take the writer lock at this moment, without waiting."""
    if db.is_sqlite:
        probe = sqlite3.connect(str(db.engine.url.database), timeout=0, isolation_level=None)
        try:
            probe.execute("BEGIN IMMEDIATE")
        except sqlite3.OperationalError:  # "database is locked": a writer holds it
            return False
        else:
            probe.execute("ROLLBACK")
            return True
        finally:
            probe.close()
    with db.engine.connect() as connection:
        free = connection.execute(text("SELECT pg_try_advisory_xact_lock(:key)"),
                                  {"key": WRITER_LOCK_KEY}).scalar_one()
        connection.rollback()
        return bool(free)


@pytest.fixture
def config_document(config_document: dict[str, Any], tmp_path: Path) -> dict[str, Any]:
    config_document["letters"] = {**config_document.get("letters", {}),
                                  "output_dir": str(tmp_path / "letters"),
                                  "files_dir": str(tmp_path / "files")}
    return config_document


def letter_rows(db: Database) -> int:
    with db.session() as session:
        return session.scalar(select(func.count()).select_from(Letter)) or 0


def test_the_draft_is_rendered_while_another_writer_can_take_the_lock(
        intake: Intake, db: Database, make_request: Callable[..., dict[str, Any]],
        monkeypatch: pytest.MonkeyPatch) -> None:
    free_while_rendering: list[bool] = []
    real_render = LetterRenderer.render

    def render(self: LetterRenderer, *args: Any, **kwargs: Any) -> bytes:
        free_while_rendering.append(allocation_is_free(db))
        return real_render(self, *args, **kwargs)

    monkeypatch.setattr(LetterRenderer, "render", render)
    _result, draft = intake.submit(make_request(), actor="rina", role=Role.STAF)
    assert draft is not None
    assert draft.error is None
    assert free_while_rendering == [True]


def test_a_run_killed_after_minting_leaves_a_draft_the_next_run_renders(
        intake: Intake, letters: LetterService, db: Database,
        make_request: Callable[..., dict[str, Any]], monkeypatch: pytest.MonkeyPatch) -> None:
    body = make_request()
    real_render = LetterRenderer.render

    def killed(self: LetterRenderer, *args: Any, **kwargs: Any) -> bytes:
        raise Killed

    monkeypatch.setattr(LetterRenderer, "render", killed)
    with pytest.raises(Killed):
        intake.submit(body, actor="rina", role=Role.STAF)
    with db.session() as session:
        letter = session.scalars(select(Letter)).one()
        number, draft_sha = letter.number, letter.draft_sha256
        code = session.scalars(select(Request.code)).one()
        state = session.scalars(select(Request.state)).one()
    assert state == State.DRAFT_READY
    assert draft_sha is None  # minted and stored, its file not written
    assert not letters.draft_path(code).exists()

    monkeypatch.setattr(LetterRenderer, "render", real_render)
    result, draft = intake.submit(body, actor="rina", role=Role.STAF)  # the same letter again
    assert result.code == code
    assert result.state == State.DRAFT_READY
    assert draft is not None
    assert draft.error is None
    assert draft.number == number  # the number minted before, not a second one
    assert letter_rows(db) == 1
    path = letters.draft_path(result.code)
    with db.session() as session:
        recorded = session.scalars(select(Letter)).one().draft_sha256
    assert recorded == hashlib.sha256(path.read_bytes()).hexdigest()


def test_letter_render_also_renders_a_draft_whose_file_is_missing(
        intake: Intake, letters: LetterService, db: Database,
        make_request: Callable[..., dict[str, Any]]) -> None:
    result, _draft = intake.submit(make_request(), actor="rina", role=Role.STAF)
    path = letters.draft_path(result.code)
    path.unlink()
    assert letters.render_draft(result.code) is not None
    assert path.is_file()
    before = path.read_bytes()
    assert letters.render_draft(result.code) is not None  # already written: left as it is
    assert path.read_bytes() == before


def test_a_second_render_during_the_first_leaves_the_recorded_digest_that_of_the_file(
        intake: Intake, letters: LetterService, db: Database,
        make_request: Callable[..., dict[str, Any]], monkeypatch: pytest.MonkeyPatch) -> None:
    result, _draft = intake.submit(make_request(), actor="rina", role=Role.STAF)
    path = letters.draft_path(result.code)
    path.unlink()
    with db.session() as session:  # as right after minting: no draft written yet
        session.scalars(select(Letter)).one().draft_sha256 = None
    writes: list[bytes] = []

    def write(target: Path, content: bytes) -> None:
        writes.append(content)
        if len(writes) == 1:
            write_atomically(target, content)
            # Another process renders the same draft between this write and its record: the
            # same letter, other bytes (docx stamps its zip entries with the time).
            letters.render_draft(result.code)
        else:
            write_atomically(target, content + b"\0")

    monkeypatch.setattr("zoomsvc.letters.service.write_atomically", write)
    letter = letters.render_draft(result.code)
    assert len(writes) == 2
    assert letter is not None
    assert letter.draft_sha256 == hashlib.sha256(path.read_bytes()).hexdigest()
    with db.session() as session:
        assert session.scalars(select(Letter)).one().draft_sha256 == letter.draft_sha256


def test_an_atomic_write_leaves_no_temporary_file_and_replaces_the_old(tmp_path: Path) -> None:
    target = tmp_path / "out" / "surat.docx"
    write_atomically(target, b"one")
    write_atomically(target, b"two")
    assert target.read_bytes() == b"two"
    assert [p.name for p in target.parent.iterdir()] == ["surat.docx"]
