"""Benchmark: bulk deletes through ZoomClient against the bundled sandbox at Zoom's Light limit.

    python bench/zoom_client.py [--deletes 2000] [--light 30] [--threads 4] [--burst 200]

Starts the sandbox (not Zoom) with its Light limit at ``--light`` req/s, seeds meetings through its
admin endpoint (no limits there), then:

1. baseline: deletes ``--burst`` meetings with a client whose pacer is effectively off (Light
   limit 1,000,000 req/s), to show what an unpaced burst costs in 429s and retries;
2. paced run: deletes ``--deletes`` meetings with a client configured like production
   (``zoom.rate_limits.light`` = ``--light``) from ``--threads`` threads.

It prints figures only; it asserts nothing about timing. Goal of the paced run: achieved rate at
least 0.9 of the limit and no 429 reaching callers.
"""

from __future__ import annotations

import argparse
import threading
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

import requests

from zoomsvc.config import build_config, demo_document
from zoomsvc.zoom import ZoomClient, ZoomError
from zoomsvc.zoom.pacing import HEADROOM
from zoomsvc.zoom.sandbox import SandboxOptions, SandboxServer

UNPACED_LIGHT = 1_000_000.0


@dataclass
class SleepMeter:
    """A real ``sleep`` that also adds up how long callers slept (pacing and back-off)."""

    total: float = 0.0
    backoffs: int = 0
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def __call__(self, seconds: float) -> None:
        with self._lock:
            self.total += max(0.0, seconds)
            if seconds >= 0.25:  # the transport's smallest back-off; pacing waits are shorter
                self.backoffs += 1
        time.sleep(seconds)


@dataclass
class RunResult:
    """What one phase of deletes did, from the caller's and from the sandbox's side."""

    deletes: int
    wall: float
    done: int
    errors: Counter[str]
    requests: int
    qps_429: int
    meter: SleepMeter
    token_requests: int


def make_client(sandbox_url: str, light: float, meter: SleepMeter) -> ZoomClient:
    """A client configured as in production, but pointed at the sandbox."""
    document = demo_document(sandbox_url)
    document["zoom"]["rate_limits"] = {"light": light}
    settings = build_config(document, {}, "bench").zoom
    return ZoomClient(settings, sleep=meter)


def seed(admin: requests.Session, base: str, count: int, hosts: list[str]) -> list[int]:
    """Create ``count`` meetings through the sandbox's admin endpoint (no rate limits)."""
    start = datetime.now(UTC).replace(microsecond=0) + timedelta(days=2)

    def one(index: int) -> int:
        body = {"host": hosts[index % len(hosts)], "topic": f"Bench {index}", "type": 2,
                "start_time": (start + timedelta(minutes=index)).strftime("%Y-%m-%dT%H:%M:%SZ"),
                "duration": 30}
        response = admin.post(f"{base}/_sandbox/meetings", json=body, timeout=10)
        response.raise_for_status()
        return int(response.json()["id"])

    with ThreadPoolExecutor(8) as pool:
        return list(pool.map(one, range(count)))


def stats(admin: requests.Session, base: str) -> dict[str, Any]:
    response = admin.get(f"{base}/_sandbox/stats", timeout=10)
    response.raise_for_status()
    data: dict[str, Any] = response.json()
    return data


def run_deletes(base: str, admin: requests.Session, ids: list[int], light: float,
                threads: int) -> RunResult:
    """Delete every meeting in ``ids`` through ``ZoomClient.delete_meeting`` from a pool."""
    meter = SleepMeter()
    client = make_client(base, light, meter)
    client.transport.tokens.get()  # the token exchange is not part of the timed deletes
    before = stats(admin, base)
    errors: Counter[str] = Counter()
    lock = threading.Lock()

    def delete(meeting_id: int) -> bool:
        try:
            return client.delete_meeting(meeting_id)
        except ZoomError as exc:
            with lock:
                errors[type(exc).__name__] += 1
            return False

    started = time.perf_counter()
    with ThreadPoolExecutor(threads) as pool:
        done = sum(pool.map(delete, ids))
    wall = time.perf_counter() - started
    after = stats(admin, base)
    sent = (after["requests"].get("DELETE light", 0) - before["requests"].get("DELETE light", 0))
    qps = after["rate_limited"]["qps"] - before["rate_limited"]["qps"]
    return RunResult(len(ids), wall, done, errors, sent, qps, meter, client.token_requests)


def report(title: str, result: RunResult, limit: float) -> None:
    rate = result.done / result.wall if result.wall else 0.0
    errors = ", ".join(f"{k} {v}" for k, v in sorted(result.errors.items())) or "none"
    rows = [
        ("deletes asked / succeeded", f"{result.deletes} / {result.done}"),
        ("wall time", f"{result.wall:.2f} s"),
        ("achieved rate", f"{rate:.2f} deletes/s"),
        (f"ratio to the {limit:g} req/s limit", f"{rate / limit:.3f}"),
        ("DELETE requests the sandbox got", f"{result.requests} "
                                            f"(retries: {result.requests - result.deletes})"),
        ("429s the sandbox sent", str(result.qps_429)),
        ("caller sleeps >= 0.25 s", f"{result.meter.backoffs} (back-off or 429 hold; all "
                                    f"sleeps {result.meter.total:.1f} s summed over threads)"),
        ("errors reaching callers", errors),
        ("token requests", str(result.token_requests)),
    ]
    print(title)
    for label, value in rows:
        print(f"  {label:<34} {value}")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--deletes", type=int, default=2000, help="meetings for the paced run")
    parser.add_argument("--light", type=float, default=30.0, help="Light limit, req/s")
    parser.add_argument("--threads", type=int, default=4, help="caller threads")
    parser.add_argument("--burst", type=int, default=200, help="meetings for the unpaced baseline")
    args = parser.parse_args(argv)

    options = SandboxOptions(light_limit=args.light)
    with SandboxServer(options) as sandbox, requests.Session() as admin:
        base = sandbox.url
        hosts = [u.email for u in options.users]
        print(f"sandbox {base} (not Zoom): Light limit {args.light:g} req/s; client pacer "
              f"headroom {HEADROOM}, {args.threads} threads")
        t0 = time.perf_counter()
        burst_ids = seed(admin, base, args.burst, hosts) if args.burst > 0 else []
        paced_ids = seed(admin, base, args.deletes, hosts)
        print(f"seeded {len(burst_ids) + len(paced_ids)} meetings in "
              f"{time.perf_counter() - t0:.1f} s\n")

        if burst_ids:
            baseline = run_deletes(base, admin, burst_ids, UNPACED_LIGHT, args.threads)
            report(f"baseline: unpaced burst (client light limit {UNPACED_LIGHT:g} req/s)",
                   baseline, args.light)
            print()
            time.sleep(1.5)  # let the sandbox's one-second window empty before the paced run

        paced = run_deletes(base, admin, paced_ids, args.light, args.threads)
        report(f"paced: client zoom.rate_limits.light = {args.light:g} req/s", paced, args.light)
        left = stats(admin, base)["live_meetings"]
        print(f"\nmeetings left in the sandbox: {left}")


if __name__ == "__main__":
    main()
