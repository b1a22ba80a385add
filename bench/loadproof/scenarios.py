"""The scenarios: ``zoomsvc provision`` killed at each crash point and recovered, and a Zoom
that fails, throttles and expires tokens."""

from __future__ import annotations

import json
import os
import subprocess
import time
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from zoomsvc.crashpoints import ENV as CRASH_ENV
from zoomsvc.intake import Intake
from zoomsvc.provisioning.service import INTENT_LEASE

from .findings import sandbox_stats
from .submitting import Outcome, run_threads
from .workload import COMMAND, CRASH_POINTS


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
