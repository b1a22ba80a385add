"""Several instances on one database: throughput, and proof that nothing is double-booked or lost.

    python bench/concurrency.py [--requests 200] [--processes 1,2,4,8] [--postgres URL]
    python bench/concurrency.py load    [--requests 2000] [--processes 8] [--database URL]
    python bench/concurrency.py crashes [--each 20] [--database URL]
    python bench/concurrency.py faults  [--requests 200] [--threads 8] [--database URL]

The default run provisions ``--requests`` requests (and drafts their letters) with 1, 2, 4 and 8
processes (forked; each builds its own ``Services`` from one configuration, as gunicorn workers
do) against one bundled sandbox (not Zoom) whose per-second and daily limits are raised so that
Zoom's limits are not what is measured, on SQLite and on PostgreSQL when it answers (``--postgres``,
else ``$ZOOMSVC_TEST_DATABASE_URL``, else the local server; a fresh schema per run). It prints
requests per second and the violations found afterwards, which must be 0: host slots booked over
a host's concurrency (meetings running together, in the database or on the sandbox), requests
with two meetings, orphan meetings (a request marker on Zoom without its live row), duplicate
letter numbers. Timings are figures, not assertions; the sandbox serves from a thread of this
process.

The other commands are the scenarios of ``tests/test_concurrency.py`` with larger numbers (the
test module loads this file and runs them small): ``load`` (many overlapping requests at once),
``crashes`` (``zoomsvc provision`` killed by SIGKILL at each crash point, then recovered: at once
where the lease allows, past the lease via time-machine otherwise), ``faults`` (the sandbox
failing 20 % of calls, 429 bursts, 3-second tokens, slow answers; failed requests run again).
"""

from __future__ import annotations

# bench/ holds a calendar.py, and running a script from bench/ puts that folder first on sys.path,
# so the stdlib's ``import calendar`` (via email, used by requests) would load it. Drop bench/
# from the path before importing anything else.
import os
import sys

_HERE = os.path.dirname(os.path.abspath(__file__))
sys.path[:] = [p for p in sys.path if os.path.abspath(p or os.curdir) != _HERE]

import argparse  # noqa: E402
import contextlib  # noqa: E402
import json  # noqa: E402
import multiprocessing  # noqa: E402
import queue  # noqa: E402
import subprocess  # noqa: E402
import tempfile  # noqa: E402
import threading  # noqa: E402
import time  # noqa: E402
import uuid  # noqa: E402
from collections import Counter  # noqa: E402
from collections.abc import Callable, Iterator, Sequence  # noqa: E402
from dataclasses import dataclass, field  # noqa: E402
from datetime import UTC, date, datetime, timedelta  # noqa: E402
from pathlib import Path  # noqa: E402
from typing import Any  # noqa: E402
from urllib.parse import quote  # noqa: E402
from zoneinfo import ZoneInfo  # noqa: E402

import requests  # noqa: E402
from sqlalchemy import create_engine, select, text  # noqa: E402

from zoomsvc.calendar import holiday_calendar, years_around  # noqa: E402
from zoomsvc.config import Config, build_config, demo_document  # noqa: E402
from zoomsvc.config.model import CalendarSettings  # noqa: E402
from zoomsvc.crashpoints import ENV as CRASH_ENV  # noqa: E402
from zoomsvc.intake import Intake  # noqa: E402
from zoomsvc.lifecycle.reconcile import MARKER  # noqa: E402
from zoomsvc.provisioning import ProvisioningFailed  # noqa: E402
from zoomsvc.provisioning.service import INTENT_LEASE  # noqa: E402
from zoomsvc.services import Services  # noqa: E402
from zoomsvc.store import Database  # noqa: E402
from zoomsvc.store.migrate import upgrade  # noqa: E402
from zoomsvc.store.models import Letter, Meeting, Request  # noqa: E402
from zoomsvc.store.records import all_events, verify_chain  # noqa: E402
from zoomsvc.zoom.sandbox import SandboxOptions, SandboxServer  # noqa: E402

