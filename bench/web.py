"""Benchmark: the web pages staff use most, over a year's worth of requests and more.

    python bench/web.py [--requests 100000] [--clients 20] [--seconds 20] [--baseline-seconds 10]

Fills a fresh SQLite database in a temporary folder with ``--requests`` requests (bulk inserts
through SQLAlchemy core: forty agencies, three years of meetings, states as they stand in a
working office — most old requests done, the coming weeks' waiting for review, signature or
delivery — with their Zoom meetings, letters and audit trail), then serves the application with
werkzeug's threaded WSGI server (one thread per connection) in a process of its own, so that the
clients' own work does not compete with it for the interpreter.

Each client is a ``requests.Session`` that signs in through the form (CSRF token read from the
page) and then, for ``--seconds``, asks in turn for the dashboard, the request list filtered by
state + agency + text, and a request's detail page, as fast as answers come (no think time).
The baseline in the same run is the same mix with one client for ``--baseline-seconds``.

It prints p50 and p95 per page type, requests per second and errors; it asserts nothing.

What it found (fixed): the list filtered by state + agency searched one index and sorted every
match, and a request's page scanned all meetings for its own (migration 0005 adds the indexes);
the dashboard counted every request by state on each view, and the list's agency filter read
every request for DISTINCT (store/listing.py: counts kept until the audit trail moves, a loose
index scan); Babel formatted every date and time anew (web/context.py keeps them). With no think
time the clients form a closed loop: latency is about clients ÷ throughput, and throughput is one
interpreter's (the GIL) — more clients than that want more worker processes (gunicorn -w N).
"""

from __future__ import annotations

import argparse
import hashlib
import html
import logging
import multiprocessing
import os
import random
import re
import statistics
import tempfile
import threading
import time
from collections import defaultdict
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from datetime import time as clock_time
from pathlib import Path
from typing import Any
from urllib.parse import urlencode
from zoneinfo import ZoneInfo

import requests
from sqlalchemy import func, insert, select

from zoomsvc.config import Config, build_config, demo_document
from zoomsvc.services import Services
from zoomsvc.store import Database, accounts
from zoomsvc.store.migrate import upgrade
from zoomsvc.store.models import AuditEvent, Letter, Meeting, Request
from zoomsvc.web import create_app
from zoomsvc.web.auth import hash_password

WITA = ZoneInfo("Asia/Makassar")
PASSWORD = "sandi-benchmark-panjang"  # noqa: S105 - a throwaway account
AGENCIES = [
    "Dinas Kesehatan", "Dinas Pendidikan dan Kebudayaan", "Dinas Sosial", "Dinas Perhubungan",
    "Dinas Lingkungan Hidup", "Dinas Pekerjaan Umum dan Penataan Ruang", "Dinas Perumahan",
    "Dinas Kependudukan dan Pencatatan Sipil", "Dinas Tenaga Kerja", "Dinas Koperasi dan UKM",
    "Dinas Perdagangan", "Dinas Perikanan", "Dinas Pertanian", "Dinas Pariwisata",
    "Dinas Pemuda dan Olahraga", "Dinas Perpustakaan dan Kearsipan", "Dinas Pemadam Kebakaran",
    "Dinas Penanaman Modal dan PTSP", "Dinas Pemberdayaan Perempuan", "Dinas Ketahanan Pangan",
    "Badan Perencanaan Pembangunan Daerah", "Badan Keuangan dan Aset Daerah",
    "Badan Kepegawaian dan Pengembangan SDM", "Badan Pendapatan Daerah",
    "Badan Penanggulangan Bencana Daerah", "Badan Kesatuan Bangsa dan Politik",
    "Inspektorat", "Sekretariat Daerah", "Sekretariat DPRD", "Satuan Polisi Pamong Praja",
    "RSUD Kota Tarakan", "Kecamatan Tarakan Barat", "Kecamatan Tarakan Tengah",
    "Kecamatan Tarakan Timur", "Kecamatan Tarakan Utara", "Bagian Hukum", "Bagian Organisasi",
    "Bagian Umum", "Bagian Protokol dan Komunikasi Pimpinan", "Bagian Pengadaan Barang/Jasa",
]
TOPICS = [
    "Rapat Koordinasi Percepatan Penurunan Stunting", "Sosialisasi Aplikasi Srikandi",
    "Bimbingan Teknis Penyusunan Renja", "Rapat Evaluasi SPBE", "Musrenbang Kecamatan",
    "Rapat Koordinasi Penanganan Inflasi Daerah", "Sosialisasi Perwali Tata Naskah Dinas",
    "Rapat Persiapan Hari Jadi Kota", "Pelatihan Keamanan Informasi", "Rapat Kerja Teknis",
    "Konsultasi Publik Rancangan Perda", "Rapat Monitoring Realisasi Anggaran",
    "Webinar Literasi Digital", "Rapat Koordinasi Posyandu", "Asistensi Laporan Keuangan",
]
WORDS = ["stunting", "srikandi", "rapat", "koordinasi", "evaluasi", "sosialisasi", "teknis"]
OPEN_STATES = ["draft_ready"] * 35 + ["reviewed"] * 20 + ["signed"] * 12 + ["sent"] * 15 + \
    ["received"] * 5 + ["scheduled"] * 5 + ["full"] * 5 + ["scheduling"] * 2 + ["approved"]
