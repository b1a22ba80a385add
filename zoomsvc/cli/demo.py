"""``zoomsvc demo``: a real provisioning run against the bundled sandbox, on SQLite.

No configuration and no credentials are needed: the sandbox starts in this process on a free
loopback port, the records go to ``./instance/demo.db`` and the sandbox keeps its meetings in
``./instance/sandbox.json``, so a second run finds the same request (and meeting) again.
"""

from __future__ import annotations

import json
from datetime import date, datetime, timedelta
from importlib import resources
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import click

from zoomsvc.calendar import HolidayCalendar, holiday_calendar, years_around
from zoomsvc.cli.context import AppContext, ConfigProblem
from zoomsvc.cli.request_commands import read_request_file, submit_request
from zoomsvc.config import build_config, demo_document
from zoomsvc.store.migrate import upgrade

EXAMPLE = Path("examples/permohonan.json")


def example_request() -> tuple[dict[str, Any], str]:
    """The example request: ``./examples/permohonan.json`` if present, else the packaged copy."""
    if EXAMPLE.is_file():
        data = read_request_file(EXAMPLE)
        where = str(EXAMPLE)
    else:
        packaged = resources.files("zoomsvc.examples").joinpath("permohonan.json")
        data = json.loads(packaged.read_text(encoding="utf-8"))
        where = "zoomsvc/examples/permohonan.json (bawaan paket)"
    if not isinstance(data, dict):
        raise ConfigProblem(f"{where}: contoh permohonan harus berupa objek JSON")
    return data, where


def move_to_next_workday(data: dict[str, Any], zone: ZoneInfo, today: date,
                         closed: HolidayCalendar | None = None) -> dict[str, Any]:
    """The same request moved to the next working day (not a holiday in ``closed``) at the
    same local times.

    The example's own date soon lies in the past; the demo is about the process, not the date.
    """
    start = datetime.fromisoformat(data["start"])
    end = datetime.fromisoformat(data["end"])
    day = today + timedelta(days=1)
    while day.isoweekday() > 5 or (closed is not None and day in closed):
        day += timedelta(days=1)
    shift = day - start.date()
    moved = dict(data)
    moved["start"] = (start + shift).replace(tzinfo=start.tzinfo or zone).isoformat()
    moved["end"] = (end + shift).replace(tzinfo=end.tzinfo or zone).isoformat()
    return moved


@click.command("demo")
@click.option("--instance", default="instance", show_default=True,
              type=click.Path(file_okay=False, path_type=Path),
              help="Folder untuk basis data dan keadaan sandbox demo.")
@click.pass_obj
def demo(app: AppContext, instance: Path) -> None:
    """Demo lengkap: sandbox Zoom lokal + SQLite + contoh permohonan OPD Kota Tarakan."""
    from zoomsvc.zoom.sandbox import SandboxOptions, SandboxServer

    if app.config_path or app.config.source != "built-in demo":
        raise ConfigProblem("demo hanya berjalan dengan konfigurasi demo bawaan (sandbox); "
                            "hapus --config / ZOOMSVC_CONFIG / ./zoomsvc.toml untuk demo")
    instance.mkdir(parents=True, exist_ok=True)
    options = SandboxOptions(state_file=instance / "sandbox.json")
    with SandboxServer(options) as sandbox:
        document = demo_document(sandbox.url)
        document["database"] = {"url": f"sqlite:///{(instance / 'demo.db').as_posix()}"}
        document["letters"] = {**document.get("letters", {}),
                               "output_dir": str(instance / "letters"),
                               "files_dir": str(instance / "files")}
        config = build_config(document, {}, source="built-in demo")
        run = AppContext(None, config)
        upgrade(run.raw_db)
        data, where = example_request()
        today = datetime.now(ZoneInfo(config.agency.timezone)).date()
        moved = move_to_next_workday(data, ZoneInfo(config.agency.timezone), today,
                                     holiday_calendar(config.calendar, years_around(today)))
        click.echo(f"Sandbox Zoom lokal (bukan Zoom): {sandbox.url}", err=True)
        click.echo(f"Permohonan contoh: {where} (dipindah ke {moved['start'][:10]})", err=True)
        output = submit_request(run.intake, moved, "demo")
        click.echo(json.dumps(output, ensure_ascii=False, indent=2))
        click.echo(f"Basis data: {instance / 'demo.db'} · keadaan sandbox: "
                   f"{instance / 'sandbox.json'}", err=True)
