"""Benchmark: the cleanup deleting expired meetings under Zoom's Light limit.

    python bench/cleanup.py [--meetings 2000] [--limit 30] [--workers 4] [--baseline 300]

Starts the bundled sandbox (not Zoom) in this process with the Light limit at ``--limit``
requests per second (``light_limit``; a Pro account has 30), a fresh SQLite database, and a
client whose ``zoom.rate_limits.light`` is the same limit. It seeds ``--meetings`` sent requests
whose meetings ended three hours ago, straight into the database and the sandbox's admin
endpoint (no provisioning, no Zoom limits), then times one ``Cleaner.run()``.

Reported: wall time, deletes/s and Light requests/s (retries after a 429 included) against the
limit, the 429s the sandbox answered, and failures. The cleanup sends a GET (is the meeting
running?) and then a DELETE per meeting, so deletes/s is at most half of requests/s. In the same
process, as the baseline, bare ``ZoomClient.delete_meeting`` calls from one thread on other
seeded meetings show what the client alone reaches under the same limit. Goal: requests/s at
>= 0.9 of the limit, zero failures.

It prints figures only; it asserts nothing about timing.
"""

from __future__ import annotations

import argparse
import tempfile
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import requests

from zoomsvc.config import Config, build_config, demo_document
from zoomsvc.lifecycle import Cleaner
from zoomsvc.store import Database
from zoomsvc.store.migrate import upgrade
from zoomsvc.store.models import Meeting, Request
from zoomsvc.zoom import ZoomClient
from zoomsvc.zoom.sandbox import SandboxOptions, SandboxServer

RAISED = 1000.0  # medium and heavy: not what is measured here
HOSTS = ("zoom1@kominfo.tarakankota.go.id", "zoom2@kominfo.tarakankota.go.id")


def make_config(sandbox_url: str, database_url: str, light: float) -> Config:
    document = demo_document(sandbox_url)
    document["zoom"]["rate_limits"] = {"light": light, "medium": RAISED, "heavy": RAISED}
    document["database"] = {"url": database_url}
    return build_config(document, {}, source="bench")


def seed_zoom(sandbox_url: str, count: int, start: datetime) -> list[int]:
    """``count`` meetings on the sandbox through its admin endpoint (bypasses its limits)."""
    ids = []
    with requests.Session() as http:
        for i in range(count):
            answer = http.post(f"{sandbox_url}/_sandbox/meetings", timeout=10, json={
                "host": HOSTS[i % 2], "topic": f"Rapat {i}", "type": 2, "duration": 60,
                "start_time": start.strftime("%Y-%m-%dT%H:%M:%SZ"), "agenda": f"[B-{i}]"})
            answer.raise_for_status()
            ids.append(int(answer.json()["id"]))
    return ids


def seed_db(db: Database, zoom_ids: list[int], start: datetime) -> None:
    """A sent request with a live meeting per Zoom id, in one transaction."""
    end, made = start + timedelta(hours=1), start - timedelta(days=3)
    with db.session() as session:
        requests_ = [Request(
            code=f"ZM-B-{i:05d}", agency=f"Dinas {i % 7}", letter_number=f"005/{i}/BENCH",
            letter_date=date(2026, 1, 5), subject="Permohonan", srikandi_agenda=None,
            topic=f"Rapat {i}", agenda="", start_at=start, end_at=end, participants=50,
            contact_name="Rina", contact_phone="0812", contact_email="rina@example.go.id",
            state="sent", state_since=made, created_at=made) for i in range(len(zoom_ids))]
        session.add_all(requests_)
        session.flush()
        session.add_all(Meeting(
            request_id=r.id, marker=r.code, host=HOSTS[i % 2], status="live", zoom_id=zoom_id,
            passcode="Ab12Cd34", join_url="-", start_at=start, end_at=end, created_at=made)
            for i, (r, zoom_id) in enumerate(zip(requests_, zoom_ids, strict=True)))


