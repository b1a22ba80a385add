"""The command line around provisioning: ``zoomsvc provision``, ``audit verify``, ``db upgrade``
on a missing schema, and ``zoomsvc demo`` (``zoomsvc.cli``).

The commands run with the real clock (as in production), so requests are dated on a coming
working day rather than on the fixed test Monday.
"""

from __future__ import annotations

import json
import re
import socket
import tomllib
from collections.abc import Callable, Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import requests
from cli_support import toml_text, workday
from click.testing import CliRunner, Result
from service_support import live_sandbox_meetings, set_sandbox_faults
from sqlalchemy import func, select, text

from zoomsvc.cli import cli
from zoomsvc.store import Database, records
from zoomsvc.store.models import AuditEvent, Request
from zoomsvc.workflow import chain_hash
from zoomsvc.zoom.sandbox import SandboxOptions, SandboxServer

WITA = ZoneInfo("Asia/Makassar")
ZOOM_DOWN = 10**6
# Every command here reads or writes the database of the configuration (CI repeats them on
# PostgreSQL); the demo keeps its own SQLite file.
pytestmark = pytest.mark.uses_db


@pytest.fixture
def sandbox() -> Iterator[SandboxServer]:
    """A sandbox on the wall clock, like the commands."""
    with SandboxServer(SandboxOptions()) as server:
        yield server


@pytest.fixture
def write_config(tmp_path: Path, config_document: dict[str, Any]
                 ) -> Callable[..., Path]:
    """Write the test configuration (plus ``changes`` per top-level section) as TOML."""
    def write(name: str = "zoomsvc.toml", **changes: Any) -> Path:
        document = json.loads(json.dumps(config_document))
        # No retries: a Zoom-down case then fails at once instead of backing off for seconds.
        document["zoom"]["max_retries"] = 0
        document.setdefault("letters", {}).update(output_dir=str(tmp_path / "letters"),
                                                  files_dir=str(tmp_path / "files"))
        document.update(changes)
        path = tmp_path / name
        path.write_text(toml_text(document), encoding="utf-8")
        assert tomllib.loads(path.read_text(encoding="utf-8")) == document
        return path

    return write


