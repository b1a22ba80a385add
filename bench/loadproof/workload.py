"""The workload of the concurrency proof: a clock shared with the sandbox, the configuration,
and crowded request bodies."""

from __future__ import annotations

import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import tomli_w

from zoomsvc.calendar import holiday_calendar, years_around
from zoomsvc.config import demo_document
from zoomsvc.config.model import CalendarSettings
from zoomsvc.zoom.sandbox import SandboxOptions

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
    """A configuration document as TOML, for ``zoomsvc --config``."""
    return tomli_w.dumps(document)


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