PAST_STATES = ["done"] * 70 + ["received"] * 10 + ["cancelled"] * 10 + ["expired"] * 5 + \
    ["sent"] * 5
LIST_STATES = ["draft_ready", "reviewed", "signed", "sent", "done", "received"]
ROMAN = ["I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X", "XI", "XII"]
HOSTS = ["zoom1@kominfo.tarakankota.go.id", "zoom2@kominfo.tarakankota.go.id",
         "zoom3@kominfo.tarakankota.go.id"]
PAGES = ("dashboard", "list", "detail")
BATCH = 10_000


def make_config(database_url: str) -> Config:
    document = demo_document()
    document["database"] = {"url": database_url}
    document["web"] = {"secret_key": "bench-" + "k" * 58}
    document["opd"] = [{"name": name} for name in AGENCIES]
    return build_config(document, {}, source="bench")


# --- filling the database ---------------------------------------------------------------------

def fill(db: Database, count: int, now: datetime, rng: random.Random) -> list[str]:
    """Insert ``count`` requests with meetings, letters and events; the codes (a sample)."""
    first_day = (now - timedelta(days=3 * 365)).date()
    span_days = (now.date() - first_day).days + 60
    requests_table, meetings, letters, events = (Request.__table__, Meeting.__table__,
                                                 Letter.__table__, AuditEvent.__table__)
    per_year: dict[int, int] = defaultdict(int)
    seq = 0
    sample: list[str] = []
    with db.engine.begin() as connection:
        rows: list[dict[str, Any]] = []
        extras: dict[str, list[dict[str, Any]]] = {"m": [], "l": [], "e": []}
        for i in range(1, count + 1):
            day = first_day + timedelta(days=rng.randrange(span_days))
            while day.isoweekday() > 5:
                day += timedelta(days=1)
            start = datetime.combine(day, clock_time(rng.choice(range(7, 16)),
                                                     rng.choice((0, 30))), tzinfo=WITA)
            end = start + timedelta(minutes=rng.choice((60, 90, 120, 180)))
            state = rng.choice(PAST_STATES if start < now - timedelta(days=1) else OPEN_STATES)
            created = start - timedelta(days=rng.randrange(2, 10))
            per_year[created.year] += 1
            code = f"ZM-{created.year}-{per_year[created.year]:05d}"
            agency = rng.choice(AGENCIES)
            rows.append({
                "id": i, "code": code, "agency": agency,
                "letter_number": f"005/{i:06d}/{agency.split()[-1].upper()[:8]}/{created.year}",
                "letter_date": created.date(), "subject": "Permohonan Fasilitasi Zoom Meeting",
                "srikandi_agenda": None, "letter_file_sha256": None,
                "topic": f"{rng.choice(TOPICS)} {agency}"[:200], "agenda": "Koordinasi",
                "start_at": start, "end_at": end, "participants": rng.choice((20, 50, 100, 250)),
                "contact_name": "Narahubung OPD", "contact_phone": "0812-5500-1234",
                "contact_email": "narahubung@opd.example.go.id", "state": state,
                "state_since": min(now, created + timedelta(hours=rng.randrange(1, 48))),
                "full_reason": "pool_full" if state == "full" else None,
                "alternatives_json": "[]" if state == "full" else None, "last_error": None,
                "created_at": created,
            })
            if len(sample) < 5000 and rng.random() < 0.2:
                sample.append(code)
            steps = ["approved", "scheduling"]
            if state not in ("approved", "scheduling", "full", "expired"):
                extras["m"].append({
                    "request_id": i, "marker": code, "host": rng.choice(HOSTS),
                    "status": "deleted" if state in ("done", "cancelled") else "live",
                    "zoom_id": 80_000_000_000 + i, "zoom_uuid": f"u{i}==", "passcode": "a1B2c3D4",
                    "join_url": f"https://zoom.us/j/{80_000_000_000 + i}?pwd=x", "start_at": start,
                    "end_at": end, "created_at": created,
                    "deleted_at": end + timedelta(days=1) if state == "done" else None})
                steps += ["scheduled", "draft_ready", "reviewed", "signed", "sent", "received",
                          "done"]
            if state in ("draft_ready", "reviewed", "signed", "sent", "received", "done"):
                signed = state in ("signed", "sent", "received", "done")
                extras["l"].append({
                    "request_id": i, "kind": "scheduled", "status": "signed" if signed else
                    ("reviewed" if state == "reviewed" else "draft"),
                    "number": f"000.8.3.3/{i:06d}/DKISP-APTIKA/{ROMAN[created.month - 1]}/"
                              f"{created.year}", "number_source": "minted",
                    "year": created.year, "sequence": i, "letter_date": created.date(),
                    "verify_token": f"v{i:08d}" + hashlib.sha256(str(i).encode()).hexdigest()[:20],
                    "draft_sha256": None, "rendered_at": created, "review_note": None,
                    "signed_sha256": hashlib.sha256(f"ttd{i}".encode()).hexdigest() if signed
                    else None, "signed_at": created if signed else None,
                    "signed_by": "kadis" if signed else None, "sent_at": None, "sent_to": None,
                    "created_at": created})
            path = steps[:steps.index(state) + 1] if state in steps else [*steps[:2], state]
            previous = None
            for target in path:
                seq += 1
                extras["e"].append({
                    "seq": seq, "request_id": i, "at": created, "actor": "rina", "role": "staf",
                    "from_state": previous, "to_state": target, "note": "", "sop_step": "",
                    "elapsed_seconds": None, "sla_seconds": None, "prev_hash": "0" * 64,
                    "hash": f"{seq:064x}"})
                previous = target
            if len(rows) >= BATCH:
                flush(connection, rows, extras, requests_table, meetings, letters, events)
        flush(connection, rows, extras, requests_table, meetings, letters, events)
    return sample


