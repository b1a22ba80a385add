"""Submitting the workload: one request, from threads, or from forked processes."""

from __future__ import annotations

import multiprocessing
import queue
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from zoomsvc.config import build_config
from zoomsvc.intake import Intake
from zoomsvc.provisioning import ProvisioningFailed
from zoomsvc.services import Services


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
