"""``zoomsvc db backup`` (``zoomsvc.cli.db_commands``): an online copy of the SQLite database
taken while other connections write, checked, never over an existing file; PostgreSQL is
pg_dump's job."""

from __future__ import annotations

import json
import sqlite3
import sys
import threading
import time
from contextlib import closing
from pathlib import Path
from typing import Any

import pytest
from cli_support import toml_text
from click.testing import CliRunner, Result

from zoomsvc.cli import cli, db_commands
from zoomsvc.config import demo_document
from zoomsvc.store import Database, DriverMissing
from zoomsvc.store.migrate import is_current, upgrade
from zoomsvc.store.records import next_in_sequence


def write_config(folder: Path, url: str, name: str = "zoomsvc.toml") -> Path:
    document = demo_document()
    document["database"] = {"url": url}
    path = folder / name
    path.write_text(toml_text(document), encoding="utf-8")
    return path


@pytest.fixture
def source(tmp_path: Path) -> Path:
    """A migrated SQLite database file with a counter at 5."""
    path = tmp_path / "live" / "zoomsvc.db"
    database = Database(f"sqlite:///{path}")
    upgrade(database)
    with database.serialized_write() as session:
        for _ in range(5):
            next_in_sequence(session, "backup-test", 2026)
    database.dispose()
    return path


def backup(config: Path, target: Path) -> Result:
    return CliRunner().invoke(cli, ["--config", str(config), "db", "backup", str(target)])


def counter(path: Path) -> int:
    with closing(sqlite3.connect(path)) as raw:
        value: int = raw.execute("SELECT value FROM counters WHERE name = 'backup-test'"
                                 ).fetchone()[0]
        return value


def test_a_backup_taken_during_another_connections_write_is_whole_and_consistent(
        source: Path, tmp_path: Path) -> None:
    config = write_config(tmp_path, f"sqlite:///{source}")
    target = tmp_path / "copies" / "zoomsvc-backup.db"
    writer = Database(f"sqlite:///{source}")
    try:
        # A write in progress, holding SQLite's write lock.
        with writer.serialized_write() as session:
            next_in_sequence(session, "backup-test", 2026)
            result = backup(config, target)
        with writer.serialized_write() as session:  # and the database takes writes afterwards
            assert next_in_sequence(session, "backup-test", 2026) == 7
    finally:
        writer.dispose()

    assert result.exit_code == 0, result.output
    assert "integritas ok" in result.output
    with closing(sqlite3.connect(target)) as raw:
        assert raw.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    # The copy is the committed state when it was taken: the open write is not in it.
    assert counter(target) == 5
    assert counter(source) == 7
    copy = Database(f"sqlite:///{target}")
    try:
        assert copy.missing_tables() == []
        assert is_current(copy)
    finally:
        copy.dispose()
    audit = CliRunner().invoke(cli, ["--config", str(write_config(tmp_path, f"sqlite:///{target}",
                                                                  "copy.toml")),
                                     "audit", "verify"])
    assert audit.exit_code == 0, audit.output
    assert json.loads(audit.output)["intact"] is True


def test_a_backup_completes_while_another_connection_keeps_writing(
        source: Path, tmp_path: Path) -> None:
    config = write_config(tmp_path, f"sqlite:///{source}")
    target = tmp_path / "zoomsvc-backup.db"
    stop, written = threading.Event(), [0]

    def keep_writing() -> None:
        writer = Database(f"sqlite:///{source}")
        try:
            while not stop.is_set():
                with writer.serialized_write() as session:
                    next_in_sequence(session, "backup-test", 2026)
                written[0] += 1
                time.sleep(0.002)
        finally:
            writer.dispose()

    thread = threading.Thread(target=keep_writing)
    thread.start()
    try:
        while written[0] < 20:
            time.sleep(0.01)
        result = backup(config, target)
        before_stop = written[0]
    finally:
        stop.set()
        thread.join(10)

    assert result.exit_code == 0, result.output
    assert before_stop > 20
    with closing(sqlite3.connect(target)) as raw:
        assert raw.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    assert 5 + 20 <= counter(target) <= counter(source)


def grow(path: Path, megabytes: int) -> None:
    """Add ``megabytes`` of rows to the database (a table of its own, outside the schema)."""
    with closing(sqlite3.connect(path, isolation_level=None)) as raw:
        raw.execute("CREATE TABLE ballast (id INTEGER PRIMARY KEY, data TEXT)")
        raw.execute("BEGIN")
        raw.executemany("INSERT INTO ballast (data) VALUES (?)",
                        [("x" * 1000,) for _ in range(megabytes * 1000)])
        raw.execute("COMMIT")


