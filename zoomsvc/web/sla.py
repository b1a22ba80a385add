"""The Mutu Baku status of a request as the dashboard shows it: on time, late, or none."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import lru_cache

from zoomsvc.workflow import State, sla_of_state


@dataclass(frozen=True)
class SlaStatus:
    """``late`` is None when the current step has no time limit."""

    late: bool | None
    due: datetime | None
    step: str = ""

    @property
    def label(self) -> str:
        """Indonesian wording for the badge."""
        if self.late is None:
            return "–"
        return "Terlambat" if self.late else "Tepat waktu"


@lru_cache(maxsize=64)
def _limit(state: str) -> tuple[str, timedelta] | None:
    """The Mutu Baku of a state (looked up once: list pages ask for every row)."""
    try:
        return sla_of_state(State(state))
    except ValueError:
        return None


def sla_status(state: str, since: datetime, now: datetime) -> SlaStatus:
    """Whether the request has waited in ``state`` longer than the SOP allows."""
    limit = _limit(state)
    if limit is None:
        return SlaStatus(None, None)
    step, span = limit
    due = since + span
    return SlaStatus(now > due, due, step)
