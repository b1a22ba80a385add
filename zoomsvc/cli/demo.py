"""``zoomsvc demo``: a real provisioning run against the bundled sandbox, on SQLite.

No configuration and no credentials are needed: the sandbox starts in this process on a free
loopback port, the records go to ``./instance/zoomsvc.db`` (the database every other command
and ``zoomsvc serve`` use when there is no configuration) and the sandbox keeps its meetings in
``./instance/sandbox.json``, so a second run finds the same request (and meeting) again.
With ``--web`` it then serves the web application with an account for every role.
"""

from __future__ import annotations

import json
import socket
from datetime import date, datetime, timedelta
from importlib import resources
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import click

from zoomsvc.calendar import HolidayCalendar, holiday_calendar, years_around
from zoomsvc.cli.context import AppContext, ConfigProblem, Failure
from zoomsvc.cli.request_commands import read_request_file, submit_request
from zoomsvc.config import Config, build_config, demo_document
from zoomsvc.store.migrate import upgrade

EXAMPLE = Path("examples/permohonan.json")
DEMO_DB = "zoomsvc.db"


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


def demo_config(instance: Path, sandbox_url: str, port: int) -> Config:
    """The built-in demo configuration over a running sandbox, its files in ``instance``."""
    document = demo_document(sandbox_url)
    # The default database of a run without configuration, so `zoomsvc letter pdf` and
    # `zoomsvc serve` find what the demo made.
    document["database"] = {"url": f"sqlite:///{(instance / DEMO_DB).as_posix()}"}
    document["letters"] = {**document.get("letters", {}),
                           "output_dir": str(instance / "letters"),
                           "files_dir": str(instance / "files"),
                           "verify_base_url": f"http://127.0.0.1:{port}/verifikasi"}
    return build_config(document, {}, source="built-in demo")


@click.command("demo")
@click.option("--instance", default="instance", show_default=True,
              type=click.Path(file_okay=False, path_type=Path),
              help="Folder untuk basis data dan keadaan sandbox demo.")
@click.option("--web", is_flag=True,
              help="Lalu jalankan aplikasi web dengan akun demo untuk setiap peran.")
@click.option("--port", default=8000, show_default=True, type=click.IntRange(1, 65535),
              help="Porta aplikasi web (dengan --web).")
@click.pass_obj
def demo(app: AppContext, instance: Path, web: bool, port: int) -> None:
    """Demo lengkap: sandbox Zoom lokal + SQLite + contoh permohonan OPD Kota Tarakan."""
    from zoomsvc.zoom.sandbox import SandboxOptions, SandboxServer

    if app.config_path or app.config.source != "built-in demo":
        raise ConfigProblem("demo hanya berjalan dengan konfigurasi demo bawaan (sandbox); "
                            "hapus --config / ZOOMSVC_CONFIG / ./zoomsvc.toml untuk demo")
    if web:
        check_port(port)
    instance.mkdir(parents=True, exist_ok=True)
    options = SandboxOptions(state_file=instance / "sandbox.json")
    with SandboxServer(options) as sandbox:
        config = demo_config(instance, sandbox.url, port)
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
        click.echo(f"Basis data: {instance / DEMO_DB} · keadaan sandbox: "
                   f"{instance / 'sandbox.json'}", err=True)
        if web:
            serve_demo(run, date.fromisoformat(moved["start"][:10]), port)


def serve_demo(run: AppContext, day: date, port: int) -> None:
    """Seed the demo's accounts and requests, then serve the web app until Ctrl-C."""
    from zoomsvc.cli.demo_web import demo_accounts, demo_requests, print_accounts
    from zoomsvc.web import create_app

    for code, shows in demo_requests(run.services, day):
        click.echo(f"  {code}: {shows}", err=True)
    passwords = demo_accounts(run.services)
    url = f"http://127.0.0.1:{port}"
    print_accounts(url, passwords)
    create_app(services=run.services).run(host="127.0.0.1", port=port, debug=False,
                                          use_reloader=False)


def check_port(port: int) -> None:
    """Refuse at once a port another program holds (before the demo's records are made)."""
    with socket.socket() as probe:
        # As the web server binds: a port left in TIME_WAIT is free for it.
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind(("127.0.0.1", port))
        except OSError as exc:
            raise Failure(f"porta {port} tidak dapat dipakai ({exc.strerror}); pilih --port "
                          "lain") from exc
