"""Commands for the web application: ``serve``, accounts (``user``) and API tokens (``token``)."""

from __future__ import annotations

import json
import uuid
from datetime import timedelta

import click

from zoomsvc.cli.context import AppContext, ConfigProblem, Failure, Refused, pass_app
from zoomsvc.input_bounds import TOKEN_DAYS_MAX
from zoomsvc.store import accounts
from zoomsvc.tokens import SCOPES, issue_api_token
from zoomsvc.workflow import Role

WEB_ROLES = ("staf", "subkoordinator", "kabid", "kadis", "opd", "admin")
MIN_PASSWORD = 10


@click.command("serve")
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=8000, show_default=True, type=int)
@pass_app
def serve(app: AppContext, host: str, port: int) -> None:
    """Jalankan aplikasi web untuk pengembangan (produksi: gunicorn, lihat README)."""
    from zoomsvc.web import create_app

    app.db  # noqa: B018 - say at once when the schema is missing
    web = create_app(services=app.services)
    click.echo(f"Aplikasi web di http://{host}:{port}  — Ctrl+C untuk berhenti", err=True)
    web.run(host=host, port=port, debug=False, use_reloader=False)


@click.group("user")
def user() -> None:
    """Akun pengguna aplikasi web."""


@user.command("add")
@click.argument("username")
@click.option("--name", "full_name", required=True, help="Nama lengkap.")
@click.option("--role", type=click.Choice(WEB_ROLES), required=True)
@click.option("--opd", "agency", help="Perangkat daerah (wajib untuk peran opd).")
@click.password_option("--password", help="Kata sandi (ditanyakan bila tidak diberikan).")
@pass_app
def user_add(app: AppContext, username: str, full_name: str, role: str, agency: str | None,
             password: str) -> None:
    """Tambah akun."""
    from zoomsvc.web.auth import hash_password

    if role == Role.OPD and not agency:
        raise click.BadParameter("peran opd wajib disertai --opd", param_hint="--opd")
    if role != Role.OPD and agency:
        raise click.BadParameter("--opd hanya untuk peran opd", param_hint="--opd")
    if len(password) < MIN_PASSWORD:
        raise click.BadParameter(f"minimal {MIN_PASSWORD} karakter", param_hint="--password")
    known = [o.name for o in app.config.opd]
    if agency and known and agency not in known:
        raise click.BadParameter(f"{agency!r} tidak ada dalam [[opd]]", param_hint="--opd")
    with app.db.session() as session:
        if accounts.find_user(session, username):
            raise Failure(f"akun {username!r} sudah ada")
        password_hash = hash_password(password, app.config.web.password_hash)
        accounts.add_user(session, username=username, full_name=full_name,
                          password_hash=password_hash, role=role, agency=agency,
                          now=app.services.clock())
    click.echo(f"Akun {username.lower()} ({role}) dibuat.")


@user.command("list")
@pass_app
def user_list(app: AppContext) -> None:
    """Daftar akun."""
    with app.db.session() as session:
        for row in accounts.all_users(session):
            click.echo(json.dumps({"username": row.username, "name": row.full_name,
                                   "role": row.role, "opd": row.agency,
                                   "active": row.active}, ensure_ascii=False))


@user.command("disable")
@click.argument("username")
@pass_app
def user_disable(app: AppContext, username: str) -> None:
    """Nonaktifkan akun (sesi yang berjalan ikut berakhir)."""
    with app.db.session() as session:
        row = accounts.find_user(session, username)
        if row is None:
            raise Failure(f"akun {username!r} tidak ada")
        row.active = False
    click.echo(f"Akun {username.lower()} dinonaktifkan.")


@click.group("token")
def token() -> None:
    """Token API untuk integrasi (mis. portal kota)."""


@token.command("create")
@click.option("--name", required=True, help="Untuk siapa/apa token ini.")
@click.option("--scope", "scopes", multiple=True, type=click.Choice(sorted(SCOPES)),
              default=("requests:read",), show_default=True)
@click.option("--opd", "agency", help="Batasi token pada satu perangkat daerah.")
@click.option("--days", type=int, help="Masa berlaku (hari); bawaan web.api_token_days.")
@pass_app
def token_create(app: AppContext, name: str, scopes: tuple[str, ...], agency: str | None,
                 days: int | None) -> None:
    """Buat token API (ditampilkan sekali; simpan dengan aman)."""
    if days is not None and not 1 <= days <= TOKEN_DAYS_MAX:
        raise Refused(f"--days: masa berlaku token harus 1 sampai {TOKEN_DAYS_MAX} hari "
                      f"(sekarang {days}).")
    secret = app.config.web.secret_key
    if not secret:
        raise ConfigProblem("web.secret_key: wajib diisi agar token API dapat diperiksa oleh "
                            "aplikasi web")
    now = app.services.clock()
    expires = now + timedelta(days=days or app.config.web.api_token_days)
    jti = uuid.uuid4().hex
    with app.db.session() as session:
        accounts.add_token(session, jti=jti, name=name, scopes=" ".join(sorted(scopes)),
                           agency=agency, created_by="cli", now=now, expires_at=expires)
    click.echo(issue_api_token(secret, jti=jti, scopes=scopes, agency=agency, issued_at=now,
                               expires_at=expires))
    click.echo(f"id {jti}, berlaku sampai {expires.date().isoformat()}", err=True)


@token.command("list")
@pass_app
def token_list(app: AppContext) -> None:
    """Daftar token API (tanpa isi rahasianya)."""
    with app.db.session() as session:
        for row in accounts.all_tokens(session):
            click.echo(json.dumps({"id": row.jti, "name": row.name, "scopes": row.scopes,
                                   "opd": row.agency, "expires": row.expires_at.isoformat(),
                                   "revoked": row.revoked_at is not None}, ensure_ascii=False))


@token.command("revoke")
@click.argument("token_id")
@pass_app
def token_revoke(app: AppContext, token_id: str) -> None:
    """Cabut token API sebelum masa berlakunya habis."""
    with app.db.session() as session:
        row = accounts.find_token(session, token_id)
        if row is None:
            raise Failure(f"token {token_id} tidak ada")
        row.revoked_at = app.services.clock()
    click.echo(f"Token {token_id} dicabut.")
