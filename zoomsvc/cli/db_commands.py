"""Commands about the database: create or migrate the schema, back it up."""

from __future__ import annotations

import sqlite3
from contextlib import closing
from importlib.util import find_spec
from pathlib import Path

import click
from sqlalchemy.engine import make_url

from zoomsvc.cli.context import AppContext, Failure, pass_app
from zoomsvc.store.db import POSTGRES_EXTRA
from zoomsvc.store.migrate import upgrade


@click.group("db")
def db() -> None:
    """Basis data layanan."""


@db.command("upgrade")
@pass_app
def db_upgrade(app: AppContext) -> None:
    """Buat atau perbarui skema basis data ke versi terbaru."""
    before, after = upgrade(app.raw_db)
    state = "sudah terbaru" if before == after else f"{before or '(kosong)'} → {after}"
    click.echo(f"Skema basis data {state} ({app.raw_db.engine.url.render_as_string()})")


@db.command("backup")
@click.argument("target", type=click.Path(dir_okay=False, path_type=Path))
@pass_app
def db_backup(app: AppContext, target: Path) -> None:
    """Salin basis data SQLite selagi layanan berjalan (API backup daring SQLite)."""
    # Decided from the URL alone: a PostgreSQL database needs neither its driver nor a
    # connection to be told to use pg_dump.
    if make_url(app.config.database.url).get_backend_name() != "sqlite":
        extra = "" if find_spec("psycopg") else f"; perintah lain memerlukan {POSTGRES_EXTRA}"
        raise Failure("basis data PostgreSQL: gunakan pg_dump (lihat README, bagian Deployment)"
                      + extra)
    database = app.raw_db
    if target.exists():
        raise Failure(f"{target} sudah ada; pilih nama berkas baru")
    source_path = database.engine.url.database
    if not source_path or source_path == ":memory:":
        raise Failure("basis data SQLite ini tidak berada di berkas")
    target.parent.mkdir(parents=True, exist_ok=True)
    # One step of the online backup API copies a consistent (WAL) snapshot while writers go
    # on; copying in several steps would restart whenever another connection writes between.
    with closing(sqlite3.connect(source_path)) as source, \
            closing(sqlite3.connect(str(target))) as copy:
        source.backup(copy)
    with closing(sqlite3.connect(str(target))) as check:
        verdict = check.execute("PRAGMA integrity_check").fetchone()[0]
    if verdict != "ok":
        raise Failure(f"salinan {target} tidak utuh: {verdict}")
    click.echo(f"Cadangan tersimpan: {target} ({target.stat().st_size:,} byte, integritas ok)")