def flush(connection: Any, rows: list[dict[str, Any]], extras: dict[str, list[dict[str, Any]]],
          *tables: Any) -> None:
    requests_table, meetings, letters, events = tables
    for table, batch in ((requests_table, rows), (meetings, extras["m"]),
                         (letters, extras["l"]), (events, extras["e"])):
        if batch:
            connection.execute(insert(table), batch)
            batch.clear()


# --- the server -------------------------------------------------------------------------------

def serve(config: Config, port: Any) -> None:
    """Run the application under werkzeug's threaded server (in a child process)."""
    from werkzeug.serving import make_server

    logging.getLogger("werkzeug").setLevel(logging.ERROR)
    services = Services(config)
    app = create_app(services=services)
    server = make_server("127.0.0.1", 0, app, threaded=True)
    port.value = server.server_port
    server.serve_forever()


# --- the clients ------------------------------------------------------------------------------

CSRF = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')


def signed_in(base: str, username: str) -> requests.Session:
    session = requests.Session()
    form = session.get(f"{base}/masuk", timeout=30)
    token = html.unescape(CSRF.search(form.text).group(1))  # type: ignore[union-attr]
    answer = session.post(f"{base}/masuk", data={"username": username, "password": PASSWORD,
                                                  "csrf_token": token},
                          allow_redirects=False, timeout=30)
    if answer.status_code != 302:
        raise RuntimeError(f"sign-in failed: {answer.status_code}")
    return session


def urls(rng: random.Random, codes: list[str]) -> Iterator[tuple[str, str]]:
    """The page mix, in turn: dashboard, filtered list, detail."""
    while True:
        yield "dashboard", "/dasbor"
        query = {"status": rng.choice(LIST_STATES), "opd": rng.choice(AGENCIES),
                 "q": rng.choice(WORDS)}
        yield "list", "/permohonan?" + urlencode(query)
        yield "detail", f"/permohonan/{rng.choice(codes)}"


