"""Attention flags (a meeting changed or deleted outside the service, a clash) as staff close
them: the write behind the "Tandai selesai" button."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from zoomsvc.store import Database, lifecycle_records


class AttentionService:
    """Closing the flags staff have looked at."""

    def __init__(self, db: Database, clock: Callable[[], datetime]) -> None:
        self.db = db
        self.clock = clock

    def resolve(self, flag_id: int, *, by: str) -> bool:
        """Close a flag; False when it was already closed (or does not exist)."""
        with self.db.serialized_write() as session:  # a write: take the writer lock
            return lifecycle_records.resolve_attention(session, flag_id, by=by, now=self.clock())
