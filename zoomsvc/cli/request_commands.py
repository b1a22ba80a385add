"""Commands about requests: provision one from REQUEST.json, verify the audit trail."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import click

from zoomsvc.calendar import CalendarRejected
from zoomsvc.cli.context import AppContext, Failure, pass_app
from zoomsvc.domain import InvalidInput
from zoomsvc.input_bounds import JsonRefused, load_json
from zoomsvc.intake import Intake
from zoomsvc.provisioning import ProvisioningFailed
from zoomsvc.store import records
from zoomsvc.store.models import AuditEvent

HEAD_PATTERN = re.compile(r"[0-9a-f]{64}")


class BadInput(click.ClickException):
    """Invalid request input: exit code 2, nothing stored, nothing sent to Zoom."""

    exit_code = 2

    def format_message(self) -> str:
        return f"Permohonan tidak valid: {self.message}"


def read_request_file(path: Path) -> object:
    """The decoded JSON of REQUEST.json; a clear one-line error otherwise."""
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise BadInput(f"{path}: berkas tidak dapat dibaca ({exc.strerror})") from exc
    except UnicodeDecodeError as exc:
        raise BadInput(f"{path}: bukan teks UTF-8") from exc
    try:
        return load_json(text)
    except JsonRefused as exc:
        raise BadInput(f"{path}: {exc}") from exc


@click.command("provision")
@click.argument("request_file", metavar="REQUEST.json",
                type=click.Path(dir_okay=False, path_type=Path))
@click.option("--host", "preferred_host", help="Pilih akun Zoom sendiri (diperiksa ulang).")
@click.option("--override-holiday", "override_holiday", metavar="ALASAN",
              help="Izinkan rapat pada hari libur atau jam istirahat, dengan alasan (dicatat "
                   "di jejak audit).")
@pass_app
def provision(app: AppContext, request_file: Path, preferred_host: str | None,
              override_holiday: str | None) -> None:
    """Proses permohonan yang sudah disetujui: cek jadwal, buat rapat Zoom, simpan."""
    output = submit_request(app.intake, read_request_file(request_file), "cli", preferred_host,
                            override_holiday)
    click.echo(json.dumps(output, ensure_ascii=False))


def submit_request(intake: Intake, data: object, actor: str,
                   preferred_host: str | None = None,
                   override_holiday: str | None = None) -> dict[str, Any]:
    """Submit, provision and draft; failures become the command's exit codes (2 input, 1 Zoom).
    Returns the JSON object the command prints."""
    try:
        result, draft = intake.submit(data, actor=actor, preferred_host=preferred_host,
                                      override_holiday=override_holiday)
    except InvalidInput as exc:
        raise BadInput(str(exc)) from exc
    except CalendarRejected as exc:
        raise BadInput("; ".join(f"{p.field}: {p.message}" for p in exc.problems)) from exc
    except ProvisioningFailed as exc:
        raise Failure(f"{exc.code}: {exc}") from exc
    output = result.as_dict(intake.provisioner.zone)
    output["letter"] = draft.as_dict() if draft else None
    return output


class BadOption(click.ClickException):
    """An option with an unusable value: exit code 2, one line naming it."""

    exit_code = 2


@click.group("audit")
def audit() -> None:
    """Jejak audit (berantai hash) setiap permohonan."""


@audit.command("verify")
@click.option("--head", "earlier_head", metavar="HASH",
              help="Kepala rantai yang dicatat sebelumnya (mis. dari log pekerjaan harian): "
                   "harus masih ada dalam rantai.")
@pass_app
def audit_verify(app: AppContext, earlier_head: str | None) -> None:
    """Periksa bahwa tidak ada peristiwa audit yang diubah, dihapus atau disisipkan."""
    if earlier_head is not None:
        earlier_head = earlier_head.strip().lower()
        if not HEAD_PATTERN.fullmatch(earlier_head):
            raise BadOption("--head harus hash berupa 64 karakter heksadesimal, seperti "
                            "'head' keluaran 'zoomsvc audit verify'")
    count, head, head_seq = 0, None, None

    def counted() -> Iterator[AuditEvent]:
        nonlocal count, head, head_seq
        for event in records.all_events(session):
            count, head = count + 1, event.hash
            if event.hash == earlier_head:
                head_seq = event.seq
            yield event

    with app.db.session() as session:
        breaks = list(records.verify_chain(counted()))
    if breaks:
        for item in breaks:
            click.echo(f"peristiwa #{item.seq}: {item.problem}", err=True)
        raise Failure(f"jejak audit rusak di {len(breaks)} tempat dari {count} peristiwa")
    report: dict[str, Any] = {"events": count, "intact": True, "head": head}
    if earlier_head is not None:
        if head_seq is None:
            raise Failure(f"kepala rantai {earlier_head[:16]}… yang dicatat sebelumnya tidak ada "
                          "lagi dalam jejak audit: peristiwa sesudahnya telah dihapus atau "
                          "rantai ditulis ulang")
        report["since_head"] = count - head_seq  # events appended after it
    click.echo(json.dumps(report))
