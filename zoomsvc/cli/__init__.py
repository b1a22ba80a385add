"""The ``zoomsvc`` command: one click group, commands grouped by what they touch."""

from __future__ import annotations

import logging
import sys
from typing import Any

import click

from zoomsvc.cli.context import AppContext, Failure
from zoomsvc.cli.db_commands import db
from zoomsvc.cli.demo import demo
from zoomsvc.cli.letter_commands import letter
from zoomsvc.cli.lifecycle_commands import attention, cleanup, reconcile
from zoomsvc.cli.meeting_commands import meeting
from zoomsvc.cli.request_commands import audit, provision
from zoomsvc.cli.web_commands import serve, token, user
from zoomsvc.cli.zoom_commands import check_config, sandbox, zoom_ping
from zoomsvc.store import DriverMissing


class CommandGroup(click.Group):
    """The command group; a database driver that is not installed (the database is opened
    lazily, by whichever command first needs it) ends any command with one line."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except DriverMissing as exc:
            raise Failure(str(exc)) from exc


@click.group(cls=CommandGroup)
@click.option("--config", "config_path", metavar="FILE", envvar="ZOOMSVC_CONFIG",
              help="Berkas konfigurasi TOML (bawaan: ./zoomsvc.toml, atau demo bawaan).")
@click.option("-v", "--verbose", is_flag=True, help="Tampilkan log rinci di stderr.")
@click.version_option(package_name="zoomsvc")
@click.pass_context
def cli(ctx: click.Context, config_path: str | None, verbose: bool) -> None:
    """Layanan Video Conference (Zoom Meeting): permohonan → rapat Zoom → Surat Tanggapan."""
    logging.basicConfig(level=logging.INFO if verbose else logging.WARNING, stream=sys.stderr,
                        format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    ctx.obj = AppContext(config_path)
    ctx.call_on_close(ctx.obj.close)


for command in (demo, provision, letter, audit, db, serve, user, token, check_config, zoom_ping,
                sandbox):
    cli.add_command(command)
for command in (cleanup, reconcile, attention, meeting):  # the scheduled jobs (deploy/, README)
    cli.add_command(command)
del command


def main() -> None:
    """Console-script entry point."""
    cli(prog_name="zoomsvc")
