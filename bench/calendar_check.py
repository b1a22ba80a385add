"""Benchmark of the calendar check: BusyIndex against a brute-force scan over every meeting.

Run as ``python bench/calendar_check.py [--hosts 50] [--meetings 100000] [--runs 200]``. It builds a
host pool and a year of random stored meetings, times the index build, ``check`` on random
requests (on working days: the rules carry the year's holidays and the Friday prayer break, as
the service builds them) and ``find_alternatives`` on requests at busy times (median and p95),
then the same calls over a linear scan of all meetings as the baseline, in the same process.
Figures only: nothing here asserts on time.
"""

import argparse
import random
import statistics
import time
from collections.abc import Callable, Sequence
from datetime import UTC, date, datetime, timedelta
from functools import partial
from typing import TypeVar
from zoneinfo import ZoneInfo

from zoomsvc.calendar import (
    Busy,
    BusyIndex,
    BusyLookup,
    Rules,
    check,
    choose_host,
    eligible_hosts,
    find_alternatives,
    holiday_calendar,
    in_service,
)
from zoomsvc.config.model import CalendarSettings, Host, ServiceHours

WITA = ZoneInfo("Asia/Makassar")
YEAR_START = date(2026, 1, 1)
DURATIONS = (30, 45, 60, 60, 90, 120, 120, 180, 240)
T = TypeVar("T")


class ScanIndex:
    """The baseline: every query reads the whole list of meetings."""

    def __init__(self, items: Sequence[Busy]) -> None:
        self._rows = [(b.host, b.start, b.end, b) for b in items]

    def overlapping(self, host: str, start: datetime, end: datetime) -> list[Busy]:
        """The intervals of ``host`` overlapping [start, end), by a full scan."""
        found = [b for h, s, e, b in self._rows if h == host and s < end and e > start]
        found.sort(key=lambda b: (b.start, b.end))
        return found

    def count_on_day(self, host: str, day_start: datetime, day_end: datetime) -> int:
        """How many intervals of ``host`` overlap the day, by a full scan."""
        return sum(1 for h, s, e, _ in self._rows if h == host and s < day_end and e > day_start)


def make_hosts(count: int) -> list[Host]:
    """A pool mixing Pro (1) and Business (2) concurrency, capacities and a few Basic users."""
    capacities = (100, 300, 500, 1000, 300)
    hosts = []
    for n in range(count):
        basic = n % 10 == 9
        hosts.append(Host(f"zoom{n:02d}@kominfo.example.go.id", f"Zoom {n + 1}",
                          concurrency=1 if basic or n % 3 else 2,
                          capacity=100 if basic else capacities[n % len(capacities)],
                          licensed=not basic))
    return hosts


def local(day: date, minutes: int) -> datetime:
    """The UTC instant of a local WITA time, ``minutes`` after midnight of ``day``."""
    midnight = datetime(day.year, day.month, day.day, tzinfo=WITA)
    return (midnight + timedelta(minutes=minutes)).astimezone(UTC)


def make_meetings(rng: random.Random, hosts: Sequence[Host], count: int) -> list[Busy]:
    """A year of meetings, most in weekday office hours, some anywhere (staff's own)."""
    items = []
    for n in range(count):
        day = YEAR_START + timedelta(days=rng.randrange(365))
        if rng.random() < 0.85 and day.isoweekday() <= 5:
            start = local(day, 7 * 60 + 15 * rng.randrange(38))
        else:
            start = local(day, rng.randrange(24 * 60))
        length = timedelta(minutes=rng.choice(DURATIONS))
        items.append(Busy(rng.choice(hosts).user, start, start + length,
                          rng.choice(("service", "zoom")), f"m{n}"))
    return items


def service_rules() -> Rules:
    """The rules as the service builds them: the year's holidays and the Friday prayer break."""
    settings = CalendarSettings(hours=(ServiceHours(days=(5,), breaks=(("11:30", "13:30"),)),))
    return Rules.from_settings(settings, WITA,
                               holidays=holiday_calendar(settings, [YEAR_START.year]))