WITA = ZoneInfo("Asia/Makassar")
NOW = datetime(2026, 11, 23, 8, 0, tzinfo=WITA)  # a Monday: the requests go on the days after
RAISED = 100_000.0  # requests per second: Zoom's per-second limits out of the way
DAILY = 10**6  # creates per host per day: likewise
PG_DEFAULT = "postgresql+psycopg://postgres@127.0.0.1:5432/test"
CRASH_POINTS = ("before_zoom", "after_zoom", "after_commit")
COMMAND = [sys.executable, "-c", "from zoomsvc.cli import main; main()"]
# Crowded on purpose: eight start times within 09.00–12.30, four lengths, three sizes (50 people
# fit the Basic host when the meeting is short), so hosts fill up and many requests come back full.
STARTS = ("09:00", "09:30", "10:00", "10:30", "11:00", "11:30", "12:00", "12:30")
LENGTHS = (30, 60, 90, 120)
PEOPLE = (50, 150, 250)
FINAL = ("scheduled", "draft_ready", "full")


@dataclass(frozen=True)
class ServiceClock:
    """"Now" for the service and the sandbox: ``start`` plus the wall-clock time since ``wall``."""

    start: datetime = NOW
    wall: float = field(default_factory=time.time)

    def __call__(self) -> datetime:
        return self.start.astimezone(UTC) + timedelta(seconds=time.time() - self.wall)

    def epoch(self) -> float:
        """The same instant in epoch seconds (the sandbox's clock)."""
        return self.start.timestamp() + time.time() - self.wall


def sandbox_options(clock: Callable[[], float] = time.time, **changes: Any) -> SandboxOptions:
    """Sandbox options with the per-second and daily limits raised; ``changes`` override."""
    raised: dict[str, Any] = {"light_limit": RAISED, "medium_limit": RAISED,
                              "heavy_limit": RAISED, "daily_limit": DAILY, "seed": 7}
    return SandboxOptions(clock=clock, **{**raised, **changes})


def config_document(sandbox_url: str, db_url: str, workdir: Path, *,
                    paced: bool = False) -> dict[str, Any]:
    """The demo configuration on this sandbox and database, letters under ``workdir``; the
    client's own pacing is raised too unless ``paced`` (then the plan's limits apply)."""
    document = demo_document(sandbox_url)
    document["database"] = {"url": db_url}
    if not paced:
        document["zoom"]["rate_limits"] = {"light": RAISED, "medium": RAISED, "heavy": RAISED}
    document["letters"].update(output_dir=str(workdir / "letters"),
                               files_dir=str(workdir / "files"))
    return document


def toml_text(document: dict[str, Any]) -> str:
    """A configuration document as TOML (strings, numbers, booleans, lists, tables)."""
    lines: list[str] = []

    def value(item: object) -> str:
        if isinstance(item, bool):
            return "true" if item else "false"
        if isinstance(item, int | float):
            return repr(item)
        if isinstance(item, str):
            return json.dumps(item)  # JSON's string escapes are valid TOML basic strings
        if isinstance(item, list):
            return "[" + ", ".join(value(i) for i in item) + "]"
        raise TypeError(f"no TOML form for {item!r}")

    def tables(prefix: str, mapping: dict[str, Any]) -> None:
        nested = {k: v for k, v in mapping.items() if isinstance(v, dict) or (
            isinstance(v, list) and v and all(isinstance(i, dict) for i in v))}
        lines.extend(f"{k} = {value(v)}" for k, v in mapping.items() if k not in nested)
        for key, item in nested.items():
            name = f"{prefix}.{key}" if prefix else key
            for entry in [item] if isinstance(item, dict) else item:
                lines.append(f"\n[{name}]" if isinstance(item, dict) else f"\n[[{name}]]")
                tables(name, entry)

    tables("", document)
    return "\n".join(lines) + "\n"


def working_days(first: date, count: int) -> list[date]:
    """``count`` working days (Monday–Friday, not a holiday of the default calendar) from
    ``first`` on."""
    closed = holiday_calendar(CalendarSettings(), years_around(first))
    days, day = [], first
    while len(days) < count:
        if day.isoweekday() <= 5 and day not in closed:
            days.append(day)
        day += timedelta(days=1)
    return days


def request_bodies(count: int, *, days: int, first_day: date, tag: str = "BEBAN"
                   ) -> list[dict[str, Any]]:
    """``count`` requests with distinct letters, crowded into the mornings of ``days`` days."""
    dates = working_days(first_day, days)
    bodies = []
    for i in range(count):
        start = datetime.fromisoformat(f"{dates[i % days]}T{STARTS[i * 5 % len(STARTS)]}")
        end = start + timedelta(minutes=LENGTHS[i % len(LENGTHS)])
        bodies.append({
            "agency": f"Dinas {i % 7 + 1}", "letter_number": f"005/{i + 1:05d}/{tag}/2026",
            "letter_date": str(first_day - timedelta(days=3)),
            "subject": "Permohonan Fasilitasi Zoom Meeting", "topic": f"Rapat Koordinasi {i + 1}",
            "agenda": "Koordinasi lintas sektor", "start": start.isoformat(timespec="minutes"),
            "end": end.isoformat(timespec="minutes"), "participants": PEOPLE[i % len(PEOPLE)],
            "contact": {"name": "Rina Handayani", "phone": "0812-5500-1234",
                        "email": "rina@dinkes.example.go.id"},
        })
    return bodies


