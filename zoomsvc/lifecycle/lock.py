"""One runner at a time for the maintenance jobs, across processes and hosts: a row in
``job_locks`` taken inside the serialized allocation transaction (SQLite ``BEGIN IMMEDIATE``,
PostgreSQL advisory lock), so two timers on two hosts cannot both take it.

A runner renews the lock between items (heartbeat); a runner that crashed stops renewing and
its lock runs out after :data:`LOCK_TTL`. On the same host a dead holder is noticed at once (its
process id no longer exists), so a run after ``kill -9`` need not wait for the expiry.
"""

from __future__ import annotations

import os
import socket
import uuid
from collections.abc import Callable
from datetime import datetime, timedelta
from types import TracebackType

from sqlalchemy.exc import IntegrityError

from zoomsvc.store import Database
from zoomsvc.store import lifecycle_records as lrec
from zoomsvc.store.models import JobLock as JobLockRow
from zoomsvc.zoom.budget import ZOOM_CALL_BUDGET

# A runner renews the lock between Zoom calls, so between two renewals it waits for at most two
# calls (a token fetch and a call, or cleanup's look-up and delete), each within the declared
# budget: a runner that is merely slow is never taken over. Cut from the same budget as the
# provisioning intent's lease (provisioning/service.py).
LOCK_TTL = 2 * ZOOM_CALL_BUDGET
HEARTBEAT_EVERY = timedelta(seconds=20)
LIFECYCLE_JOB = "lifecycle"


class LockBusy(RuntimeError):
    """Another runner holds the job's lock."""

    def __init__(self, name: str, holder: str, until: datetime) -> None:
        super().__init__(f"tugas '{name}' sedang dijalankan oleh {holder} (kunci berlaku sampai "
                         f"{until:%Y-%m-%d %H:%M:%S} UTC); proses ini berhenti")
        self.holder, self.until = holder, until


class LockLost(RuntimeError):
    """The lock ran out and another runner took it: stop before doing anything more."""


def holder_id() -> str:
    """This process as a lock holder: host, process id and a random suffix."""
    return f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"


def holder_is_dead(holder: str) -> bool:
    """Whether ``holder`` was a process on this host that no longer exists."""
    host, _, rest = holder.partition(":")
    pid_text = rest.partition(":")[0]
    if host != socket.gethostname() or not pid_text.isdigit():
        return False  # another host: only the expiry can tell
    try:
        os.kill(int(pid_text), 0)
    except ProcessLookupError:
        return True
    except PermissionError:
        return False  # exists, owned by someone else
    return False


class JobLock:
    """The lock of one job; use as a context manager around the run."""

    def __init__(self, db: Database, name: str, clock: Callable[[], datetime], *,
                 ttl: timedelta = LOCK_TTL, holder: str | None = None) -> None:
        self.db = db
        self.name = name
        self.clock = clock
        self.ttl = ttl
        self.holder = holder or holder_id()
        self._renewed: datetime | None = None
        self.result: str | None = None

    def acquire(self) -> None:
        """Take the lock, or raise :class:`LockBusy` naming the runner that holds it."""
        now = self.clock()
        try:
            with self.db.serialized_write() as session:
                row = lrec.job_lock(session, self.name)
                if row is None:
                    session.add(JobLockRow(name=self.name, holder=self.holder, acquired_at=now,
                                           heartbeat_at=now, expires_at=now + self.ttl))
                else:
                    held = row.released_at is None and row.expires_at > now
                    if held and row.holder != self.holder and not holder_is_dead(row.holder):
                        raise LockBusy(self.name, row.holder, row.expires_at)
                    row.holder, row.acquired_at, row.heartbeat_at = self.holder, now, now
                    row.expires_at, row.released_at = now + self.ttl, None
        except IntegrityError as exc:
            # Only without the serialized transaction could two first runs race to insert.
            raise LockBusy(self.name, "proses lain", now + self.ttl) from exc
        self._renewed = now

    def heartbeat(self, *, force: bool = False) -> None:
        """Renew the lock when due; raise :class:`LockLost` if another runner took it."""
        now = self.clock()
        if not force and self._renewed is not None and now - self._renewed < HEARTBEAT_EVERY:
            return
        with self.db.serialized_write() as session:
            kept = lrec.renew_job_lock(session, self.name, self.holder, now, now + self.ttl)
        if not kept:
            raise LockLost(f"kunci tugas '{self.name}' diambil alih proses lain; berhenti")
        self._renewed = now

    def release(self) -> None:
        """Give the lock back (keeping the row with the run's result)."""
        now = self.clock()
        with self.db.serialized_write() as session:
            row = lrec.job_lock(session, self.name)
            if row is not None and row.holder == self.holder and row.released_at is None:
                row.released_at, row.expires_at = now, now
                row.last_result = self.result

    def __enter__(self) -> JobLock:
        self.acquire()
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        if not isinstance(exc, LockLost):
            self.release()
