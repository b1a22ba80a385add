"""The commands of the scheduled jobs: ``zoomsvc cleanup``, ``reconcile``, ``attention``.

They run on the real clock, as a timer runs them: meetings are seeded to have ended three hours
ago (the sandbox here runs on the wall clock too). The crash and concurrency cases run the
command in subprocesses against a sandbox served by the test, and count the sandbox's deletes.
"""

from __future__ import annotations

import io
import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from cli_support import toml_text
from click.testing import CliRunner, Result
from lifecycle_support import (
    ZOOM2,
    live_on_sandbox,
    meeting_status,
    sandbox_faults,
    sandbox_stats,
    seed,
    state_of,
)

from zoomsvc.cli import cli
from zoomsvc.cli.lifecycle_commands import parse_duration, wants_progress
from zoomsvc.config import build_config, demo_document
from zoomsvc.lifecycle import JobLock
from zoomsvc.store import Database
from zoomsvc.store.migrate import upgrade
from zoomsvc.workflow import State
from zoomsvc.zoom import ZoomClient
from zoomsvc.zoom.sandbox import SandboxOptions, SandboxServer

pytestmark = pytest.mark.uses_db
COMMAND = [sys.executable, "-c", "from zoomsvc.cli import main; main()"]


@pytest.fixture
def sandbox() -> Iterator[SandboxServer]:
    """A sandbox on the wall clock, like the commands."""
    with SandboxServer(SandboxOptions()) as server:
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


def ended(database: Database, sandbox: SandboxServer, count: int, *,
          hours_ago: float = 4, state: State = State.SENT) -> list[Any]:
    """``count`` requests whose one-hour meetings ended ``hours_ago - 1`` hours ago."""
    start = datetime.now(UTC).replace(microsecond=0) - timedelta(hours=hours_ago)
    return [seed(database, sandbox.url, state=state, start=start + timedelta(seconds=i),
                 now=start - timedelta(days=2)) for i in range(count)]


def invoke(config_path: Path, *args: str) -> Result:
    return CliRunner().invoke(cli, ["--config", str(config_path), *args])


def last_json(output: str) -> dict[str, Any]:
    line = output.strip().splitlines()[-1]
    data: dict[str, Any] = json.loads(line)
    return data


def test_cleanup_prints_its_counts_as_the_last_line_and_exits_0(
        config_path: Path, database: Database, sandbox: SandboxServer) -> None:
    items = ended(database, sandbox, 3)
    ended(database, sandbox, 1, hours_ago=2)  # ended an hour ago: within the grace
    result = invoke(config_path, "cleanup")
    assert result.exit_code == 0, result.output
    head = last_json(invoke(config_path, "audit", "verify").stdout)["head"]
    assert result.stdout.strip().splitlines() == [json.dumps(
        {"checked": 3, "deleted": 3, "already_gone": 0, "failed": 0, "skipped": 0,
         "audit_head": head})]
    assert {state_of(database, i.code) for i in items} == {"done"}


def test_a_shorter_grace_takes_the_recent_one_too(
        config_path: Path, database: Database, sandbox: SandboxServer) -> None:
    ended(database, sandbox, 1, hours_ago=2)
    assert last_json(invoke(config_path, "cleanup", "--grace", "30m").stdout)["deleted"] == 1


def test_a_dry_run_shows_the_plan_and_changes_nothing(
        config_path: Path, database: Database, sandbox: SandboxServer) -> None:
    [item] = ended(database, sandbox, 1)
    result = invoke(config_path, "cleanup", "--dry-run")
    assert result.exit_code == 0, result.output
    lines = [json.loads(line) for line in result.stdout.strip().splitlines()]
    assert lines[0] == {"action": "delete", "request": item.code, "zoom_id": item.zoom_id,
                        "why": "over"}
    assert lines[-1]["dry_run"] is True
    assert lines[-1]["would_delete"] == 1
    assert lines[-1]["deleted"] == 0
    assert item.zoom_id in live_on_sandbox(sandbox.url)
    assert state_of(database, item.code) == "sent"


def test_a_failure_exits_1_after_the_counts_with_the_reason_logged(
        config_path: Path, database: Database, sandbox: SandboxServer,
        caplog: pytest.LogCaptureFixture) -> None:
    [item] = ended(database, sandbox, 1)
    sandbox_faults(sandbox.url, fail_next=1)
    result = invoke(config_path, "cleanup")
    assert result.exit_code == 1
    assert last_json(result.stdout)["failed"] == 1
    assert "1 rapat gagal dihapus" in result.stderr
    assert any(item.code in r.getMessage() and "HTTP 50" in r.getMessage()
               for r in caplog.records if r.levelname == "ERROR")
    assert meeting_status(database, item.code) == ["live"]


@pytest.mark.parametrize("grace", ["soon", "2x", "-1h", ""])
def test_a_grace_that_is_no_duration_is_refused(config_path: Path, grace: str) -> None:
    result = invoke(config_path, "cleanup", "--grace", grace)
    assert result.exit_code == 2
    assert "durasi" in result.output


def test_a_cleanup_while_another_runs_says_so_and_does_nothing(
        config_path: Path, database: Database, sandbox: SandboxServer) -> None:
    [item] = ended(database, sandbox, 1)
    JobLock(database, "lifecycle", lambda: datetime.now(UTC), holder="other-host:1:x").acquire()
    result = invoke(config_path, "cleanup")
    assert result.exit_code == 0
    assert "other-host:1:x" in result.stderr
    assert last_json(result.stdout) == {"checked": 0, "deleted": 0, "already_gone": 0,
                                        "failed": 0, "skipped": 0, "busy": True}
    assert item.zoom_id in live_on_sandbox(sandbox.url)
    reconcile = invoke(config_path, "reconcile")
    assert (reconcile.exit_code, last_json(reconcile.stdout)["busy"]) == (0, True)


