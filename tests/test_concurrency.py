"""Several instances on one database: the writer lock is the database's own, and under load,
kill -9 and a misbehaving Zoom nothing is double-booked or lost.

The scenarios live in ``bench/loadproof/`` (``bench/concurrency.py`` runs them with larger
numbers); this module loads that package and runs them small, on SQLite and, with
``ZOOMSVC_TEST_DATABASE_URL``, on PostgreSQL (the ``db_url`` fixture gives every test its own
schema there). The process scenarios fork
(Linux); each worker builds its own services from the configuration, as gunicorn workers do.
"""

from __future__ import annotations

import importlib.util
import multiprocessing
import sqlite3
import sys
import threading
import time
from collections import Counter
from collections.abc import Iterator
from contextlib import closing
from datetime import UTC, datetime, timedelta
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
from cli_support import workday
from conftest import NOW
from sqlalchemy import create_engine, select, text
from sqlalchemy.engine import make_url

from zoomsvc.config import build_config
from zoomsvc.services import Services
from zoomsvc.store import Database
from zoomsvc.store.db import WRITER_LOCK_KEY
from zoomsvc.store.models import AuditEvent, Request
from zoomsvc.store.records import next_in_sequence
from zoomsvc.zoom.sandbox import SandboxServer

BENCH_PACKAGE = Path(__file__).resolve().parents[1] / "bench" / "loadproof"
needs_fork = pytest.mark.skipif("fork" not in multiprocessing.get_all_start_methods(),
                                reason="the process scenarios fork (Linux)")


def load_bench() -> ModuleType:
    """The ``loadproof`` package of bench/, loaded from its folder (bench/ is no package of the
    project and stays off ``sys.path``)."""
    name = "loadproof"
    if name not in sys.modules:
        spec = importlib.util.spec_from_file_location(
            name, BENCH_PACKAGE / "__init__.py", submodule_search_locations=[str(BENCH_PACKAGE)])
        assert spec is not None
        assert spec.loader is not None
        module = importlib.util.module_from_spec(spec)
        sys.modules[name] = module  # dataclasses and pickling look the module up by name
        spec.loader.exec_module(module)
    return sys.modules[name]


bench = load_bench()


# The writer lock ---------------------------------------------------------------------------

def other_writer_can_start(db_url: str) -> bool:
    """Whether a connection outside zoomsvc could take the writer lock right now."""
    url = make_url(db_url)
    if url.get_backend_name() == "sqlite":
        with closing(sqlite3.connect(url.database or "", timeout=0,
                                     isolation_level=None)) as raw:
            try:
                raw.execute("BEGIN IMMEDIATE")
            except sqlite3.OperationalError as exc:
                if "locked" not in str(exc):
                    raise
                return False
            raw.execute("ROLLBACK")
            return True
    engine = create_engine(db_url)
    try:
        with engine.begin() as connection:
            taken: bool = connection.execute(text("SELECT pg_try_advisory_xact_lock(:key)"),
                                             {"key": WRITER_LOCK_KEY}).scalar_one()
            return taken
    finally:
        engine.dispose()


def advisory_waiters(db_url: str) -> tuple[int, int]:
    """PostgreSQL's own view of the writer lock: (sessions holding it, sessions waiting)."""
    engine = create_engine(db_url)
    try:
        with engine.connect() as connection:
            rows = connection.execute(text(
                "SELECT granted, count(*) FROM pg_locks WHERE locktype = 'advisory' "
                "AND classid = 0 AND objid = :key AND objsubid = 1 GROUP BY granted"),
                {"key": WRITER_LOCK_KEY}).all()
    finally:
        engine.dispose()
    counts = {bool(granted): int(n) for granted, n in rows}
    return counts.get(True, 0), counts.get(False, 0)


@pytest.mark.parametrize("first_ends", ["commit", "rollback"])
def test_an_allocation_waits_in_the_database_until_the_other_instance_commits(
        db: Database, db_url: str, first_ends: str) -> None:
    other = Database(db_url)  # a second instance: its own engine, its own connection
    held, release, trying, entered = (threading.Event() for _ in range(4))
    seen: list[int] = []
    timeline: dict[str, float] = {}

    def first() -> None:
        try:
            with db.serialized_write() as session:
                next_in_sequence(session, "lock", 2026)
                held.set()
                assert release.wait(10)
                next_in_sequence(session, "lock", 2026)
                timeline["first_ends"] = time.monotonic()
                if first_ends == "rollback":
                    raise LookupError("the first worker fails: its transaction rolls back")
        except LookupError:
            pass

    def second() -> None:
        assert held.wait(10)
        trying.set()
        with other.serialized_write() as session:
            timeline["second_enters"] = time.monotonic()
            entered.set()
            seen.append(next_in_sequence(session, "lock", 2026))

    threads = [threading.Thread(target=first), threading.Thread(target=second)]
    for thread in threads:
        thread.start()
    try:
        assert trying.wait(10)
        assert not entered.wait(0.5), "the second allocation did not wait for the first"
        # The database holds the lock, not zoomsvc: a plain connection cannot take it either,
        # and PostgreSQL shows the second instance queued on the advisory lock.
        assert other_writer_can_start(db_url) is False
        if not db.is_sqlite:
            assert advisory_waiters(db_url) == (1, 1)
    finally:
        release.set()
        for thread in threads:
            thread.join(10)
        other.dispose()
    assert entered.is_set()
    assert timeline["second_enters"] >= timeline["first_ends"]
    # After a commit the second saw both of the first's increments; after a rollback, none.
    assert seen == ([3] if first_ends == "commit" else [1])
    assert other_writer_can_start(db_url) is True