class WritesBetweenSteps:
    """``sqlite3`` as the backup command sees it, except that another connection commits a write
    to the source after every step of an online backup, as a busy service does at some point.
    The writes stop after ``limit`` steps, so that a backup that keeps restarting still ends."""

    def __init__(self, source: Path, limit: int = 50) -> None:
        self.source, self.limit, self.steps = source, limit, 0

    def connect(self, path: str, *args: Any, **kwargs: Any) -> Any:
        connection = sqlite3.connect(path, *args, **kwargs)
        if Path(path) != self.source:
            return connection
        shim = self

        class Source:
            def backup(self, target: sqlite3.Connection, **options: Any) -> None:
                connection.backup(target, **{**options, "progress": shim.step})

            def close(self) -> None:
                connection.close()

        return Source()

    def step(self, _status: int, _remaining: int, _total: int) -> None:
        self.steps += 1
        if self.steps < self.limit:
            with closing(sqlite3.connect(self.source, isolation_level=None)) as writer:
                writer.execute("UPDATE counters SET value = value + 1 "
                               "WHERE name = 'backup-test'")


def test_a_larger_database_is_copied_even_when_every_step_is_followed_by_a_write(
        source: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    grow(source, 6)  # about 1,500 pages of 4 KB
    config = write_config(tmp_path, f"sqlite:///{source}")
    target = tmp_path / "zoomsvc-backup.db"
    shim = WritesBetweenSteps(source)
    monkeypatch.setattr(db_commands, "sqlite3", shim)

    result = backup(config, target)

    assert result.exit_code == 0, result.output
    # Restarted backups show as steps: without the writes stopping, it would never have ended.
    assert shim.steps <= 3, f"{shim.steps} steps: the backup restarted after each write"


def test_a_backup_never_overwrites_an_existing_file(source: Path, tmp_path: Path) -> None:
    config = write_config(tmp_path, f"sqlite:///{source}")
    target = tmp_path / "kept.db"
    target.write_bytes(b"an earlier backup")

    result = backup(config, target)

    assert result.exit_code == 1
    assert "sudah ada" in result.output
    assert str(target) in result.output
    assert target.read_bytes() == b"an earlier backup"


def test_a_postgresql_database_is_sent_to_pg_dump_without_connecting(tmp_path: Path) -> None:
    # Port 1 on loopback: nothing listens there, so any attempt to connect would fail loudly.
    config = write_config(tmp_path, "postgresql+psycopg://nobody@127.0.0.1:1/zoomsvc")
    target = tmp_path / "zoomsvc.dump"

    result = backup(config, target)

    assert result.exit_code == 1
    assert "pg_dump" in result.output
    assert "PostgreSQL" in result.output
    assert not target.exists()


@pytest.fixture
def without_psycopg(monkeypatch: pytest.MonkeyPatch) -> None:
    """As on a machine where the ``postgres`` extra was not installed."""
    monkeypatch.setitem(sys.modules, "psycopg", None)


@pytest.mark.usefixtures("without_psycopg")
def test_backup_of_postgresql_without_its_driver_still_says_pg_dump_and_names_the_extra(
        tmp_path: Path) -> None:
    config = write_config(tmp_path, "postgresql+psycopg://nobody@127.0.0.1:1/zoomsvc")

    result = backup(config, tmp_path / "zoomsvc.dump")

    assert result.exit_code == 1
    assert "pg_dump" in result.output
    assert "pasang ekstra postgres: pip install 'zoomsvc[postgres]'" in result.output
    assert "Traceback" not in result.output


@pytest.mark.usefixtures("without_psycopg")
@pytest.mark.parametrize("command", [["db", "upgrade"], ["audit", "verify"]])
def test_a_postgresql_command_without_its_driver_says_to_install_the_extra_in_one_line(
        tmp_path: Path, command: list[str]) -> None:
    config = write_config(tmp_path, "postgresql+psycopg://nobody@127.0.0.1:1/zoomsvc")

    result = CliRunner().invoke(cli, ["--config", str(config), *command])

    assert result.exit_code == 1
    assert result.output.strip().count("\n") == 0, result.output
    assert "pasang ekstra postgres: pip install 'zoomsvc[postgres]'" in result.output
    assert "psycopg" in result.output


@pytest.mark.usefixtures("without_psycopg")
def test_opening_a_postgresql_database_without_its_driver_raises_driver_missing() -> None:
    with pytest.raises(DriverMissing, match=r"database\.url.*zoomsvc\[postgres\]"):
        Database("postgresql+psycopg://nobody@127.0.0.1:1/zoomsvc")
