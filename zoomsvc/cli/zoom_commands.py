"""Commands about the configuration and Zoom itself: check-config, zoom-ping, sandbox."""

from __future__ import annotations

import json
from pathlib import Path

import click

from zoomsvc.cli.context import AppContext, ConfigProblem, pass_app
from zoomsvc.config import Config
from zoomsvc.letters.assemble import OfficialDataMissing, check_official_data
from zoomsvc.letters.fonts import font_warnings
from zoomsvc.letters.render import TemplateCheckError, check_template
from zoomsvc.letters.service import template_file
from zoomsvc.zoom import ZoomClient, ZoomError
from zoomsvc.zoom.budget import budget_warning


class ZoomProblem(click.ClickException):
    """Zoom could not be used: exit code 1 with Zoom's message (never a secret)."""

    exit_code = 1

    def format_message(self) -> str:
        return f"Zoom gagal: {self.message}"


def config_summary(config: Config) -> dict[str, object]:
    """What the configuration says, without any secret value."""
    zoom = config.zoom
    return {
        "source": config.source,
        "zoom": {
            "api_base_url": zoom.api_base_url,
            "oauth_url": zoom.oauth_url,
            "sandbox": zoom.is_sandbox,
            "plan": zoom.plan,
            "timezone": zoom.timezone,
            "rate_limits": {"light": zoom.rate_limits.light, "medium": zoom.rate_limits.medium,
                            "heavy": zoom.rate_limits.heavy},
            "credentials": {key: "(diisi)" if getattr(zoom, key) else "(kosong)" for key in
                            ("account_id", "client_id", "client_secret",
                             "webhook_secret_token")},
            "passcode": {"length": zoom.passcode.length,
                         "numeric_only": zoom.passcode.numeric_only},
            "hosts": [{"user": h.user, "label": h.label, "concurrency": h.concurrency,
                       "capacity": h.capacity, "licensed": h.licensed} for h in zoom.hosts],
        },
        "agency": {"name": config.agency.name, "city": config.agency.city,
                   "timezone": config.agency.timezone, "zone_label": config.agency.zone_label},
    }


@click.command("check-config")
@pass_app
def check_config(app: AppContext) -> None:
    """Periksa konfigurasi dan templat surat, lalu tampilkan ringkasannya (tanpa rahasia)."""
    config = app.config
    templates = [template_file(config.letters, kind) for kind in ("scheduled", "full")]
    try:
        check_official_data(config)
        for template in templates:
            check_template(template)
    except (OfficialDataMissing, TemplateCheckError, OSError) as exc:
        raise ConfigProblem(str(exc)) from exc
    click.echo(json.dumps(config_summary(config), indent=2, ensure_ascii=False))
    for warning in font_warnings(templates):  # a warning, not a failure: the DOCX is still right
        click.echo(warning, err=True)
    slow = budget_warning(config.zoom)
    if slow:  # a warning: calls still work, only a slow one could be taken over
        click.echo(slow, err=True)
    click.echo("Konfigurasi dan templat surat valid.", err=True)


@click.command("zoom-ping")
@pass_app
def zoom_ping(app: AppContext) -> None:
    """Uji koneksi ke Zoom: ambil token, daftar pengguna, dan cocokkan dengan pool host."""
    config = app.config
    client = ZoomClient(config.zoom)
    try:
        users = client.list_users()
    except ZoomError as exc:
        raise ZoomProblem(str(exc)) from exc
    by_address = {u.email.lower(): u for u in users} | {u.id.lower(): u for u in users}
    pool = []
    for host in config.zoom.hosts:
        user = by_address.get(host.user.lower())
        status = "tidak ditemukan" if user is None else (
            "ok" if user.licensed == host.licensed else
            f"lisensi berbeda (Zoom: {'berlisensi' if user.licensed else 'Basic'})")
        pool.append({"user": host.user, "label": host.label, "status": status})
    click.echo(json.dumps({"api": config.zoom.api_base_url, "sandbox": config.zoom.is_sandbox,
                           "token_requests": client.token_requests, "users": len(users),
                           "pool": pool}, indent=2, ensure_ascii=False))


@click.command("sandbox")
@click.option("--host", default="127.0.0.1", show_default=True, help="Alamat yang didengar.")
@click.option("--port", default=9901, show_default=True, type=int)
@click.option("--token-ttl", default=3600, show_default=True, type=int,
              help="Umur token akses (detik).")
@click.option("--plan", type=click.Choice(["pro", "business"]), default="business",
              show_default=True, help="Batas permintaan per detik yang ditiru.")
@click.option("--fail-next", default=0, type=int, help="N permintaan API berikut dijawab 5xx.")
@click.option("--error-rate", default=0.0, type=float, help="Proporsi acak jawaban 5xx (0..1).")
@click.option("--delay-ms", default=0, type=int, help="Tambahan latensi per permintaan API.")
@click.option("--drop-next-create", default=0, type=int,
              help="N pembuatan rapat berikut disimpan tetapi jawabannya diputus.")
@click.option("--state-file", type=click.Path(dir_okay=False, path_type=Path),
              help="Simpan keadaan sandbox ke berkas JSON ini.")
def sandbox(host: str, port: int, token_ttl: int, plan: str, fail_next: int, error_rate: float,
            delay_ms: int, drop_next_create: int, state_file: Path | None) -> None:
    """Jalankan sandbox Zoom lokal (BUKAN Zoom) untuk demo, uji dan benchmark."""
    from zoomsvc.zoom.sandbox import SandboxOptions, run_sandbox

    options = SandboxOptions(token_ttl=token_ttl, plan=plan, fail_next=fail_next,
                             error_rate=error_rate, delay_ms=delay_ms,
                             drop_next_create=drop_next_create, state_file=state_file)
    click.echo(f"Sandbox Zoom zoomsvc (bukan Zoom) di http://{host}:{port}  — Ctrl+C untuk "
               "berhenti", err=True)
    run_sandbox(host, port, options)