# Submitting -------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Outcome:
    """What one submit ended in: the request's state, or ``failed``/``error`` and why."""

    letter: str
    code: str | None
    state: str
    error: str | None
    seconds: float


def submit_one(intake: Intake, body: dict[str, Any]) -> Outcome:
    """Provision one request and draft its letter, as the CLI and the web form do."""
    started = time.perf_counter()
    try:
        result, draft = intake.submit(body, actor="bench")
    except ProvisioningFailed as exc:
        return Outcome(body["letter_number"], exc.code, "failed", str(exc),
                       time.perf_counter() - started)
    except Exception as exc:  # anything else is a defect: reported, never hidden
        return Outcome(body["letter_number"], None, "error", f"{type(exc).__name__}: {exc}",
                       time.perf_counter() - started)
    return Outcome(body["letter_number"], result.code, result.state,
                   draft.error if draft else None, time.perf_counter() - started)


def provision_worker(document: dict[str, Any], clock: Callable[[], datetime], todo: Any,
                     done: Any, gate: Any) -> None:
    """One instance: its own Services (database pool, Zoom client); submit until told to stop."""
    services = Services(build_config(document, {}, source="bench"), clock=clock)
    try:
        gate.wait(120)
        for body in iter(todo.get, None):
            done.put(submit_one(services.intake, body))
    finally:
        services.db.dispose()


def run_processes(document: dict[str, Any], clock: Callable[[], datetime],
                  bodies: Sequence[dict[str, Any]], processes: int
                  ) -> tuple[list[Outcome], float]:
    """Provision ``bodies`` from ``processes`` forked workers started together: (outcomes,
    seconds). The caller disposes its own database engines first: a forked child must not
    inherit an open connection (SQLite file or PostgreSQL socket)."""
    context = multiprocessing.get_context("fork")
    todo, done, gate = context.Queue(), context.Queue(), context.Barrier(processes + 1)
    workers = [context.Process(target=provision_worker, args=(document, clock, todo, done, gate))
               for _ in range(processes)]
    for worker in workers:
        worker.start()
    for body in bodies:
        todo.put(body)
    for _ in workers:
        todo.put(None)
    gate.wait(120)
    started = time.perf_counter()
    outcomes: list[Outcome] = []
    while len(outcomes) < len(bodies):
        try:
            outcomes.append(done.get(timeout=1))
        except queue.Empty:
            if not any(worker.is_alive() for worker in workers):
                break
    seconds = time.perf_counter() - started
    for worker in workers:
        worker.join(60)
    codes = [worker.exitcode for worker in workers]
    if codes != [0] * processes or len(outcomes) != len(bodies):
        raise RuntimeError(f"workers ended {codes} with {len(outcomes)}/{len(bodies)} answers")
    return outcomes, seconds