def random_request(rng: random.Random, rules: Rules, large: bool = False
                   ) -> tuple[datetime, datetime, int]:
    """A request on a random working day of the year within service hours, not in a break."""
    while True:
        day = YEAR_START + timedelta(days=rng.randrange(1, 365))
        if day.isoweekday() > 5 or day in rules.holidays:
            continue
        minutes = rng.choice((30, 40, 60, 90, 120))
        start = local(day, 7 * 60 + 30 * rng.randrange((10 * 60 - minutes) // 30 + 1))
        if in_service(start, start + timedelta(minutes=minutes), rules):
            break
    people = rng.choice((300, 450, 800) if large else (20, 50, 80, 150, 300))
    return start, start + timedelta(minutes=minutes), people


def timed(calls: Sequence[Callable[[], T]]) -> tuple[list[float], list[T]]:
    """Run each call once; its wall time in milliseconds and its result."""
    times, results = [], []
    for call in calls:
        began = time.perf_counter()
        results.append(call())
        times.append((time.perf_counter() - began) * 1000)
    return times, results


def p95(values: list[float]) -> float:
    """The 95th percentile (inclusive method; the maximum for fewer than two values)."""
    if len(values) < 2:
        return max(values)
    return statistics.quantiles(values, n=20, method="inclusive")[-1]


def main() -> None:
    """Parse the options, run the benchmark and print its figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--hosts", type=int, default=50)
    parser.add_argument("--meetings", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=200)
    parser.add_argument("--baseline-runs", type=int, default=10,
                        help="requests timed over the brute-force scan (it is slow)")
    parser.add_argument("--seed", type=int, default=20261123)
    args = parser.parse_args()

    rng = random.Random(args.seed)
    rules = service_rules()
    hosts = make_hosts(args.hosts)
    meetings = make_meetings(rng, hosts, args.meetings)
    now = local(YEAR_START, 0) - timedelta(days=1)

    began = time.perf_counter()
    index = BusyIndex(meetings)
    build_ms = (time.perf_counter() - began) * 1000
    scan = ScanIndex(meetings)

    requests = [random_request(rng, rules) for _ in range(args.runs)]
    # Requests the pool cannot take (eligible hosts exist, none free): alternatives are needed.
    busy_requests: list[tuple[datetime, datetime, int]] = []
    for tries in range(1, 200 * args.runs + 1):  # noqa: B007 (printed below)
        if len(busy_requests) == args.runs:
            break
        start, end, people = random_request(rng, rules, large=True)
        if (eligible_hosts(hosts, people, end - start, rules)
                and choose_host(index, hosts, start, end, people, rules) is None):
            busy_requests.append((start, end, people))

    def check_calls(lookup: BusyLookup, reqs: Sequence[tuple[datetime, datetime, int]]
                    ) -> list[Callable[[], object]]:
        return [partial(check, lookup, hosts, s, e, p, now, rules) for s, e, p in reqs]

    def search_calls(lookup: BusyLookup, reqs: Sequence[tuple[datetime, datetime, int]]
                     ) -> list[Callable[[], object]]:
        return [partial(find_alternatives, lookup, hosts, s, e, p, now, rules)
                for s, e, p in reqs]

    check_ms, check_results = timed(check_calls(index, requests))
    search_ms, search_results = timed(search_calls(index, busy_requests))
    few, few_busy = requests[:args.baseline_runs], busy_requests[:args.baseline_runs]
    scan_check_ms, scan_check_results = timed(check_calls(scan, few))
    scan_search_ms, scan_search_results = timed(search_calls(scan, few_busy))

    full = sum(1 for r in check_results if getattr(r, "outcome", "") == "full")
    found = [len(r) for r in search_results if isinstance(r, list)]
    agree = (sum(a == b for a, b in zip(check_results, scan_check_results, strict=False))
             + sum(a == b for a, b in zip(search_results, scan_search_results, strict=False)))

    print(f"pool: {len(hosts)} hosts, {len(meetings):,} stored meetings over a year; "
          f"seed {args.seed}")
    print(f"index build (once):            {build_ms:9.1f} ms")
    print(f"check, BusyIndex:              median {statistics.median(check_ms):7.3f} ms   "
          f"p95 {p95(check_ms):7.3f} ms   ({len(check_ms)} requests, {full} full)")
    if search_ms:
        print(f"alternatives, BusyIndex:       median {statistics.median(search_ms):7.3f} ms   "
              f"p95 {p95(search_ms):7.3f} ms   ({len(search_ms)} busy requests, "
              f"{statistics.mean(found):.1f} slots each; found in {tries:,} random tries)")
    else:
        print("alternatives, BusyIndex:       no busy request found; raise --meetings")
    print(f"check, brute-force scan:       median {statistics.median(scan_check_ms):7.3f} ms   "
          f"({len(scan_check_ms)} requests)   ratio scan/index "
          f"{statistics.median(scan_check_ms) / statistics.median(check_ms):,.0f}x")
    if scan_search_ms:
        print(f"alternatives, brute-force:     median "
              f"{statistics.median(scan_search_ms):7.3f} ms   ({len(scan_search_ms)} requests)"
              f"   ratio scan/index "
              f"{statistics.median(scan_search_ms) / statistics.median(search_ms):,.0f}x")
    print(f"same answers from index and scan: {agree}/{len(few) + len(few_busy)}")


if __name__ == "__main__":
    main()
