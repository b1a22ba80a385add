"""``zoomsvc meeting link``: staff tie a meeting made by hand to a request, explicitly and with
its own audit event; every wrong link is refused with exit 2 and nothing written."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from cli_support import toml_text
from click.testing import CliRunner, Result
from conftest import NOW
from lifecycle_support import (
    ZOOM1,
    add_meeting,
    add_request,
    audit_count,
    sandbox_meeting,
    state_of,
)
from sqlalchemy import select

from zoomsvc.cli import cli
from zoomsvc.config import demo_document
from zoomsvc.store import Database
from zoomsvc.store import lifecycle_records as lrec
from zoomsvc.store.migrate import upgrade
from zoomsvc.store.models import AuditEvent
from zoomsvc.workflow import State
from zoomsvc.zoom.sandbox import SandboxOptions, SandboxServer
from zoomsvc.zoom.sandbox.options import SandboxUser, default_users

START = datetime.now(UTC).replace(microsecond=0, second=0) + timedelta(days=3)
END = START + timedelta(hours=2)
OUTSIDER = "tamu@example.go.id"


@pytest.fixture
def sandbox() -> Iterator[SandboxServer]:
    """A sandbox on the wall clock, like the command; with a user outside the host pool."""
    options = SandboxOptions(users=(*default_users(), SandboxUser(id="sbx_tamu", email=OUTSIDER)))
    with SandboxServer(options) as server:
        yield server


@pytest.fixture
def database(db_url: str) -> Iterator[Database]:
    db = Database(db_url)
    upgrade(db)
    yield db
    db.dispose()


@pytest.fixture
def config_path(tmp_path: Path, sandbox: SandboxServer, db_url: str) -> Path:
    document: dict[str, Any] = demo_document(sandbox.url)
    document["database"] = {"url": db_url}
    document["zoom"]["max_retries"] = 0
    path = tmp_path / "zoomsvc.toml"
    path.write_text(toml_text(document), encoding="utf-8")
    return path


def invoke(config_path: Path, *args: str) -> Result:
    return CliRunner().invoke(cli, ["--config", str(config_path), "meeting", "link", *args])


def scheduling(database: Database) -> str:
    return add_request(database, state=State.SCHEDULING, start=START, end=END, now=NOW)


def test_a_meeting_made_by_hand_is_linked_with_its_own_audit_event(
        config_path: Path, database: Database, sandbox: SandboxServer) -> None:
    code = scheduling(database)
    zoom_id = sandbox_meeting(sandbox.url, START, 120, agenda=f"dibuat manual untuk {code}")

    result = invoke(config_path, code, str(zoom_id), "--actor", "Budi")

    assert result.exit_code == 0, result.output
    assert state_of(database, code) == "scheduled"
    with database.session() as session:
        row = lrec.meeting_by_zoom_id(session, zoom_id)
        assert row is not None
        assert (row.status, row.owner_tag, row.passcode is not None) == ("live", None, True)
        notes = session.scalars(select(AuditEvent.note).order_by(AuditEvent.seq)).all()
    assert "ditautkan manual oleh Budi" in notes[-1]


def test_a_meeting_on_record_for_another_request_is_refused(
        config_path: Path, database: Database, sandbox: SandboxServer) -> None:
    owner = add_request(database, state=State.SENT, start=START, end=END, now=NOW)
    zoom_id = sandbox_meeting(sandbox.url, START, 120)
    add_meeting(database, owner, zoom_id=zoom_id, start=START, end=END, now=NOW)
    code = scheduling(database)
    events = audit_count(database)

    result = invoke(config_path, code, str(zoom_id), "--actor", "Budi")

    assert result.exit_code == 2
    assert f"sudah tercatat untuk permohonan {owner}" in result.output
    assert (state_of(database, code), audit_count(database)) == ("scheduling", events)


@pytest.mark.parametrize("case", ["unknown request", "unknown meeting", "no actor",
                                  "already live", "full", "not a pool host"])
def test_wrong_links_exit_2_with_one_sentence_and_write_nothing(
        config_path: Path, database: Database, sandbox: SandboxServer, case: str) -> None:
    code = add_request(database, state=State.FULL if case == "full" else State.SCHEDULING,
                       start=START, end=END, now=NOW)
    zoom_id = sandbox_meeting(sandbox.url, START, 120,
                              host=OUTSIDER if case == "not a pool host" else ZOOM1)
    if case == "already live":
        add_meeting(database, code, zoom_id=zoom_id + 1, start=START, end=END, now=NOW)
    args = {"unknown request": ["ZM-2026-9999", str(zoom_id), "--actor", "Budi"],
            "unknown meeting": [code, "12345678901", "--actor", "Budi"],
            "no actor": [code, str(zoom_id), "--actor", "  "]}.get(
        case, [code, str(zoom_id), "--actor", "Budi"])
    events = audit_count(database)

    result = invoke(config_path, *args)

    assert result.exit_code == 2, result.output
    assert result.output.startswith("Error: Rapat tidak ditautkan: ")
    assert len(result.output.strip().splitlines()) == 1
    assert audit_count(database) == events


def test_zoom_down_exits_1(config_path: Path, database: Database,
                           sandbox: SandboxServer) -> None:
    code = scheduling(database)
    sandbox.stop()
    result = invoke(config_path, code, "12345678901", "--actor", "Budi")
    assert result.exit_code == 1
    assert "tidak dapat dibaca" in result.output