def test_the_overbooking_check_finds_a_host_running_more_than_its_concurrency() -> None:
    at = datetime(2026, 11, 24, 1, 0, tzinfo=UTC)
    hour = timedelta(hours=1)
    spans = {"zoom1": [(at, at + hour), (at, at + 2 * hour), (at + hour / 2, at + hour)],
             "zoom2": [(at, at + hour), (at + hour, at + 2 * hour), (at, at + hour)]}
    found = bench.overbooked(spans, {"zoom1": 2, "zoom2": 2}, timedelta(0), "Zoom")
    assert found == ["Zoom zoom1: 3 rapat > 2 pada 2026-11-24 01:30"]


# Load: eight processes at once -----------------------------------------------------------------

@pytest.fixture
def service_clock() -> Any:
    """The services' and the sandbox's "now": Monday 08.00 WITA plus the elapsed wall time."""
    return bench.ServiceClock(NOW)


@needs_fork
@pytest.mark.slow
def test_eight_processes_provisioning_overlapping_requests_never_double_book(
        db: Database, db_url: str, service_clock: Any, tmp_path: Path) -> None:
    bodies = bench.request_bodies(200, days=2, first_day=NOW.date() + timedelta(days=1))
    with SandboxServer(bench.sandbox_options(service_clock.epoch)) as sandbox:
        document = bench.config_document(sandbox.url, db_url, tmp_path)
        db.dispose()  # no connection of this process may be inherited by the children
        outcomes, seconds = bench.run_processes(document, service_clock, bodies, 8)
        found = bench.inspect_run(db, sandbox.url, build_config(document, {}, "test"))
        stats = bench.sandbox_stats(sandbox.url)
    print(f"\n200 requests from 8 processes in {seconds:.1f} s: scheduled {found.scheduled}, "
          f"full {found.full}, letters {found.letters}, Zoom creates {stats['creates']}")

    assert [(o.letter, o.state, o.error) for o in outcomes if o.state != "draft_ready"
            or o.error] == []
    assert found.problems() == {}
    assert found.violations == 0
    assert found.states == Counter({"draft_ready": 200})
    assert found.scheduled + found.full == 200
    assert found.full >= 100, "the requests were meant to crowd the hosts"
    assert found.scheduled >= 10
    assert found.zoom_meetings == found.scheduled == stats["creates"]
    assert stats["deletes"] == 0
    assert found.letters == 200  # numbers 1..200, consecutive: no gaps reported above


# Kill -9 at every crash point --------------------------------------------------------------------

@pytest.fixture
def wall_sandbox() -> Iterator[SandboxServer]:
    """A sandbox on the wall clock, like the ``zoomsvc`` commands; limits out of the way."""
    with SandboxServer(bench.sandbox_options()) as server:
        yield server