def stats(sandbox: SandboxServer) -> dict[str, Any]:
    data: dict[str, Any] = requests.get(f"{sandbox.url}/_sandbox/stats", timeout=10).json()
    return data


def light_requests(data: dict[str, Any]) -> int:
    return sum(v for k, v in data["requests"].items() if k.endswith(" light"))


def run(count: int, limit: float, workers: int, baseline: int) -> None:
    options = SandboxOptions(light_limit=limit, medium_limit=RAISED, heavy_limit=RAISED)
    with tempfile.TemporaryDirectory(prefix="zoomsvc-bench-") as folder, \
            SandboxServer(options) as sandbox:
        database_url = f"sqlite:///{Path(folder) / 'bench.db'}"
        config = make_config(sandbox.url, database_url, limit)
        db = Database(database_url)
        upgrade(db)
        start = datetime.now(UTC).replace(microsecond=0) - timedelta(hours=4)
        seeding = time.perf_counter()
        seed_db(db, seed_zoom(sandbox.url, count, start), start)
        seeding = time.perf_counter() - seeding

        client = ZoomClient(config.zoom)
        client.transport.tokens.get()  # the token outside the timed run
        before = stats(sandbox)
        wall = time.perf_counter()
        summary = Cleaner(db, client, workers=workers).run()
        wall = time.perf_counter() - wall
        after = stats(sandbox)
        sent = light_requests(after) - light_requests(before)
        throttled = after["rate_limited"]["qps"] - before["rate_limited"]["qps"]
        deletes = after["deletes"] - before["deletes"]

        bare_ids = seed_zoom(sandbox.url, baseline, start)
        bare_client = ZoomClient(config.zoom)
        bare_client.transport.tokens.get()
        bare = time.perf_counter()
        for zoom_id in bare_ids:
            bare_client.delete_meeting(zoom_id)
        bare = time.perf_counter() - bare
        bare_throttled = stats(sandbox)["rate_limited"]["qps"] - after["rate_limited"]["qps"]
        db.dispose()

    rate, delete_rate, bare_rate = sent / wall, deletes / wall, baseline / bare
    print(f"zoomsvc cleanup benchmark: {count} expired meetings, sandbox (not Zoom) with Light "
          f"at {limit:g} req/s, client paced at {limit:g} req/s, {workers} workers, SQLite")
    print(f"seeding (database + sandbox admin endpoint): {seeding:.1f} s")
    print(f"cleanup: {summary.as_dict()}")
    print(f"  wall time {wall:.1f} s · deletes {deletes} = {delete_rate:.1f} deletes/s · "
          f"Light requests {sent} = {rate:.1f} req/s (a GET and a DELETE per meeting)")
    print(f"  achieved/limit: requests {rate / limit:.3f} (goal >= 0.9) · deletes "
          f"{delete_rate / limit:.3f} (at most 0.5) · 429s seen {throttled} · "
          f"failures {summary.failed}")
    print(f"baseline, bare delete_meeting x{baseline}, one thread: {bare_rate:.1f} req/s = "
          f"{bare_rate / limit:.3f} of the limit · 429s {bare_throttled}")
    print(f"  cleanup (lock, audit, states) vs bare client: {rate / bare_rate:.3f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--meetings", type=int, default=2000, help="expired meetings to seed")
    parser.add_argument("--limit", type=float, default=30.0, help="Light limit, requests/s")
    parser.add_argument("--workers", type=int, default=4, help="cleanup worker threads")
    parser.add_argument("--baseline", type=int, default=300, help="bare deletes to time")
    args = parser.parse_args()
    if args.meetings < 1 or args.limit <= 0 or args.workers < 1 or args.baseline < 1:
        parser.error("--meetings, --limit, --workers and --baseline must be positive")
    run(args.meetings, args.limit, args.workers, args.baseline)


if __name__ == "__main__":
    main()
