"""After a run: what the database and the sandbox hold, and every violation of the rules
(double-booked host slots, two meetings for one request, orphan meetings, duplicate letter
numbers, a broken audit chain)."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

import requests
from sqlalchemy import select

from zoomsvc.config import Config
from zoomsvc.marker import read_marker
from zoomsvc.store import Database
from zoomsvc.store.models import Letter, Meeting, Request
from zoomsvc.store.records import all_events, verify_chain

from .workload import FINAL


@dataclass
class Findings:
    """What the database and the sandbox hold after a run; every list must be empty."""

    requests: int = 0
    states: Counter[str] = field(default_factory=Counter)
    scheduled: int = 0  # requests with a live meeting
    full: int = 0  # requests answered "full" (drafted or not)
    zoom_meetings: int = 0  # live meetings on the sandbox
    letters: int = 0
    overbooked: list[str] = field(default_factory=list)
    two_meetings: list[str] = field(default_factory=list)
    orphans: list[str] = field(default_factory=list)
    duplicate_numbers: list[str] = field(default_factory=list)
    unmatched: list[str] = field(default_factory=list)
    stuck: list[str] = field(default_factory=list)
    sequence_gaps: list[str] = field(default_factory=list)
    chain_breaks: list[str] = field(default_factory=list)

    @property
    def violations(self) -> int:
        """Double-booked host slots, requests with two meetings, orphans, duplicate numbers."""
        return (len(self.overbooked) + len(self.two_meetings) + len(self.orphans)
                + len(self.duplicate_numbers))

    def problems(self) -> dict[str, list[str]]:
        """Every non-empty list of problems, by name."""
        names = ("overbooked", "two_meetings", "orphans", "duplicate_numbers", "unmatched",
                 "stuck", "sequence_gaps", "chain_breaks")
        return {name: getattr(self, name) for name in names if getattr(self, name)}


def overbooked(intervals: dict[str, list[tuple[datetime, datetime]]], limits: dict[str, int],
               pad: timedelta, where: str) -> list[str]:
    """Places where a host runs more meetings at once than its concurrency (each interval
    extended by ``pad`` at its end)."""
    found = []
    for host, spans in intervals.items():
        limit = limits.get(host.lower(), 1)
        # At equal instants an end (-1) sorts before a start (+1): end-exclusive intervals.
        events = sorted([(start, 1) for start, _ in spans] + [(end + pad, -1) for _, end in spans])
        running = 0
        for at, step in events:
            running += step
            if running > limit:
                found.append(f"{where} {host}: {running} rapat > {limit} pada {at:%Y-%m-%d %H:%M}")
    return found


def sandbox_meetings(sandbox_url: str) -> list[dict[str, Any]]:
    """The meetings the sandbox holds and has not deleted (its admin endpoint)."""
    answer = requests.get(f"{sandbox_url}/_sandbox/meetings", timeout=30)
    answer.raise_for_status()
    return [m for m in answer.json()["meetings"] if not m["deleted"]]


def sandbox_stats(sandbox_url: str) -> dict[str, Any]:
    """The sandbox's counters (creates, deletes, 429s, injected 5xx, tokens, ...)."""
    answer = requests.get(f"{sandbox_url}/_sandbox/stats", timeout=30)
    answer.raise_for_status()
    stats: dict[str, Any] = answer.json()
    return stats


def inspect_run(db: Database, sandbox_url: str, config: Config) -> Findings:
    """Compare what the database and the sandbox hold after a run with the invariants."""
    found = Findings()
    limits = {h.user.lower(): h.concurrency for h in config.zoom.hosts}
    # Meetings as scheduled, without the buffers: the calendar lets a meeting start inside an
    # earlier one's buffer when the peak there stays below the concurrency, so the buffers are
    # not an invariant of the stored meetings; running together above the concurrency is.
    pad = timedelta(0)
    with db.session() as session:
        rows = list(session.scalars(select(Request)))
        meetings = list(session.scalars(select(Meeting)))
        letters = list(session.scalars(select(Letter)))
        found.chain_breaks = [f"#{b.seq}: {b.problem}" for b in verify_chain(all_events(session))]
    found.requests, found.states = len(rows), Counter(r.state for r in rows)
    active: dict[int, list[Meeting]] = {}
    for meeting in meetings:
        if meeting.status in ("intent", "live"):
            active.setdefault(meeting.request_id, []).append(meeting)
    live = {m.zoom_id: m for m in meetings if m.status == "live"}
    db_spans: dict[str, list[tuple[datetime, datetime]]] = {}
    for meeting in live.values():
        db_spans.setdefault(meeting.host.lower(), []).append((meeting.start_at, meeting.end_at))
    found.overbooked = overbooked(db_spans, limits, pad, "basis data")
    for row in rows:
        mine = active.get(row.id, [])
        has_live = any(m.status == "live" for m in mine)
        found.scheduled += has_live
        found.full += bool(row.full_reason) and not has_live
        if len(mine) > 1:
            found.two_meetings.append(f"{row.code}: {len(mine)} rapat di basis data")
        if row.state not in FINAL or row.last_error or any(m.status == "intent" for m in mine):
            found.stuck.append(f"{row.code}: {row.state}, {[m.status for m in mine]}, "
                               f"{row.last_error}")
        elif has_live == bool(row.full_reason):
            found.stuck.append(f"{row.code}: {row.state} full={row.full_reason} live={has_live}")
    zoom = sandbox_meetings(sandbox_url)
    found.zoom_meetings = len(zoom)
    zoom_spans: dict[str, list[tuple[datetime, datetime]]] = {}
    markers: Counter[str] = Counter()
    for item in zoom:
        start = datetime.fromisoformat(item["start_time"].replace("Z", "+00:00"))
        zoom_spans.setdefault(item["host_email"].lower(), []).append(
            (start, start + timedelta(minutes=item["duration"])))
        marker = read_marker(item.get("agenda") or "")
        if marker:
            markers[marker.code] += 1
            row_of = live.get(item["id"])
            if row_of is None or row_of.marker != marker.code:
                found.orphans.append(f"rapat Zoom {item['id']} [{marker.code}] tanpa baris live")
    found.overbooked += overbooked(zoom_spans, limits, pad, "Zoom")
    found.two_meetings += [f"{code}: {n} rapat di Zoom" for code, n in markers.items() if n > 1]
    zoom_ids, db_ids = {item["id"] for item in zoom}, set(live)
    found.unmatched = [f"hanya di Zoom: {i}" for i in sorted(zoom_ids - db_ids)] + [
        f"hanya di basis data: {i}" for i in sorted(i for i in db_ids - zoom_ids if i)]
    found.letters = len(letters)
    numbers = Counter(letter.number for letter in letters)
    found.duplicate_numbers = [number for number, n in numbers.items() if n > 1]
    by_year: dict[int, list[int]] = {}
    for letter in letters:
        if letter.sequence is not None:
            by_year.setdefault(letter.year, []).append(letter.sequence)
    for year, sequences in by_year.items():
        if sorted(sequences) != list(range(1, len(sequences) + 1)):
            found.sequence_gaps.append(f"{year}: {sorted(sequences)}")
    return found