@pytest.fixture
def runner(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> CliRunner:
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("ZOOMSVC_CONFIG", raising=False)
    return CliRunner()


@pytest.fixture
def config_path(runner: CliRunner, write_config: Callable[..., Path]) -> Path:
    """A configuration whose database was created with ``zoomsvc db upgrade``."""
    path = write_config()
    result = runner.invoke(cli, ["--config", str(path), "db", "upgrade"])
    assert result.exit_code == 0, result.output
    return path


@pytest.fixture
def body(make_request: Callable[..., dict[str, Any]]) -> Callable[..., dict[str, Any]]:
    """A valid request on a coming working day, 09.00–12.00 WITA."""
    def build(**overrides: Any) -> dict[str, Any]:
        day = workday()
        return make_request(**{"start": f"{day}T09:00", "end": f"{day}T12:00", **overrides})

    return build


@pytest.fixture
def database(db_url: str) -> Iterator[Database]:
    database = Database(db_url)
    yield database
    database.dispose()


def provision(runner: CliRunner, config: Path, data: object, tmp_path: Path,
              raw: str | None = None) -> Result:
    request_file = tmp_path / "REQUEST.json"
    request_file.write_text(raw if raw is not None else json.dumps(data), encoding="utf-8")
    return runner.invoke(cli, ["--config", str(config), "provision", str(request_file)])


def sandbox_stats(sandbox: SandboxServer) -> dict[str, Any]:
    answer = requests.get(f"{sandbox.url}/_sandbox/stats", timeout=5)
    answer.raise_for_status()
    stats: dict[str, Any] = answer.json()
    return stats


def creates(sandbox: SandboxServer) -> int:
    count: int = sandbox_stats(sandbox)["creates"]
    return count


def api_calls(sandbox: SandboxServer) -> dict[str, int]:
    """Every /v2 call the sandbox received, by method and rate label (empty: none at all)."""
    calls: dict[str, int] = sandbox_stats(sandbox)["requests"]
    return calls


def request_rows(database: Database) -> int:
    with database.session() as session:
        count: int = session.scalar(select(func.count()).select_from(Request)) or 0
        return count


def one_line(result: Result) -> str:
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert result.stdout == ""
    return lines[0]


# Success ----------------------------------------------------------------------------------------

def test_provision_prints_the_meeting_with_local_times(
        runner: CliRunner, config_path: Path, sandbox: SandboxServer, tmp_path: Path,
        body: Callable[..., dict[str, Any]]) -> None:
    result = provision(runner, config_path, body(), tmp_path)

    assert result.exit_code == 0, result.output
    output = json.loads(result.stdout)
    assert {"request", "outcome", "meeting", "alternatives"} <= set(output)
    assert re.fullmatch(r"ZM-\d{4}-0001", output["request"])
    assert output["outcome"] == "scheduled"
    assert output["alternatives"] == []
    meeting = output["meeting"]
    assert set(meeting) == {"id", "passcode", "join_url", "host", "start", "end"}
    assert meeting["start"] == f"{workday()}T09:00:00+08:00"
    assert meeting["end"] == f"{workday()}T12:00:00+08:00"
    live = live_sandbox_meetings(sandbox)
    assert [m["id"] for m in live] == [meeting["id"]]
    assert meeting["passcode"] == live[0]["password"]
    assert meeting["join_url"] == live[0]["join_url"]


def test_provision_twice_gives_the_same_request_and_no_second_meeting(
        runner: CliRunner, config_path: Path, sandbox: SandboxServer, tmp_path: Path,
        body: Callable[..., dict[str, Any]]) -> None:
    data = body()
    first = json.loads(provision(runner, config_path, data, tmp_path).stdout)
    again = provision(runner, config_path, data, tmp_path)
    assert again.exit_code == 0, again.output
    second = json.loads(again.stdout)
    assert (second["request"], second["existing"]) == (first["request"], True)
    assert second["meeting"] == first["meeting"]
    assert creates(sandbox) == 1


# Bad input: exit 2, one line naming the field, nothing stored, nothing sent ---------------------

def bad_bodies() -> list[Any]:
    day = workday()
    return [
        pytest.param(lambda b: {k: v for k, v in b.items() if k != "topic"}, "topic",
                     id="missing-field"),
        pytest.param(lambda b: {**b, "ruang": "Aula"}, "ruang", id="extra-field"),
        pytest.param(lambda b: {**b, "contact": {**b["contact"], "fax": "1"}}, "contact.fax",
                     id="extra-contact-field"),
        pytest.param(lambda b: {**b, "participants": "banyak"}, "participants",
                     id="wrong-type"),
        pytest.param(lambda b: {**b, "letter_date": "20/11/2026"}, "letter_date",
                     id="unparsable-date"),
        pytest.param(lambda b: {**b, "start": "besok jam 9"}, "start", id="unparsable-time"),
        pytest.param(lambda b: {**b, "end": b["start"]}, "end", id="end-not-after-start"),
        pytest.param(lambda b: {**b, "end": f"{day}T08:00"}, "end", id="end-before-start"),
        pytest.param(lambda b: {**b, "start": "2020-01-06T09:00", "end": "2020-01-06T12:00"},
                     "start", id="past-start"),
        pytest.param(lambda b: {**b, "end": f"{day + timedelta(days=2)}T12:00"}, "end",
                     id="over-24-hours"),
        pytest.param(lambda b: {**b, "participants": 0}, "participants", id="no-participants"),
        pytest.param(lambda b: {**b, "participants": -5}, "participants",
                     id="negative-participants"),
        pytest.param(lambda b: {**b, "participants": 5000}, "participants",
                     id="above-every-capacity"),
        pytest.param(lambda b: {**b, "topic": "T" * 201}, "topic", id="topic-too-long"),
        pytest.param(lambda b: {**b, "topic": "Rapat\x1b[2J"}, "topic",
                     id="topic-control-character"),
        pytest.param(lambda b: {**b, "participants": 10**28}, "participants",
                     id="participants-1e28"),
        pytest.param(lambda b: {**b, "participants": "9" * 5000}, "participants",
                     id="participants-5000-digit-text"),
        pytest.param(lambda b: {**b, "start": "0001-01-01T01:00+05:00"}, "start",
                     id="start-year-1-with-offset"),
        pytest.param(lambda b: {**b, "start": "9999-12-31T09:00", "end": "9999-12-31T12:00"},
                     "start", id="start-year-9999"),
        pytest.param(lambda b: {**b, "letter_date": "0001-01-01"}, "letter_date",
                     id="letter-date-year-1"),
        *[pytest.param(lambda b, key=key: {**b, key: "Rapat \ud800 Stunting"}, key,
                       id=f"lone-surrogate-in-{key}")
          for key in ("agency", "letter_number", "subject", "topic", "agenda",
                      "srikandi_agenda")],
        pytest.param(lambda b: {**b, "contact": {**b["contact"], "name": "Rina\udfff"}},
                     "contact.name", id="lone-surrogate-in-contact"),
        pytest.param(lambda b: {**b, "topic": "Rapat\x00Stunting"}, "topic", id="nul-in-topic"),
        pytest.param(lambda b: {**b, "agenda": "Baris satu\x00"}, "agenda", id="nul-in-agenda"),
        pytest.param(lambda b: [b], "(permohonan)", id="json-list"),
        pytest.param(lambda b: "permohonan", "(permohonan)", id="json-string"),
        pytest.param(lambda b: 42, "(permohonan)", id="json-number"),
        pytest.param(lambda b: None, "(permohonan)", id="json-null"),
    ]


@pytest.mark.parametrize(("change", "field"), bad_bodies())
def test_bad_input_exits_2_naming_the_field_and_touches_nothing(
        runner: CliRunner, config_path: Path, sandbox: SandboxServer, database: Database,
        tmp_path: Path, body: Callable[..., dict[str, Any]],
        change: Callable[[dict[str, Any]], object], field: str) -> None:
    result = provision(runner, config_path, change(body()), tmp_path)

    assert result.exit_code == 2, result.output
    line = one_line(result)
    assert f"{field}:" in line
    assert "Permohonan tidak valid" in line
    assert request_rows(database) == 0
    assert creates(sandbox) == 0
    assert api_calls(sandbox) == {}


@pytest.mark.parametrize(("raw", "says"), [
    pytest.param('{"agency": "Dinas Kesehatan",', "bukan JSON yang sah", id="truncated-json"),
    pytest.param("agency = 'Dinas Kesehatan'", "bukan JSON yang sah", id="toml-not-json"),
    pytest.param("", "bukan JSON yang sah", id="empty-file"),
])
def test_a_file_that_is_not_json_exits_2_and_touches_nothing(
        runner: CliRunner, config_path: Path, sandbox: SandboxServer, database: Database,
        tmp_path: Path, raw: str, says: str) -> None:
    result = provision(runner, config_path, None, tmp_path, raw=raw)

    assert result.exit_code == 2, result.output
    assert says in one_line(result)
    assert request_rows(database) == 0
    assert api_calls(sandbox) == {}


def with_participants_digits(body: dict[str, Any], digits: int) -> str:
    """The body as JSON with ``participants`` written as a literal of ``digits`` nines."""
    return json.dumps({**body, "participants": 0}).replace(
        '"participants": 0', '"participants": ' + "9" * digits)


@pytest.mark.parametrize(("raw", "says"), [
    pytest.param(lambda b: with_participants_digits(b, 5000), "participants:",
                 id="participants-5000-digits"),
    pytest.param(lambda b: "[" * 100_000 + "]" * 100_000, "terlalu bertingkat",
                 id="nested-100000-deep"),
    pytest.param(lambda b: json.dumps(b)[:-1] + ', "agenda": ' + "[" * 100_000
                 + "]" * 100_000 + "}", "terlalu bertingkat", id="nested-100000-deep-in-a-field"),
])
def test_a_request_file_the_json_decoder_chokes_on_exits_2(
        runner: CliRunner, config_path: Path, sandbox: SandboxServer, database: Database,
        tmp_path: Path, body: Callable[..., dict[str, Any]],
        raw: Callable[[dict[str, Any]], str], says: str) -> None:
    result = provision(runner, config_path, None, tmp_path, raw=raw(body()))

    assert result.exit_code == 2, result.output
    line = one_line(result)
    assert "Permohonan tidak valid" in line
    assert says in line
    assert request_rows(database) == 0
    assert api_calls(sandbox) == {}


def test_a_missing_request_file_exits_2(runner: CliRunner, config_path: Path,
                                        sandbox: SandboxServer, tmp_path: Path) -> None:
    result = runner.invoke(cli, ["--config", str(config_path), "provision",
                                 str(tmp_path / "tidak-ada.json")])
    assert result.exit_code == 2
    assert "tidak-ada.json" in one_line(result)
    assert api_calls(sandbox) == {}


def test_an_agency_missing_from_the_configured_list_exits_2(
        runner: CliRunner, write_config: Callable[..., Path], sandbox: SandboxServer,
        database: Database, tmp_path: Path, body: Callable[..., dict[str, Any]]) -> None:
    path = write_config(opd=[{"name": "Dinas Pendidikan"}, {"name": "Dinas Kesehatan"}])
    assert runner.invoke(cli, ["--config", str(path), "db", "upgrade"]).exit_code == 0

    refused = provision(runner, path, body(agency="Dinas Rahasia"), tmp_path)

    assert refused.exit_code == 2, refused.output
    assert "agency:" in one_line(refused)
    assert request_rows(database) == 0
    assert api_calls(sandbox) == {}

    accepted = provision(runner, path, body(agency="DINAS KESEHATAN"), tmp_path)
    assert accepted.exit_code == 0, accepted.output
    with database.session() as session:
        assert session.scalars(select(Request.agency)).all() == ["Dinas Kesehatan"]


def test_a_host_the_calendar_refuses_is_named_as_the_host_field(
        runner: CliRunner, config_path: Path, sandbox: SandboxServer, database: Database,
        tmp_path: Path, body: Callable[..., dict[str, Any]]) -> None:
    request_file = tmp_path / "REQUEST.json"
    request_file.write_text(json.dumps(body(participants=50)), encoding="utf-8")
    result = runner.invoke(cli, ["--config", str(config_path), "provision", str(request_file),
                                 "--host", "zoom3@kominfo.tarakankota.go.id"])
    assert result.exit_code == 2, result.output
    assert "host:" in one_line(result)
    assert creates(sandbox) == 0


# Zoom down, schema missing ----------------------------------------------------------------------

def test_zoom_down_exits_1_leaving_the_request_retryable_and_a_rerun_succeeds(
        runner: CliRunner, config_path: Path, sandbox: SandboxServer, database: Database,
        tmp_path: Path, body: Callable[..., dict[str, Any]]) -> None:
    data = body()
    set_sandbox_faults(sandbox, fail_next=ZOOM_DOWN)

    failed = provision(runner, config_path, data, tmp_path)

    assert failed.exit_code == 1, failed.output
    assert "Gagal" in failed.stderr
    assert failed.stdout == ""
    with database.session() as session:
        request = session.scalars(select(Request)).one()
        code, state, error = request.code, request.state, request.last_error
    assert code in failed.stderr
    assert state == "scheduling"
    assert error
    assert creates(sandbox) == 0

    set_sandbox_faults(sandbox, fail_next=0)
    retried = provision(runner, config_path, data, tmp_path)

    assert retried.exit_code == 0, retried.output
    output = json.loads(retried.stdout)
    assert (output["request"], output["outcome"], output["existing"]) == (code, "scheduled",
                                                                          True)
    assert [m["id"] for m in live_sandbox_meetings(sandbox)] == [output["meeting"]["id"]]
    with database.session() as session:
        assert session.scalars(select(Request.last_error)).one() is None


def test_provision_on_a_database_without_schema_says_to_run_db_upgrade(
        runner: CliRunner, write_config: Callable[..., Path], sandbox: SandboxServer,
        tmp_path: Path, body: Callable[..., dict[str, Any]]) -> None:
    path = write_config()  # no "db upgrade"
    result = provision(runner, path, body(), tmp_path)
    assert result.exit_code == 1, result.output
    assert "zoomsvc db upgrade" in one_line(result)
    assert api_calls(sandbox) == {}


# The audit trail --------------------------------------------------------------------------------

@pytest.fixture
def trail(runner: CliRunner, config_path: Path, sandbox: SandboxServer, tmp_path: Path,
          body: Callable[..., dict[str, Any]], database: Database) -> int:
    """Two provisioned requests; the number of audit events they left."""
    for _ in range(2):
        assert provision(runner, config_path, body(), tmp_path).exit_code == 0
    with database.session() as session:
        count: int = session.scalar(select(func.count()).select_from(AuditEvent)) or 0
    assert count >= 6
    return count


def audit_verify(runner: CliRunner, config: Path) -> Result:
    return runner.invoke(cli, ["--config", str(config), "audit", "verify"])


def test_audit_verify_passes_an_untouched_trail(runner: CliRunner, config_path: Path,
                                                trail: int) -> None:
    result = audit_verify(runner, config_path)
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    assert (report["events"], report["intact"]) == (trail, True)
    assert re.fullmatch(r"[0-9a-f]{64}", report["head"])


@pytest.mark.parametrize(("tamper", "named"), [
    pytest.param("UPDATE audit_events SET note = 'tidak pernah terjadi' WHERE seq = 2", [2],
                 id="changed-note"),
    pytest.param("UPDATE audit_events SET actor = 'kadis' WHERE seq = 4", [4],
                 id="changed-actor"),
    pytest.param("DELETE FROM audit_events WHERE seq = 3", [4], id="deleted-middle"),
])
def test_audit_verify_exits_1_naming_the_event_that_was_touched(
        runner: CliRunner, config_path: Path, database: Database, trail: int, tamper: str,
        named: list[int]) -> None:
    with database.session() as session:
        session.execute(text(tamper))

    result = audit_verify(runner, config_path)

    assert result.exit_code == 1, result.output
    mentioned = sorted({int(n) for n in re.findall(r"peristiwa #(\d+)", result.stderr)})
    assert mentioned == named


def test_audit_verify_exits_1_on_a_forged_event(runner: CliRunner, config_path: Path,
                                                database: Database, trail: int) -> None:
    with database.session() as session:
        last = session.scalars(select(AuditEvent).order_by(AuditEvent.seq.desc())).first()
        assert last is not None
        session.add(AuditEvent(seq=last.seq + 1, request_id=last.request_id, at=last.at,
                               actor="kadis", role="kadis", from_state="reviewed",
                               to_state="signed", note="ditandatangani", sop_step="9",
                               prev_hash=last.hash, hash="a" * 64))

    result = audit_verify(runner, config_path)

    assert result.exit_code == 1, result.output
    assert f"peristiwa #{trail + 1}" in result.stderr
    assert f"peristiwa #{trail}:" not in result.stderr


def test_audit_verify_exits_1_when_an_event_was_rewritten_and_the_chain_recomputed(
        runner: CliRunner, config_path: Path, database: Database, trail: int) -> None:
    # Without the audit key the recomputed links are plain SHA-256, as the chain used to be.
    with database.session() as session:
        events = list(records.all_events(session))
        events[1].actor = "kadis"
        previous = events[0].hash
        for event in events[1:]:
            event.prev_hash = previous
            event.hash = previous = chain_hash(previous, records.event_fields(event))

    result = audit_verify(runner, config_path)

    assert result.exit_code == 1, result.output
    assert "peristiwa #2:" in result.stderr


def test_audit_verify_with_an_earlier_head_tells_that_the_last_events_were_deleted(
        runner: CliRunner, config_path: Path, database: Database, trail: int) -> None:
    head = json.loads(audit_verify(runner, config_path).stdout)["head"]
    with database.session() as session:
        session.execute(text("DELETE FROM audit_events WHERE seq > :seq"), {"seq": trail - 2})

    # The chain alone cannot show a cut-off tail (the README says so) ...
    assert audit_verify(runner, config_path).exit_code == 0
    # ... the head kept elsewhere does.
    result = runner.invoke(cli, ["--config", str(config_path), "audit", "verify", "--head", head])

    assert result.exit_code == 1, result.output
    assert "tidak ada lagi dalam jejak audit" in result.output
    assert "Traceback" not in result.output


def test_audit_verify_with_an_earlier_head_accepts_the_events_written_since(
        runner: CliRunner, config_path: Path, tmp_path: Path, body: Callable[..., dict[str, Any]],
        trail: int) -> None:
    head = json.loads(audit_verify(runner, config_path).stdout)["head"]
    assert provision(runner, config_path, body(), tmp_path).exit_code == 0

    result = runner.invoke(cli, ["--config", str(config_path), "audit", "verify",
                                 "--head", head.upper()])

    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    assert report["since_head"] == report["events"] - trail > 0
    assert report["head"] != head


@pytest.mark.parametrize("head", ["abc", "g" * 64, ""])
def test_audit_verify_refuses_a_head_that_is_not_a_hash(
        runner: CliRunner, config_path: Path, trail: int, head: str) -> None:
    result = runner.invoke(cli, ["--config", str(config_path), "audit", "verify", "--head", head])
    assert result.exit_code == 2
    assert "--head" in result.output


# The demo ---------------------------------------------------------------------------------------

def test_the_demo_runs_without_configuration_and_finds_its_request_again(
        runner: CliRunner) -> None:
    first = runner.invoke(cli, ["demo"])
    assert first.exit_code == 0, first.output
    made = json.loads(first.stdout)
    assert made["outcome"] == "scheduled"
    assert made["existing"] is False
    assert made["meeting"]["start"].endswith("+08:00")

    second = runner.invoke(cli, ["demo"])

    assert second.exit_code == 0, second.output
    found = json.loads(second.stdout)
    assert found["existing"] is True
    assert found["request"] == made["request"]
    assert found["meeting"]["id"] == made["meeting"]["id"]
    assert Path("instance/zoomsvc.db").is_file()


def test_the_other_commands_read_what_the_demo_made_without_flags(runner: CliRunner) -> None:
    made = json.loads(runner.invoke(cli, ["demo"]).stdout)

    # No --config: the built-in configuration reads the database the demo wrote.
    shown = runner.invoke(cli, ["letter", "show", made["request"]])

    assert shown.exit_code == 0, shown.output
    assert made["request"] in shown.output


def test_the_web_demo_on_a_port_in_use_says_so(runner: CliRunner) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = runner.invoke(cli, ["demo", "--web", "--port", str(port)])

    assert result.exit_code == 1, result.output
    assert f"porta {port} tidak dapat dipakai" in result.output
    assert "Traceback" not in result.output
