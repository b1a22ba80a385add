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

The other commands are the scenarios of ``tests/test_concurrency.py`` with larger numbers (they
live in ``bench/loadproof/``, which the test module loads and runs small): ``load`` (many
overlapping requests at once), ``crashes`` (``zoomsvc provision`` killed by SIGKILL at each
crash point, then recovered: at once where the lease allows, past the lease via time-machine
otherwise), ``faults`` (the sandbox failing 20 % of calls, 429 bursts, 3-second tokens, slow
answers; failed requests run again).
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
import sys
import tempfile
import time
import uuid
from collections import Counter
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from loadproof.databases import database_url, postgres_problem
from loadproof.findings import Findings, inspect_run, sandbox_stats
from loadproof.scenarios import failure_kind, run_crashes, run_through_faults
from loadproof.submitting import run_processes
from loadproof.workload import (
    NOW,
    PG_DEFAULT,
    WITA,
    ServiceClock,
    config_document,
    request_bodies,
    sandbox_options,
    toml_text,
    working_days,
)

from zoomsvc.config import build_config
from zoomsvc.services import Services
from zoomsvc.store import Database
from zoomsvc.zoom.sandbox import SandboxServer


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
