"""Commands of the scheduled jobs: ``cleanup`` and ``reconcile``, and the ``attention`` list.

Each prints JSON on stdout (a final summary line always) and its progress or refusal on stderr,
so a timer's journal shows both and a script can read the last line.
"""

from __future__ import annotations

import json
import re
import sys
from contextlib import ExitStack
from datetime import timedelta
from typing import IO, Any

import click

from zoomsvc.cli.context import AppContext, Failure, pass_app
from zoomsvc.clock import utc_now
from zoomsvc.lifecycle import Cleaner, CleanupSummary, LockBusy, LockLost, Reconciler
from zoomsvc.lifecycle.cleanup import DEFAULT_WORKERS, ItemResult, Plan
from zoomsvc.lifecycle.reconcile import Change, ReconcileSummary
from zoomsvc.store import lifecycle_records as lrec
from zoomsvc.store import records

DURATION = re.compile(r"(\d+)\s*([dhms])")
UNITS = {"d": "days", "h": "hours", "m": "minutes", "s": "seconds"}


def parse_duration(text: str) -> timedelta:
    """``2h``, ``90m``, ``1h30m``, ``1d``, ``45s`` or ``0`` as a timedelta."""
    cleaned = text.strip().lower()
    if cleaned == "0":
        return timedelta(0)
    parts = DURATION.findall(cleaned)
    if not parts or DURATION.sub("", cleaned).strip():
        raise ValueError(f"'{text}' bukan durasi; contoh: 30m, 2h, 1h30m, 1d")
    return sum((timedelta(**{UNITS[unit]: int(amount)}) for amount, unit in parts), timedelta())


def _grace(_ctx: click.Context, _param: click.Parameter, value: str) -> timedelta:
    try:
        return parse_duration(value)
    except ValueError as exc:
        raise click.BadParameter(str(exc)) from exc


def echo_json(data: dict[str, Any]) -> None:
    """One JSON line on stdout."""
    click.echo(json.dumps(data, ensure_ascii=False, default=str))


def wants_progress(stream: IO[str]) -> bool:
    """A progress bar only for a person at a terminal, never in a timer's log."""
    isatty = getattr(stream, "isatty", None)
    return bool(isatty and isatty())


def _busy(exc: LockBusy, summary: dict[str, int]) -> None:
    # Not an error: the other runner does the work; a timer must not report a failure.
    click.echo(f"Dilewati: {exc}", err=True)
    echo_json({**summary, "busy": True})


@click.command("cleanup")
@click.option("--dry-run", is_flag=True,
              help="Hanya tampilkan rencana; Zoom dan data tidak diubah.")
@click.option("--grace", default="2h", show_default=True, callback=_grace,
              help="Jeda setelah rapat selesai sebelum dihapus dari Zoom (30m, 2h, 1d).")
@click.option("--limit", type=click.IntRange(min=1), default=None,
              help="Paling banyak N rapat dihapus pada putaran ini (sisanya putaran berikut).")
@click.option("--workers", type=click.IntRange(1, 16), default=DEFAULT_WORKERS,
              show_default=True, help="Permintaan serentak ke Zoom (tetap di bawah batas Light).")
@pass_app
def cleanup(app: AppContext, dry_run: bool, grace: timedelta, limit: int | None,
            workers: int) -> None:
    """Hapus dari Zoom rapat yang sudah lewat (atau dibatalkan) dan tutup permohonannya."""
    cleaner = Cleaner(app.db, app.client, clock=utc_now, grace=grace, workers=workers)
    if dry_run:
        plan = cleaner.plan(limit)
        for target in plan.meetings:
            echo_json({"action": "delete", "request": target.code, "zoom_id": target.zoom_id,
                       "why": "over" if target.over else "cancelled"})
        for code in plan.requests:
            echo_json({"action": "settle", "request": code})
        echo_json({**CleanupSummary(checked=len(plan)).as_dict(), "dry_run": True,
                   "would_delete": len(plan.meetings), "would_settle": len(plan.requests)})
        return
    with ExitStack() as stack:
        bar: Any = None

        def started(plan: Plan) -> None:
            nonlocal bar
            if wants_progress(sys.stderr) and len(plan):
                bar = stack.enter_context(click.progressbar(
                    length=len(plan), label="Membersihkan rapat Zoom", file=sys.stderr))

        def finished(_result: ItemResult) -> None:
            if bar is not None:
                bar.update(1)

        try:
            summary = cleaner.run(limit=limit, on_plan=started, on_item=finished)
        except LockBusy as exc:
            _busy(exc, CleanupSummary().as_dict())
            return
        except LockLost as exc:
            stack.close()
            click.echo(f"Berhenti: {exc}", err=True)
            echo_json(cleaner.summary.as_dict())
            raise click.exceptions.Exit(1) from exc
    # The head of the audit chain lands in the job's log, off the database: a later
    # 'zoomsvc audit verify --head' tells whether events were removed after it.
    with app.db.session() as session:
        head = records.chain_head(session)
    echo_json({**summary.as_dict(), "audit_head": head})
    if summary.failed:
        click.echo(f"{summary.failed} rapat gagal dihapus (alasannya di log di atas); "
                   "jalankan lagi nanti", err=True)
        raise click.exceptions.Exit(1)


@click.command("reconcile")
@click.option("--host", help="Hanya akun Zoom ini (e-mail atau id pengguna).")
@pass_app
def reconcile(app: AppContext, host: str | None) -> None:
    """Bandingkan catatan layanan dengan Zoom dan perbaiki selisihnya."""
    def changed(change: Change) -> None:
        echo_json(change.as_dict())

    reconciler = Reconciler(app.config, app.db, app.client, clock=utc_now)
    try:
        summary = reconciler.run(host, on_change=changed)
    except LockBusy as exc:
        _busy(exc, ReconcileSummary().as_dict())
        return
    except LockLost as exc:
        raise Failure(str(exc)) from exc
    echo_json(summary.as_dict())
    if summary.failed:
        click.echo(f"{summary.failed} panggilan Zoom gagal (lihat log di atas); jalankan lagi "
                   "nanti", err=True)
        raise click.exceptions.Exit(1)


@click.command("attention")
@pass_app
def attention(app: AppContext) -> None:
    """Daftar hal yang perlu ditangani staf (rapat dihapus/diubah di luar layanan, bentrok)."""
    with app.db.session() as session:
        items = lrec.open_attention(session)
    for item in items:
        echo_json({"id": item.id, "kind": item.kind, "request": item.request_code,
                   "state": item.request_state, "zoom_id": item.zoom_id,
                   "since": item.since.isoformat(), "detail": item.detail})
    echo_json({"open": len(items)})