@pytest.mark.slow
def test_provision_killed_at_every_crash_point_ends_with_one_meeting_per_request(
        db: Database, db_url: str, wall_sandbox: SandboxServer, tmp_path: Path) -> None:
    # Three requests per crash point is the fewest that takes every path: of the two points
    # whose intent survives, run_crashes provisions two each directly past the lease, which
    # leaves one of each for reconcile to adopt (after_zoom) and to release (before_zoom).
    # Each request costs a fresh Python process or two; bench/concurrency.py runs more.
    each = 3
    document = bench.config_document(wall_sandbox.url, db_url, tmp_path)
    config_path = tmp_path / "zoomsvc.toml"
    config_path.write_text(bench.toml_text(document), encoding="utf-8")
    bodies = bench.request_bodies(3 * each, days=3 * each, first_day=workday(2), tag="CRASH")

    # Re-run at once: all killed after their commit, one of each other point (each run is a
    # new Python process; the waiting ones all answer alike, and all are resolved below).
    report = bench.run_crashes(config_path, wall_sandbox.url, tmp_path, bodies, at_once=1)
    print(f"\ncrashes: {report.points.count('before_zoom')} x before_zoom, after_zoom, "
          f"after_commit; creates {report.creates}; reconcile {report.reconcile_in_lease} / "
          f"{report.reconcile_past_lease} / {report.reconcile_again}")

    assert report.killed == [-9] * len(bodies)  # each run died by SIGKILL at its point
    waiting = [i for i, p in enumerate(report.points) if p != "after_commit"]
    # Zoom has the meetings of the runs killed after the create, none of the others.
    assert report.creates["killed"] == 2 * each
    # Run again at once: a commit that happened is finished (the draft letter); an intent
    # whose worker may still be at Zoom is left alone (the lease), and nothing is created.
    assert sorted(report.at_once) == [0, 1, 2, *range(5, 3 * each, 3)]
    for index, (code, answer) in report.at_once.items():
        if index in waiting:
            assert code == 1, answer
            assert "sedang diproses" in answer
        else:
            assert (code, answer) == (0, "draft_ready")
    assert report.creates["in_lease"] == 2 * each
    assert report.reconcile_in_lease == {"checked": 3 * each, "changed": 0,
                                         "reported": 2 * each, "failed": 0}
    # Past the lease: provision adopts (after_zoom) or creates (before_zoom); reconcile adopts
    # or releases the rest; every request then has its meeting and its letter.
    assert report.recovered == {i: (0, "draft_ready") for i in waiting}
    direct = 2 * 2  # run_crashes provisions two of each waiting point before reconciling
    assert report.reconcile_past_lease["changed"] == len(waiting) - direct
    assert report.reconcile_past_lease["failed"] == 0
    assert report.reconcile_again["changed"] == 0
    assert report.creates["past_lease"] == len(bodies)
    assert report.audit[0] == 0, report.audit
    assert '"intact": true' in report.audit[1]

    found = bench.inspect_run(db, wall_sandbox.url, build_config(document, {}, "test"))
    assert found.problems() == {}
    assert found.states == Counter({"draft_ready": len(bodies)})
    assert found.scheduled == found.zoom_meetings == len(bodies)
    assert found.letters == len(bodies)
    with db.session() as session:
        codes = list(session.scalars(select(Request.code).order_by(Request.letter_number)))
        adopted = set(session.scalars(select(Request.code).join(AuditEvent).where(
            AuditEvent.note.contains("diadopsi"))))
    assert adopted == {codes[i] for i, p in enumerate(report.points) if p == "after_zoom"}
    assert bench.sandbox_stats(wall_sandbox.url)["deletes"] == 0


# A misbehaving Zoom for a whole run --------------------------------------------------------------

@pytest.mark.slow
def test_every_request_ends_correctly_while_zoom_fails_limits_and_expires_tokens(
        db: Database, db_url: str, service_clock: Any, tmp_path: Path) -> None:
    faults = {"error_rate": 0.2, "medium_limit": 10.0, "token_ttl": 3, "delay_ms": 20}
    bodies = bench.request_bodies(40, days=2, first_day=NOW.date() + timedelta(days=1),
                                  tag="GANGGU")
    with SandboxServer(bench.sandbox_options(service_clock.epoch, **faults)) as sandbox:
        document = bench.config_document(sandbox.url, db_url, tmp_path, paced=True)
        document["zoom"]["max_retries"] = 2  # let failures reach the service, not only the client
        config = build_config(document, {}, "test")
        services = Services(config, clock=service_clock)
        try:
            report = bench.run_through_faults(services.intake, bodies, threads=4, max_rounds=12)
        finally:
            services.db.dispose()
        found = bench.inspect_run(db, sandbox.url, config)
        stats = bench.sandbox_stats(sandbox.url)
    print(f"\n40 requests, 4 threads: {report.attempts} submits in {len(report.rounds)} rounds, "
          f"{report.seconds:.1f} s; rounds {[dict(r) for r in report.rounds]}; sandbox: "
          f"5xx {stats['injected_5xx']}, 429 {stats['rate_limited']['qps']}, tokens "
          f"{stats['token_requests']}; scheduled {found.scheduled}, full {found.full}")

    # The faults happened (else this proves nothing) ...
    assert stats["injected_5xx"] > 0
    assert stats["rate_limited"]["qps"] > 0
    assert stats["token_requests"] >= 2
    assert report.attempts > len(bodies)
    # ... no submit ended in anything but a state or a retryable failure ...
    assert not [kind for r in report.rounds for kind in r if kind.startswith("error")]
    # ... and after the re-runs every request stands where it should, none stuck, none twice.
    assert report.left == []
    assert found.problems() == {}
    assert found.states == Counter({"draft_ready": len(bodies)})
    assert found.scheduled + found.full == len(bodies)
    assert found.scheduled > 0
    assert found.full > 0
    assert found.zoom_meetings == found.scheduled == stats["creates"]
    assert stats["deletes"] == 0
