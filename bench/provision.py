"""Benchmark: provisioning requests end to end (calendar check, Zoom create, storage, audit).

    python bench/provision.py [--requests 200] [--baseline 50]

Starts the bundled sandbox (not Zoom) in this process with its per-second and daily limits raised
so that Zoom's limits are not what is measured, a fresh SQLite database in a temporary folder, and
a Provisioner whose clock stands at Monday 4 January 2027, 06.00 WITA. It then submits
``--requests`` distinct requests spread over the working days that follow (one-hour meetings at
six times a day; every 25th request asks for a slot already taken four times, so it comes back
"full" with alternatives), timing each ``submit``.

In the same run, as the baseline, it times ``--baseline`` bare ``ZoomClient.create_meeting`` calls
against the same sandbox: the difference is what the calendar check and the database add.

It prints figures only; it asserts nothing about timing.
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from collections import Counter
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import requests

from zoomsvc.calendar import holiday_calendar
from zoomsvc.config import Config, build_config, demo_document
from zoomsvc.config.model import CalendarSettings
from zoomsvc.provisioning import Provisioner
from zoomsvc.store import Database
from zoomsvc.store.migrate import upgrade
from zoomsvc.zoom import NewMeeting, ZoomClient
from zoomsvc.zoom.sandbox import SandboxOptions, SandboxServer

WITA = ZoneInfo("Asia/Makassar")
NOW = datetime(2027, 1, 4, 6, 0, tzinfo=WITA)  # a Monday, before service hours
TIMES = ("07:30", "09:00", "10:30", "12:00", "13:30", "15:00")  # one-hour meetings, no overlap
PER_DAY = 25  # six times x four licensed places (two hosts x two) = 24, plus one that is full
MUTU_BAKU_MS = 15 * 60 * 1000  # SOP step 5: create the Zoom meeting, 15 minutes
RAISED = 1000.0  # requests per second: far above what one process sends


def working_days(start: date) -> list[date]:
    """Working days (not holidays of the default calendar) from ``start`` on (enough for any
    run)."""
    closed = holiday_calendar(CalendarSettings(), range(start.year, start.year + 3))
    days, day = [], start
    while len(days) < 400:
        if day.isoweekday() <= 5 and day not in closed:
            days.append(day)
        day += timedelta(days=1)
    return days


def request_bodies(count: int) -> list[dict[str, Any]]:
    """``count`` distinct requests; per day, slot ``j % 6`` so the first slot gets a fifth."""
    days = working_days(NOW.date() + timedelta(days=1))
    bodies = []
    for i in range(count):
        day, within = days[i // PER_DAY], i % PER_DAY
        start = datetime.fromisoformat(f"{day}T{TIMES[within % len(TIMES)]}")
        bodies.append({
            "agency": f"Dinas {i % 7 + 1}",
            "letter_number": f"005/{i + 1:04d}/BENCH/2027",
            "letter_date": str(NOW.date()),
            "subject": "Permohonan Fasilitasi Zoom Meeting",
            "topic": f"Rapat Koordinasi {i + 1}",
            "agenda": "Koordinasi lintas sektor",
            "start": start.isoformat(timespec="minutes"),
            "end": (start + timedelta(hours=1)).isoformat(timespec="minutes"),
            "participants": 150,
            "contact": {"name": "Rina Handayani", "phone": "0812-5500-1234",
                        "email": "rina@dinkes.example.go.id"},
        })
    return bodies


def make_config(sandbox_url: str, database_url: str) -> Config:
    document = demo_document(sandbox_url)
    document["zoom"]["rate_limits"] = {"light": RAISED, "medium": RAISED, "heavy": RAISED}
    document["database"] = {"url": database_url}
    return build_config(document, {}, source="bench")


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def describe(values: list[float]) -> str:
    return (f"median {statistics.median(values):.1f} ms · p95 {percentile(values, 0.95):.1f} ms"
            f" · max {max(values):.1f} ms")


def zoom_calls(sandbox: SandboxServer) -> Counter[str]:
    answer = requests.get(f"{sandbox.url}/_sandbox/stats", timeout=5).json()
    return Counter(answer["requests"])


def run(count: int, baseline: int) -> None:
    started = time.time()
    options = SandboxOptions(medium_limit=RAISED, light_limit=RAISED, heavy_limit=RAISED,
                             daily_limit=1_000_000,
                             clock=lambda: NOW.timestamp() + time.time() - started)
    with tempfile.TemporaryDirectory(prefix="zoomsvc-bench-") as folder, \
            SandboxServer(options) as sandbox:
        database_url = f"sqlite:///{Path(folder) / 'bench.db'}"
        config = make_config(sandbox.url, database_url)
        db = Database(database_url)
        upgrade(db)
        provisioner = Provisioner(config, db, ZoomClient(config.zoom),
                                  clock=lambda: NOW.astimezone(UTC))
        bodies = request_bodies(count)

        timings: list[float] = []
        outcomes: Counter[str] = Counter()
        wall = time.perf_counter()
        for body in bodies:
            begin = time.perf_counter()
            result = provisioner.submit(body)
            timings.append((time.perf_counter() - begin) * 1000)
            outcomes[result.outcome] += 1
        wall = time.perf_counter() - wall
        calls = zoom_calls(sandbox)

        client = ZoomClient(config.zoom)
        client.list_users()  # fetch the token outside the timed calls, as the run above did
        far = NOW + timedelta(days=120)
        bare: list[float] = []
        for i in range(baseline):
            meeting = NewMeeting(f"Baseline {i}", far + timedelta(hours=i), 60, "[bench]")
            begin = time.perf_counter()
            client.create_meeting(config.zoom.hosts[i % 2].user, meeting)
            bare.append((time.perf_counter() - begin) * 1000)
        db.dispose()

    median, bare_median = statistics.median(timings), statistics.median(bare)
    days = (count + PER_DAY - 1) // PER_DAY
    print(f"zoomsvc provisioning benchmark: {count} requests over {days} working days, "
          "sandbox (not Zoom) + SQLite, one thread")
    print("outcomes: " + " · ".join(f"{k} {v}" for k, v in sorted(outcomes.items())))
    print(f"submit (calendar + Zoom + database + audit): {describe(timings)}")
    print(f"  {count} requests in {wall:.2f} s = {count / wall:.0f} requests/s")
    print("  Zoom API calls (method, rate label): " +
          " · ".join(f"{k} {v}" for k, v in sorted(calls.items())) +
          f" ({sum(calls.values()) / count:.1f} per request; GET = the hosts' meeting lists)")
    print(f"baseline, bare ZoomClient.create_meeting x{baseline}: {describe(bare)}")
    print(f"  overhead of calendar (with its Zoom list) + database: {median - bare_median:.1f} ms "
          f"(submit median = {median / bare_median:.1f} x bare create)")
    print(f"SOP step 5: median {median:.1f} ms = 1/{MUTU_BAKU_MS / median:,.0f} of the "
          "15-minute Mutu Baku")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=200, help="requests to provision")
    parser.add_argument("--baseline", type=int, default=50, help="bare creates to time")
    args = parser.parse_args()
    if args.requests < 1 or args.baseline < 1:
        parser.error("--requests and --baseline must be at least 1")
    run(args.requests, args.baseline)


if __name__ == "__main__":
    main()
