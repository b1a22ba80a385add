"""The job lock: one runner at a time, a crashed runner's lock runs out (or is noticed dead at
once on the same host), a runner that lost its lock is told so, the last result is kept."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import threading
from datetime import timedelta

import pytest
from conftest import Clock

from zoomsvc.lifecycle import JobLock, LockBusy, LockLost
from zoomsvc.lifecycle.lock import LOCK_TTL, holder_is_dead
from zoomsvc.store import Database
from zoomsvc.store import lifecycle_records as lrec

HOST = socket.gethostname()


def lock(db: Database, clock: Clock, holder: str) -> JobLock:
    return JobLock(db, "lifecycle", clock, holder=holder)


def other_host(name: str) -> str:
    return f"not-{HOST}:{os.getpid()}:{name}"


def test_a_second_runner_is_refused_while_the_first_holds_the_lock(db: Database,
                                                                   clock: Clock) -> None:
    first = lock(db, clock, other_host("a"))
    first.acquire()
    with pytest.raises(LockBusy) as refused:
        lock(db, clock, other_host("b")).acquire()
    assert refused.value.holder == first.holder
    assert "sedang dijalankan" in str(refused.value)


def test_a_released_lock_can_be_taken_and_keeps_the_last_result(db: Database,
                                                                clock: Clock) -> None:
    with lock(db, clock, other_host("a")) as first:
        first.result = json.dumps({"deleted": 3})
    with lock(db, clock, other_host("b")):
        pass
    with db.session() as session:
        row = lrec.job_lock(session, "lifecycle")
        assert row is not None
        assert row.holder == other_host("b")
        assert row.released_at is not None
        assert row.last_result is None  # the second run reported nothing


def test_a_crashed_runners_lock_runs_out_and_the_crashed_one_cannot_go_on(
        db: Database, clock: Clock) -> None:
    crashed = lock(db, clock, other_host("crashed"))
    crashed.acquire()
    clock.advance(seconds=LOCK_TTL.total_seconds() - 1)
    with pytest.raises(LockBusy):
        lock(db, clock, other_host("next")).acquire()
    clock.advance(seconds=1)
    lock(db, clock, other_host("next")).acquire()
    with pytest.raises(LockLost):
        crashed.heartbeat(force=True)


def test_a_heartbeat_keeps_a_slow_runner_its_lock(db: Database, clock: Clock) -> None:
    slow = lock(db, clock, other_host("slow"))
    slow.acquire()
    for _ in range(3):
        clock.advance(minutes=6)
        slow.heartbeat()
    with pytest.raises(LockBusy):
        lock(db, clock, other_host("eager")).acquire()


def test_a_dead_process_on_this_host_gives_up_its_lock_at_once(db: Database,
                                                               clock: Clock) -> None:
    child = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"],
                           capture_output=True, text=True, check=True)
    dead = f"{HOST}:{child.stdout.strip()}:x"
    assert holder_is_dead(dead)
    lock(db, clock, dead).acquire()
    lock(db, clock, other_host("next")).acquire()


def test_a_live_process_or_another_host_is_not_taken_for_dead() -> None:
    assert not holder_is_dead(f"{HOST}:{os.getpid()}:x")
    assert not holder_is_dead("elsewhere:1:x")
    assert not holder_is_dead("garbage")


@pytest.mark.uses_db
def test_of_runners_starting_together_exactly_one_gets_the_lock(db_url: str,
                                                               clock: Clock) -> None:
    databases = [Database(db_url) for _ in range(6)]
    barrier = threading.Barrier(len(databases))
    winners: list[str] = []
    refused: list[str] = []

    def start(index: int) -> None:
        runner = JobLock(databases[index], "lifecycle", clock, holder=other_host(str(index)))
        barrier.wait()
        try:
            runner.acquire()
            winners.append(runner.holder)
        except LockBusy:
            refused.append(runner.holder)

    from zoomsvc.store.migrate import upgrade

    upgrade(databases[0])
    threads = [threading.Thread(target=start, args=(i,)) for i in range(len(databases))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    for database in databases:
        database.dispose()
    assert len(winners) == 1
    assert len(refused) == len(databases) - 1


def test_a_heartbeat_is_not_written_more_often_than_needed(db: Database, clock: Clock) -> None:
    runner = lock(db, clock, other_host("a"))
    runner.acquire()
    clock.advance(seconds=5)
    runner.heartbeat()
    with db.session() as session:
        row = lrec.job_lock(session, "lifecycle")
        assert row is not None
        assert row.heartbeat_at == clock.now - timedelta(seconds=5)
