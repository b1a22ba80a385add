"""Commands about the database: create or migrate the schema."""

from __future__ import annotations

import click

from zoomsvc.cli.context import AppContext, pass_app
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
