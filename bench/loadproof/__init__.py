"""The concurrency proof shared by ``bench/concurrency.py`` (large numbers, timings printed) and
``tests/test_concurrency.py`` (small numbers, asserted): a crowded workload, ways to submit it
(threads, forked processes, killed CLI runs, a failing Zoom) and the check of what a run left
behind. No figures are judged here.

The benchmark imports it as the top-level package ``loadproof`` (bench/ is on ``sys.path`` when
a script there runs); the tests load it from its folder under the same name.
"""

from .databases import database_url, postgres_problem, postgres_schema
from .findings import Findings, inspect_run, overbooked, sandbox_meetings, sandbox_stats
from .scenarios import (
    CrashReport,
    FaultReport,
    failure_kind,
    finish,
    last_json,
    run_crashes,
    run_through_faults,
    zoomsvc,
)
from .submitting import Outcome, provision_worker, run_processes, run_threads, submit_one
from .workload import (
    COMMAND,
    CRASH_POINTS,
    FINAL,
    NOW,
    PG_DEFAULT,
    ServiceClock,
    config_document,
    request_bodies,
    sandbox_options,
    toml_text,
    working_days,
)

__all__ = [
    "COMMAND",
    "CRASH_POINTS",
    "FINAL",
    "NOW",
    "PG_DEFAULT",
    "CrashReport",
    "FaultReport",
    "Findings",
    "Outcome",
    "ServiceClock",
    "config_document",
    "database_url",
    "failure_kind",
    "finish",
    "inspect_run",
    "last_json",
    "overbooked",
    "postgres_problem",
    "postgres_schema",
    "provision_worker",
    "request_bodies",
    "run_crashes",
    "run_processes",
    "run_threads",
    "run_through_faults",
    "sandbox_meetings",
    "sandbox_options",
    "sandbox_stats",
    "submit_one",
    "toml_text",
    "working_days",
    "zoomsvc",
]