class Tally:
    """Latencies and errors per page type, from all client threads."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.times: dict[str, list[float]] = defaultdict(list)
        self.errors: dict[str, int] = defaultdict(int)

    def add(self, kind: str, ms: float, ok: bool) -> None:
        with self.lock:
            self.times[kind].append(ms)
            if not ok:
                self.errors[kind] += 1


def client(base: str, session: requests.Session, codes: list[str], seed: int, deadline: float,
           tally: Tally, start: threading.Barrier) -> None:
    rng = random.Random(seed)
    mix = urls(rng, codes)
    for _ in range(rng.randrange(3)):  # clients start at different pages
        next(mix)
    start.wait()
    while time.perf_counter() < deadline:
        kind, url = next(mix)
        begin = time.perf_counter()
        try:
            answer = session.get(base + url, timeout=30, allow_redirects=False)
            ok = answer.status_code == 200
        except requests.RequestException:
            ok = False
        tally.add(kind, (time.perf_counter() - begin) * 1000, ok)


def load(base: str, codes: list[str], clients: int, seconds: float) -> tuple[Tally, float]:
    """``clients`` signed-in sessions asking for pages for ``seconds``; the tally and wall time."""
    sessions = [signed_in(base, "bench") for _ in range(clients)]
    warm = urls(random.Random(0), codes)
    for session in sessions:  # connections open, templates compiled, caches filled
        for _ in PAGES:
            session.get(base + next(warm)[1], timeout=60)
    tally = Tally()
    barrier = threading.Barrier(clients + 1)
    deadline = time.perf_counter() + seconds
    threads = [threading.Thread(target=client, args=(base, session, codes, n, deadline, tally,
                                                     barrier))
               for n, session in enumerate(sessions)]
    for thread in threads:
        thread.start()
    barrier.wait()
    begun = time.perf_counter()
    for thread in threads:
        thread.join()
    return tally, time.perf_counter() - begun


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def report(label: str, tally: Tally, wall: float, baseline: Tally | None = None) -> None:
    total = sum(len(v) for v in tally.times.values())
    errors = sum(tally.errors.values())
    print(f"{label}: {total} pages in {wall:.1f} s = {total / wall:.0f} requests/s, "
          f"{errors} errors")
    print(f"  {'page':<10} {'count':>6} {'p50 ms':>8} {'p95 ms':>8} {'max ms':>8} "
          f"{'errors':>6}" + ("  p95 vs 1 client" if baseline else ""))
    for kind in PAGES:
        values = tally.times.get(kind, [])
        if not values:
            continue
        p95 = percentile(values, 0.95)
        ratio = ""
        if baseline and baseline.times.get(kind):
            ratio = f"  x{p95 / percentile(baseline.times[kind], 0.95):.1f}"
        print(f"  {kind:<10} {len(values):>6} {statistics.median(values):>8.1f} {p95:>8.1f} "
              f"{max(values):>8.1f} {tally.errors.get(kind, 0):>6}{ratio}")


def run(count: int, clients: int, seconds: float, baseline_seconds: float) -> None:
    rng = random.Random(20261123)
    now = datetime.now(UTC)
    with tempfile.TemporaryDirectory(prefix="zoomsvc-bench-web-") as folder:
        database_url = f"sqlite:///{Path(folder) / 'bench.db'}"
        config = make_config(database_url)
        db = Database(database_url)
        upgrade(db)
        began = time.perf_counter()
        codes = fill(db, count, now, rng)
        with db.session() as session:
            accounts.add_user(session, username="bench", full_name="Staf Benchmark",
                              password_hash=hash_password(PASSWORD), role="staf", agency=None,
                              now=now)
            stored = session.scalar(select(func.count()).select_from(Request))
            meetings = session.scalar(select(func.count()).select_from(Meeting))
            letters = session.scalar(select(func.count()).select_from(Letter))
            events = session.scalar(select(func.count()).select_from(AuditEvent))
        filled = time.perf_counter() - began
        db.dispose()
        print(f"zoomsvc web benchmark: {stored:,} requests, {meetings:,} meetings, "
              f"{letters:,} letters, {events:,} audit events in SQLite (filled in {filled:.1f} s)")
        print(f"server: werkzeug threaded WSGI server in its own process; {os.cpu_count()} CPUs; "
              f"clients: requests.Session each, no think time")

        port = multiprocessing.get_context("fork").Value("i", 0)
        server = multiprocessing.get_context("fork").Process(target=serve, args=(config, port),
                                                             daemon=True)
        server.start()
        try:
            for _ in range(200):
                if port.value:
                    break
                time.sleep(0.05)
            base = f"http://127.0.0.1:{port.value}"
            one, one_wall = load(base, codes, 1, baseline_seconds)
            many, many_wall = load(base, codes, clients, seconds)
        finally:
            server.terminate()
            server.join(timeout=10)
    report("baseline, 1 client", one, one_wall)
    report(f"{clients} clients", many, many_wall, one)
    rate = sum(len(v) for v in many.times.values()) / many_wall
    print(f"closed loop, no think time: latency ≈ clients ÷ throughput = "
          f"{clients / rate * 1000:.0f} ms (one server process: its interpreter is the limit)")
    worst = max(percentile(v, 0.95) for v in many.times.values())
    print(f"goal p95 < 100 ms on SQLite with {clients} clients: "
          f"{'met' if worst < 100 else 'NOT met'} (worst page p95 {worst:.1f} ms)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=100_000)
    parser.add_argument("--clients", type=int, default=20)
    parser.add_argument("--seconds", type=float, default=20.0)
    parser.add_argument("--baseline-seconds", type=float, default=10.0)
    args = parser.parse_args()
    run(args.requests, args.clients, args.seconds, args.baseline_seconds)


if __name__ == "__main__":
    main()
