"""Commands about one Zoom meeting: ``meeting link`` ties a meeting made by hand to a request."""

from __future__ import annotations

import json

import click
from sqlalchemy.exc import SQLAlchemyError

from zoomsvc.cli.context import AppContext, Failure, pass_app
from zoomsvc.clock import utc_now
from zoomsvc.lifecycle.link import LinkRefused, link_meeting
from zoomsvc.zoom import ZoomError


class LinkNotAllowed(click.ClickException):
    """The link was refused: exit code 2, nothing written."""

    exit_code = 2

    def format_message(self) -> str:
        return f"Rapat tidak ditautkan: {self.message}"


@click.group("meeting")
def meeting() -> None:
    """Rapat Zoom yang dibuat di luar layanan."""


@meeting.command("link")
@click.argument("code")
@click.argument("zoom_id", type=click.IntRange(1, 2**63 - 1))
@click.option("--actor", required=True, help="Nama petugas yang menautkan (masuk jejak audit).")
@pass_app
def link(app: AppContext, code: str, zoom_id: int, actor: str) -> None:
    """Tautkan rapat Zoom ZOOM_ID (dibuat manual di akun pool) ke permohonan CODE."""
    try:
        linked = link_meeting(app.config, app.db, app.client, code.strip(), zoom_id,
                              actor=actor, now=utc_now())
    except LinkRefused as exc:
        raise LinkNotAllowed(str(exc)) from exc
    except ZoomError as exc:
        raise Failure(f"rapat Zoom {zoom_id} tidak dapat dibaca: {exc}") from exc
    except SQLAlchemyError as exc:
        raise Failure(f"penautan gagal disimpan ({type(exc).__name__}); coba lagi") from exc
    click.echo(json.dumps({"request": linked.code, "meeting": linked.zoom_id,
                           "host": linked.host, "start": linked.start.isoformat(),
                           "end": linked.end.isoformat(), "state": linked.state}))