def run_threads(intake: Intake, bodies: Sequence[dict[str, Any]], threads: int) -> list[Outcome]:
    """Submit ``bodies`` from ``threads`` threads of this process; outcomes in body order."""
    todo: queue.Queue[int] = queue.Queue()
    for index in range(len(bodies)):
        todo.put(index)
    outcomes: list[Outcome | None] = [None] * len(bodies)

    def work() -> None:
        while True:
            try:
                index = todo.get_nowait()
            except queue.Empty:
                return
            outcomes[index] = submit_one(intake, bodies[index])

    workers = [threading.Thread(target=work) for _ in range(threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    return [o for o in outcomes if o is not None]


# Checking ---------------------------------------------------------------------------------------

@dataclass
class Findings:
    """What the database and the sandbox hold after a run; every list must be empty."""

    requests: int = 0
    states: Counter[str] = field(default_factory=Counter)
    scheduled: int = 0  # requests with a live meeting
    full: int = 0  # requests answered "full" (drafted or not)
    zoom_meetings: int = 0  # live meetings on the sandbox
    letters: int = 0
    overbooked: list[str] = field(default_factory=list)
    two_meetings: list[str] = field(default_factory=list)
    orphans: list[str] = field(default_factory=list)
    duplicate_numbers: list[str] = field(default_factory=list)
    unmatched: list[str] = field(default_factory=list)
    stuck: list[str] = field(default_factory=list)
    sequence_gaps: list[str] = field(default_factory=list)
    chain_breaks: list[str] = field(default_factory=list)

    @property
    def violations(self) -> int:
        """Double-booked host slots, requests with two meetings, orphans, duplicate numbers."""
        return (len(self.overbooked) + len(self.two_meetings) + len(self.orphans)
                + len(self.duplicate_numbers))

    def problems(self) -> dict[str, list[str]]:
        """Every non-empty list of problems, by name."""
        names = ("overbooked", "two_meetings", "orphans", "duplicate_numbers", "unmatched",
                 "stuck", "sequence_gaps", "chain_breaks")
        return {name: getattr(self, name) for name in names if getattr(self, name)}


def overbooked(intervals: dict[str, list[tuple[datetime, datetime]]], limits: dict[str, int],
               pad: timedelta, where: str) -> list[str]:
    """Places where a host runs more meetings at once than its concurrency (each interval
    extended by ``pad`` at its end)."""
    found = []
    for host, spans in intervals.items():
        limit = limits.get(host.lower(), 1)
        # At equal instants an end (-1) sorts before a start (+1): end-exclusive intervals.
        events = sorted([(start, 1) for start, _ in spans] + [(end + pad, -1) for _, end in spans])
        running = 0
        for at, step in events:
            running += step
            if running > limit:
                found.append(f"{where} {host}: {running} rapat > {limit} pada {at:%Y-%m-%d %H:%M}")
    return found


def sandbox_meetings(sandbox_url: str) -> list[dict[str, Any]]:
    """The meetings the sandbox holds and has not deleted (its admin endpoint)."""
    answer = requests.get(f"{sandbox_url}/_sandbox/meetings", timeout=30)
    answer.raise_for_status()
    return [m for m in answer.json()["meetings"] if not m["deleted"]]


def sandbox_stats(sandbox_url: str) -> dict[str, Any]:
    """The sandbox's counters (creates, deletes, 429s, injected 5xx, tokens, ...)."""
    answer = requests.get(f"{sandbox_url}/_sandbox/stats", timeout=30)
    answer.raise_for_status()
    stats: dict[str, Any] = answer.json()
    return stats


def inspect_run(db: Database, sandbox_url: str, config: Config) -> Findings:
    """Compare what the database and the sandbox hold after a run with the invariants."""
    found = Findings()
    limits = {h.user.lower(): h.concurrency for h in config.zoom.hosts}
    # Meetings as scheduled, without the buffers: the calendar lets a meeting start inside an
    # earlier one's buffer when the peak there stays below the concurrency, so the buffers are
    # not an invariant of the stored meetings; running together above the concurrency is.
    pad = timedelta(0)
    with db.session() as session:
        rows = list(session.scalars(select(Request)))
        meetings = list(session.scalars(select(Meeting)))
        letters = list(session.scalars(select(Letter)))
        found.chain_breaks = [f"#{b.seq}: {b.problem}" for b in verify_chain(all_events(session))]
    found.requests, found.states = len(rows), Counter(r.state for r in rows)
    active: dict[int, list[Meeting]] = {}
    for meeting in meetings:
        if meeting.status in ("intent", "live"):
            active.setdefault(meeting.request_id, []).append(meeting)
    live = {m.zoom_id: m for m in meetings if m.status == "live"}
    db_spans: dict[str, list[tuple[datetime, datetime]]] = {}
    for meeting in live.values():
        db_spans.setdefault(meeting.host.lower(), []).append((meeting.start_at, meeting.end_at))
    found.overbooked = overbooked(db_spans, limits, pad, "basis data")
    for row in rows:
        mine = active.get(row.id, [])
        has_live = any(m.status == "live" for m in mine)
        found.scheduled += has_live
        found.full += bool(row.full_reason) and not has_live
        if len(mine) > 1:
            found.two_meetings.append(f"{row.code}: {len(mine)} rapat di basis data")
        if row.state not in FINAL or row.last_error or any(m.status == "intent" for m in mine):
            found.stuck.append(f"{row.code}: {row.state}, {[m.status for m in mine]}, "
                               f"{row.last_error}")
        elif has_live == bool(row.full_reason):
            found.stuck.append(f"{row.code}: {row.state} full={row.full_reason} live={has_live}")
    zoom = sandbox_meetings(sandbox_url)
    found.zoom_meetings = len(zoom)
    zoom_spans: dict[str, list[tuple[datetime, datetime]]] = {}
    markers: Counter[str] = Counter()
    for item in zoom:
        start = datetime.fromisoformat(item["start_time"].replace("Z", "+00:00"))
        zoom_spans.setdefault(item["host_email"].lower(), []).append(
            (start, start + timedelta(minutes=item["duration"])))
        match = MARKER.search(item.get("agenda") or "")
        if match:
            markers[match.group(1)] += 1
            row_of = live.get(item["id"])
            if row_of is None or row_of.marker != match.group(1):
                found.orphans.append(f"rapat Zoom {item['id']} [{match.group(1)}] tanpa baris live")
    found.overbooked += overbooked(zoom_spans, limits, pad, "Zoom")
    found.two_meetings += [f"{code}: {n} rapat di Zoom" for code, n in markers.items() if n > 1]
    zoom_ids, db_ids = {item["id"] for item in zoom}, set(live)
    found.unmatched = [f"hanya di Zoom: {i}" for i in sorted(zoom_ids - db_ids)] + [
        f"hanya di basis data: {i}" for i in sorted(i for i in db_ids - zoom_ids if i)]
    found.letters = len(letters)
    numbers = Counter(letter.number for letter in letters)
    found.duplicate_numbers = [number for number, n in numbers.items() if n > 1]
    by_year: dict[int, list[int]] = {}
    for letter in letters:
        if letter.sequence is not None:
            by_year.setdefault(letter.year, []).append(letter.sequence)
    for year, sequences in by_year.items():
        if sorted(sequences) != list(range(1, len(sequences) + 1)):
            found.sequence_gaps.append(f"{year}: {sorted(sequences)}")
    return found


# Databases --------------------------------------------------------------------------------------

@contextlib.contextmanager
def postgres_schema(base: str) -> Iterator[str]:
    """A fresh schema on the PostgreSQL of ``base``, dropped afterwards: the URL selecting it."""
    schema = f"bench_{uuid.uuid4().hex[:12]}"
    engine = create_engine(base)
    with engine.begin() as connection:
        connection.execute(text(f'CREATE SCHEMA "{schema}"'))
    separator = "&" if "?" in base else "?"
    try:
        yield f"{base}{separator}options={quote(f'-csearch_path={schema}')}"
    finally:
        with engine.begin() as connection:
            connection.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        engine.dispose()


def postgres_problem(url: str) -> str | None:
    """Why the PostgreSQL of ``url`` cannot be used here, or None when it answers."""
    try:
        engine = create_engine(url, connect_args={"connect_timeout": 3})
        with engine.connect() as connection:
            connection.execute(text("SELECT 1"))
        engine.dispose()
    except Exception as exc:
        return f"{type(exc).__name__}: {str(exc).splitlines()[0] if str(exc) else ''}"
    return None


@contextlib.contextmanager
def database_url(kind: str, workdir: Path, postgres: str) -> Iterator[str]:
    """A migrated, empty database of ``kind`` (``sqlite`` or ``postgresql``)."""
    with contextlib.ExitStack() as stack:
        if kind == "sqlite":
            url = f"sqlite:///{workdir / f'zoomsvc-{uuid.uuid4().hex[:8]}.db'}"
        else:
            url = stack.enter_context(postgres_schema(postgres))
        db = Database(url)
        upgrade(db)
        db.dispose()
        yield url


# Scenarios --------------------------------------------------------------------------------------

def zoomsvc(config_path: Path, *args: str, crash_at: str | None = None
            ) -> subprocess.Popen[str]:
    """``zoomsvc --config CFG ARGS`` in a new process, told to die at ``crash_at`` if given."""
    env = {k: v for k, v in os.environ.items() if k not in ("ZOOMSVC_CONFIG", CRASH_ENV)}
    if crash_at:
        env[CRASH_ENV] = crash_at
    return subprocess.Popen([*COMMAND, "--config", str(config_path), *args],  # noqa: S603
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)


def finish(processes: Sequence[subprocess.Popen[str]]) -> list[tuple[int, str, str]]:
    """(return code, stdout, stderr) of each process, once it ended."""
    ended = []
    for process in processes:
        out, err = process.communicate(timeout=300)
        ended.append((process.returncode, out, err))
    return ended


def last_json(output: str) -> dict[str, Any]:
    """The last line of a command's stdout, as JSON (the summary of the jobs, the provision
    output); empty when there is none."""
    lines = output.strip().splitlines()
    try:
        data = json.loads(lines[-1]) if lines else {}
    except json.JSONDecodeError:
        return {}
    return data if isinstance(data, dict) else {}


@dataclass
class CrashReport:
    """What each stage of the crash scenario answered (``point`` per request file)."""

    points: list[str]
    creates: dict[str, int] = field(default_factory=dict)  # sandbox creates after each stage
    killed: list[int] = field(default_factory=list)
    at_once: dict[int, tuple[int, str]] = field(default_factory=dict)  # (exit, state/stderr)
    reconcile_in_lease: dict[str, Any] = field(default_factory=dict)
    recovered: dict[int, tuple[int, str]] = field(default_factory=dict)
    reconcile_past_lease: dict[str, Any] = field(default_factory=dict)
    reconcile_again: dict[str, Any] = field(default_factory=dict)
    audit: tuple[int, str] = (0, "")


def run_crashes(config_path: Path, sandbox_url: str, workdir: Path,
                bodies: Sequence[dict[str, Any]], direct: int = 2,
                at_once: int | None = None) -> CrashReport:
    """Kill ``zoomsvc provision`` at each crash point (request i dies at point i mod 3, all runs
    in parallel), run it again at once (every request killed after its commit, and the first
    ``at_once`` of each other point, all when None), then resolve past the lease what the lease
    blocks.

    Past the lease means ``INTENT_LEASE`` later than now: the dead run's intent is then
    abandoned. The production commands run in this process under time-machine (a subprocess
    cannot be moved in time): ``provision`` for the first ``direct`` requests of each of the two
    points whose intent survives, then ``reconcile`` (adopts or releases the rest), then
    ``provision`` for the rest, then ``reconcile`` again (must change nothing).
    """
    import time_machine
    from click.testing import CliRunner

    from zoomsvc.cli import cli

    files = []
    for index, body in enumerate(bodies):
        files.append(workdir / f"request-{index:03d}.json")
        files[-1].write_text(json.dumps(body, ensure_ascii=False), encoding="utf-8")
    report = CrashReport([CRASH_POINTS[i % len(CRASH_POINTS)] for i in range(len(bodies))])
    ended = finish([zoomsvc(config_path, "provision", str(path), crash_at=point)
                    for path, point in zip(files, report.points, strict=True)])
    report.killed = [code for code, _, _ in ended]
    report.creates["killed"] = sandbox_stats(sandbox_url)["creates"]
    again = [i for i, point in enumerate(report.points) if point == "after_commit"
             or at_once is None or i // len(CRASH_POINTS) < at_once]
    ended = finish([zoomsvc(config_path, "provision", str(files[i])) for i in again])
    report.at_once = {i: (code, last_json(out).get("state") or err.strip())
                      for i, (code, out, err) in zip(again, ended, strict=True)}
    report.reconcile_in_lease = last_json(finish([zoomsvc(config_path, "reconcile")])[0][1])
    report.creates["in_lease"] = sandbox_stats(sandbox_url)["creates"]

    def in_process(*args: str) -> tuple[int, str]:
        result = CliRunner().invoke(cli, ["--config", str(config_path), *args])
        return result.exit_code, result.stdout

    waiting = [i for i, point in enumerate(report.points) if point != "after_commit"]
    first = [i for i in waiting if i // len(CRASH_POINTS) < direct]
    with time_machine.travel(datetime.now(UTC) + INTENT_LEASE + timedelta(minutes=1)):
        for index in first:
            code, out = in_process("provision", str(files[index]))
            report.recovered[index] = (code, last_json(out).get("state", out))
        report.reconcile_past_lease = last_json(in_process("reconcile")[1])
        for index in waiting:
            if index not in first:
                code, out = in_process("provision", str(files[index]))
                report.recovered[index] = (code, last_json(out).get("state", out))
        report.reconcile_again = last_json(in_process("reconcile")[1])
    report.creates["past_lease"] = sandbox_stats(sandbox_url)["creates"]
    code, out, err = finish([zoomsvc(config_path, "audit", "verify")])[0]
    report.audit = (code, out.strip() or err.strip())
    return report


@dataclass
class FaultReport:
    """The rounds of the fault scenario: per round, how its submits ended."""

    rounds: list[Counter[str]] = field(default_factory=list)
    seconds: float = 0.0
    left: list[Outcome] = field(default_factory=list)

    @property
    def attempts(self) -> int:
        """Submits made over all rounds."""
        return sum(sum(r.values()) for r in self.rounds)


def failure_kind(outcome: Outcome) -> str:
    """A short name for why a submit did not finish (from the service's message)."""
    if outcome.state == "error":
        return f"error:{(outcome.error or '').split(':')[0]}"
    if outcome.state != "failed":
        return "draft_failed" if outcome.error else outcome.state
    message = outcome.error or ""
    for words, kind in (("belum pasti", "outcome_unknown"), ("sedang diproses", "in_lease"),
                        ("daftar rapat", "list_failed"), ("pencarian", "search_failed"),
                        ("menolak", "refused"), ("batas harian", "daily_limit")):
        if words in message:
            return kind
    return "failed:other"


def run_through_faults(intake: Intake, bodies: Sequence[dict[str, Any]], threads: int,
                       max_rounds: int = 12) -> FaultReport:
    """Submit everything from ``threads`` threads, then again what did not finish, until done
    or ``max_rounds`` rounds have run (failures are retryable by design: run again)."""
    report = FaultReport()
    pending = list(bodies)
    started = time.perf_counter()
    for _ in range(max_rounds):
        if not pending:
            break
        outcomes = run_threads(intake, pending, threads)
        report.rounds.append(Counter(failure_kind(o) for o in outcomes))
        redo = [i for i, o in enumerate(outcomes) if o.state in ("failed", "error") or o.error]
        report.left = [outcomes[i] for i in redo]
        pending = [pending[i] for i in redo]
    report.seconds = time.perf_counter() - started
    return report


# Command line -----------------------------------------------------------------------------------

def print_findings(found: Findings) -> None:
    print(f"  requests {found.requests}: {dict(sorted(found.states.items()))}; scheduled "
          f"{found.scheduled}, full {found.full}; live Zoom meetings {found.zoom_meetings}; "
          f"letters {found.letters}")
    print(f"  violations {found.violations}; problems: {found.problems() or 'none'}")


def throughput(args: argparse.Namespace, workdir: Path) -> int:
    counts = [int(n) for n in args.processes.split(",")]
    kinds = ["sqlite"]
    problem = postgres_problem(args.postgres)
    if problem is None:
        kinds.append("postgresql")
    print(f"zoomsvc concurrency benchmark: {args.requests} requests (letters drafted) over "
          f"{args.days} working days per run; {os.cpu_count()} CPUs; sandbox in-process")
    if problem is not None:
        print(f"PostgreSQL not reachable at {args.postgres}, its runs are skipped: {problem}")
    header = (f"{'database':<11}{'procs':>6}{'sched':>7}{'full':>6}{'failed':>8}{'seconds':>9}"
              f"{'req/s':>8}{'x 1 proc':>10}{'violations':>12}")
    print(header)
    print("-" * len(header))
    total = 0
    for kind in kinds:
        base_rate = None
        for count in counts:
            clock = ServiceClock()
            with SandboxServer(sandbox_options(clock.epoch)) as sandbox, \
                    database_url(kind, workdir, args.postgres) as url:
                document = config_document(sandbox.url, url, workdir)
                bodies = request_bodies(args.requests, days=args.days,
                                        first_day=NOW.date() + timedelta(days=1))
                outcomes, seconds = run_processes(document, clock, bodies, count)
                db = Database(url)
                found = inspect_run(db, sandbox.url, build_config(document, {}, "bench"))
                db.dispose()
            rate = len(bodies) / seconds
            base_rate = base_rate or rate
            failed = sum(o.state in ("failed", "error") for o in outcomes)
            total += found.violations + len(found.problems())
            print(f"{kind:<11}{count:>6}{found.scheduled:>7}{found.full:>6}{failed:>8}"
                  f"{seconds:>9.2f}{rate:>8.1f}{rate / base_rate:>10.2f}{found.violations:>12}")
            if found.problems():
                print(f"  problems: {found.problems()}")
    print("violations = double-booked host slots (database and Zoom) + requests "
          "with two meetings + orphan meetings + duplicate letter numbers")
    return 1 if total else 0


def scenario(args: argparse.Namespace, workdir: Path) -> int:
    url_kind = "postgresql" if args.database.startswith("postgresql") else "sqlite"
    clock = ServiceClock()
    real_clock = args.command == "crashes"
    faults: dict[str, Any] = {}
    if args.command == "faults":
        faults = {"error_rate": 0.2, "medium_limit": 10.0, "token_ttl": 3, "delay_ms": 20}
    options = sandbox_options(time.time if real_clock else clock.epoch, **faults)
    with SandboxServer(options) as sandbox, \
            database_url(url_kind, workdir, args.database) as url:
        document = config_document(sandbox.url, url, workdir, paced=bool(faults))
        if faults:
            document["zoom"]["max_retries"] = 2  # failures reach the service: it must cope
        config = build_config(document, {}, "bench")
        if args.command == "load":
            bodies = request_bodies(args.requests, days=args.days,
                                    first_day=NOW.date() + timedelta(days=1))
            outcomes, seconds = run_processes(document, clock, bodies, args.processes)
            print(f"load: {len(bodies)} requests, {args.processes} processes, {seconds:.2f} s; "
                  f"outcomes {dict(Counter(failure_kind(o) for o in outcomes))}")
        elif args.command == "faults":
            services = Services(config, clock=clock)
            bodies = request_bodies(args.requests, days=args.days,
                                    first_day=NOW.date() + timedelta(days=1))
            report = run_through_faults(services.intake, bodies, args.threads)
            services.db.dispose()
            print(f"faults: {len(bodies)} requests, {args.threads} threads, {report.attempts} "
                  f"submits in {len(report.rounds)} rounds, {report.seconds:.1f} s")
            for number, kinds in enumerate(report.rounds, start=1):
                print(f"  round {number}: {dict(kinds)}")
            stats = sandbox_stats(sandbox.url)
            print(f"  sandbox: injected 5xx {stats['injected_5xx']}, 429 "
                  f"{stats['rate_limited']}, tokens {stats['token_requests']}, creates "
                  f"{stats['creates']}, deletes {stats['deletes']}")
        else:
            path = workdir / "zoomsvc.toml"
            path.write_text(toml_text(document), encoding="utf-8")
            first = working_days(datetime.now(WITA).date() + timedelta(days=2), 1)[0]
            bodies = request_bodies(3 * args.each, days=3 * args.each, first_day=first,
                                    tag=f"CRASH{uuid.uuid4().hex[:4]}")
            crash = run_crashes(path, sandbox.url, workdir, bodies)
            print(f"crashes: {len(bodies)} runs killed, return codes {Counter(crash.killed)}; "
                  f"sandbox creates after each stage {crash.creates}")
            said = Counter(f"exit {code}: " + ("sedang diproses" if "sedang diproses" in answer
                                               else answer[:60])
                           for code, answer in crash.at_once.values())
            print(f"  run again at once: {dict(said)}")
            print(f"  reconcile in lease {crash.reconcile_in_lease}; past lease "
                  f"{crash.reconcile_past_lease}; again {crash.reconcile_again}")
            print(f"  recovered {Counter(state for _, state in crash.recovered.values())}; "
                  f"audit verify exit {crash.audit[0]}: {crash.audit[1]}")
        db = Database(url)
        found = inspect_run(db, sandbox.url, config)
        db.dispose()
    print_findings(found)
    return 1 if found.violations or found.problems() else 0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    postgres = os.environ.get("ZOOMSVC_TEST_DATABASE_URL") or PG_DEFAULT
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--processes", default="1,2,4,8")
    parser.add_argument("--days", type=int, default=10, help="working days the requests share")
    parser.add_argument("--postgres", default=postgres)
    commands = parser.add_subparsers(dest="command")
    for name, extra in (("load", ("--requests", 2000, "--processes", 8, "--days", 20)),
                        ("crashes", ("--each", 20)),
                        ("faults", ("--requests", 200, "--threads", 8, "--days", 5))):
        sub = commands.add_parser(name)
        sub.add_argument("--database", default="sqlite", help="sqlite or a PostgreSQL URL")
        for option, default in zip(extra[::2], extra[1::2], strict=True):
            sub.add_argument(option, type=int, default=default)
    args = parser.parse_args()
    if "fork" not in multiprocessing.get_all_start_methods() and args.command != "faults":
        sys.exit("needs the fork start method (Linux)")
    with tempfile.TemporaryDirectory(prefix="zoomsvc-concurrency-") as folder:
        workdir = Path(folder)
        sys.exit(scenario(args, workdir) if args.command else throughput(args, workdir))


if __name__ == "__main__":
    main()