def test_reconcile_prints_each_change_then_its_counts(
        config_path: Path, database: Database, sandbox: SandboxServer) -> None:
    [item] = ended(database, sandbox, 1, hours_ago=-24, state=State.SCHEDULED)
    ZoomClient(build_config(demo_document(sandbox.url), {}, "test").zoom).delete_meeting(
        item.zoom_id)
    result = invoke(config_path, "reconcile", "--host", "zoom1@kominfo.tarakankota.go.id")
    assert result.exit_code == 0, result.output
    first, summary = (json.loads(line) for line in result.stdout.strip().splitlines())
    assert (first["action"], first["request"]) == ("gone_outside", item.code)
    assert summary == {"checked": 1, "changed": 1, "reported": 0, "failed": 0}
    listed = invoke(config_path, "attention")
    assert json.loads(listed.stdout.splitlines()[0])["kind"] == "gone_outside"
    assert last_json(listed.stdout) == {"open": 1}
    again = invoke(config_path, "reconcile")
    assert last_json(again.stdout)["changed"] == 0


def test_the_progress_bar_is_for_terminals_only() -> None:
    class Terminal(io.StringIO):
        def isatty(self) -> bool:
            return True

    assert wants_progress(Terminal())
    assert not wants_progress(io.StringIO())


@pytest.mark.parametrize(("text", "expected"), [
    ("2h", timedelta(hours=2)), ("90m", timedelta(minutes=90)), ("1h30m", timedelta(minutes=90)),
    ("1d", timedelta(days=1)), ("45s", timedelta(seconds=45)), ("0", timedelta(0)),
    (" 2H ", timedelta(hours=2)),
])
def test_durations_read_as_people_write_them(text: str, expected: timedelta) -> None:
    assert parse_duration(text) == expected


def spawn(config_path: Path, *args: str) -> subprocess.Popen[str]:
    env = {k: v for k, v in os.environ.items() if k != "ZOOMSVC_CONFIG"}
    return subprocess.Popen([*COMMAND, "--config", str(config_path), "cleanup", *args],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)


@pytest.mark.slow
def test_a_cleanup_killed_halfway_and_run_again_deletes_each_meeting_exactly_once(
        config_path: Path, database: Database, sandbox: SandboxServer) -> None:
    items = ended(database, sandbox, 30) + ended(database, sandbox, 5, hours_ago=4.5) + [
        *ended(database, sandbox, 5, state=State.SIGNED)]
    sandbox_faults(sandbox.url, delay_ms=150)
    first = spawn(config_path, "--workers", "2")
    deadline = time.monotonic() + 60
    while sandbox_stats(sandbox.url)["deletes"] < 8:
        assert first.poll() is None, first.communicate()
        assert time.monotonic() < deadline
        time.sleep(0.02)
    first.send_signal(signal.SIGKILL)
    first.communicate(timeout=10)  # reaps it and closes its pipes
    assert first.returncode == -signal.SIGKILL
    time.sleep(0.5)  # DELETEs the killed run had in flight still complete on the sandbox
    killed_at = sandbox_stats(sandbox.url)["deletes"]
    recorded = sum(meeting_status(database, i.code) == ["deleted"] for i in items)
    assert 8 <= killed_at < len(items)
    assert recorded <= killed_at
    sandbox_faults(sandbox.url, delay_ms=0)
    second = spawn(config_path)
    out, err = second.communicate(timeout=60)
    assert second.returncode == 0, err
    summary = json.loads(out.strip().splitlines()[-1])
    assert summary["failed"] == 0
    # Deleted on Zoom by the killed run but not recorded: Zoom's 404 now, counted once.
    assert summary["already_gone"] == killed_at - recorded
    assert summary["deleted"] == len(items) - killed_at
    assert sandbox_stats(sandbox.url)["deletes"] == len(items)
    assert live_on_sandbox(sandbox.url) == set()
    assert {tuple(meeting_status(database, i.code)) for i in items} == {("deleted",)}
    assert {state_of(database, i.code) for i in items} == {"done", "expired"}


@pytest.mark.slow
def test_of_two_cleanups_started_together_one_runs_and_one_says_so(
        config_path: Path, database: Database, sandbox: SandboxServer) -> None:
    items = ended(database, sandbox, 10) + ended(database, sandbox, 2, hours_ago=6) + [
        *ended(database, sandbox, 2, state=State.RECEIVED)]
    seed(database, sandbox.url, state=State.CANCELLED, host=ZOOM2,
         start=datetime.now(UTC) + timedelta(days=1), now=datetime.now(UTC))
    sandbox_faults(sandbox.url, delay_ms=200)
    runners = [spawn(config_path), spawn(config_path)]
    outputs = [runner.communicate(timeout=60) for runner in runners]
    assert [runner.returncode for runner in runners] == [0, 0], outputs
    summaries = sorted((json.loads(out.strip().splitlines()[-1]) for out, _ in outputs),
                       key=lambda s: "busy" in s)
    assert summaries[0]["deleted"] == len(items) + 1
    assert summaries[1]["busy"] is True
    assert any("sedang dijalankan" in err for _, err in outputs)
    assert sandbox_stats(sandbox.url)["deletes"] == len(items) + 1
