"""Reading the TOML file (or the built-in demo defaults) into :class:`~zoomsvc.config.model.Config`.

Where the file comes from: ``--config PATH``, else ``$ZOOMSVC_CONFIG``, else ``./zoomsvc.toml``;
with none of them, the built-in demo configuration that points at the bundled sandbox.
Secrets may come from the environment instead of the file: ``ZOOMSVC_ZOOM_CLIENT_SECRET`` or
``ZOOMSVC_ZOOM_CLIENT_SECRET_FILE`` (a path whose content is the secret), and likewise for every key
in :data:`SECRET_KEYS`. Any problem raises :class:`ConfigError` with one line naming the key.
"""

from __future__ import annotations

import os
import tomllib
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from zoomsvc.config.fields import ConfigError, build_dataclass, reject_unknown, section
from zoomsvc.config.model import AgencySettings, Config, DatabaseSettings
from zoomsvc.config.sections import (
    build_audit,
    build_calendar,
    build_letters,
    build_opd,
    build_signer,
    build_smtp,
    build_web,
    build_zoom,
    check_zone,
)

DEFAULT_PATH = Path("zoomsvc.toml")
SECRET_KEYS = (
    "database.url",
    "zoom.account_id",
    "zoom.client_id",
    "zoom.client_secret",
    "zoom.webhook_secret_token",
    "smtp.password",
    "web.secret_key",
    "audit.key",
)
# The audit key of the built-in demo and of tests: public, so it protects nothing. A real
# configuration must carry its own ([audit] key or ZOOMSVC_AUDIT_KEY).
DEMO_AUDIT_KEY = "DEMO-ONLY-audit-key-not-secret-never-use-in-production"
# Ports and credentials of the built-in demo; the sandbox accepts exactly these.
DEMO_SANDBOX_URL = "http://127.0.0.1:9901"
DEMO_CREDENTIALS = {
    "account_id": "sandbox-account",
    "client_id": "sandbox-client",
    "client_secret": "sandbox-secret",
    "webhook_secret_token": "sandbox-webhook-secret",
}


def find_config_path(explicit: str | None) -> Path | None:
    """The file to read: ``--config``, ``$ZOOMSVC_CONFIG``, ``./zoomsvc.toml``, or None."""
    if explicit:
        return Path(explicit)
    from_env = os.environ.get("ZOOMSVC_CONFIG")
    if from_env:
        return Path(from_env)
    return DEFAULT_PATH if DEFAULT_PATH.is_file() else None


def load_config(explicit: str | None = None, environ: Mapping[str, str] | None = None) -> Config:
    """Read, merge with the environment, and validate the configuration."""
    env = os.environ if environ is None else environ
    path = find_config_path(explicit)
    if path is None:
        return build_config(demo_document(), env, source="built-in demo")
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise ConfigError("--config", f"berkas {path} tidak dapat dibaca ({exc.strerror})") from exc
    try:
        document = tomllib.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise ConfigError(str(path), f"bukan TOML yang sah: {exc}") from exc
    return build_config(document, env, source=str(path))


def demo_document(sandbox_url: str = DEMO_SANDBOX_URL) -> dict[str, Any]:
    """The built-in demo configuration: the sandbox's credentials and a small host pool."""
    return {
        "zoom": {
            **DEMO_CREDENTIALS,
            "api_base_url": f"{sandbox_url}/v2",
            "oauth_url": f"{sandbox_url}/oauth/token",
            "plan": "business",
            "hosts": [
                {"user": "zoom1@kominfo.tarakankota.go.id", "label": "Zoom 1", "capacity": 300},
                {"user": "zoom2@kominfo.tarakankota.go.id", "label": "Zoom 2", "capacity": 300},
                {"user": "zoom3@kominfo.tarakankota.go.id", "label": "Zoom 3",
                 "concurrency": 1, "capacity": 100, "licensed": False},
            ],
        },
        "agency": {"address": "Jl. Contoh No. 1, Tarakan", "phone": "(0551) 000000",
                   "website": "diskominfo.tarakankota.go.id",
                   "email": "diskominfo@tarakankota.go.id"},
        "letters": {"technical_contact": "Andi (Staf Aptika), 0812-0000-0000",
                    "tembusan": ["Wali Kota Tarakan (sebagai laporan)",
                                 "Kepala Bidang Aplikasi dan Informatika"],
                    "verify_base_url": "http://127.0.0.1:8000/verifikasi",
                    # The demo has no BSrE certificate to sign with: the Kadis signs by hand.
                    "signing_mode": "basah"},
        "audit": {"key": DEMO_AUDIT_KEY},
        # A fictional official: the demo must not print a real person's name.
        "signer": {"name": "CONTOH NAMA PEJABAT, S.Kom., M.Si.",
                   "pangkat": "Pembina Utama Muda (IV/c)", "nip": "197503122000031004"},
    }


def build_config(document: Mapping[str, Any], env: Mapping[str, str], source: str) -> Config:
    """Turn a parsed TOML document plus environment secrets into a validated :class:`Config`."""
    document = _with_env_secrets(document, env)
    reject_unknown(document, {"zoom", "agency", "calendar", "database", "letters", "signer",
                              "smtp", "web", "audit", "opd"}, "")
    agency = build_dataclass(AgencySettings, section(document, "agency"), "agency")
    check_zone("agency.timezone", agency.timezone)
    database = build_dataclass(DatabaseSettings, section(document, "database"), "database")
    if not database.url.strip():
        raise ConfigError("database.url", "wajib diisi, mis. 'sqlite:///instance/zoomsvc.db'")
    return Config(
        zoom=build_zoom(section(document, "zoom")),
        agency=agency,
        calendar=build_calendar(section(document, "calendar")),
        database=database,
        letters=build_letters(section(document, "letters")),
        signer=build_signer(section(document, "signer")),
        smtp=build_smtp(section(document, "smtp")),
        web=build_web(section(document, "web")),
        audit=build_audit(section(document, "audit")),
        opd=build_opd(document.get("opd", [])),
        source=source,
    )


def _with_env_secrets(document: Mapping[str, Any], env: Mapping[str, str]) -> dict[str, Any]:
    merged = {name: dict(value) if isinstance(value, dict) else value
              for name, value in document.items()}
    for dotted in SECRET_KEYS:
        section, key = dotted.split(".")
        var = f"ZOOMSVC_{section}_{key}".upper()
        value = env.get(var)
        if value is None and env.get(f"{var}_FILE"):
            file_path = Path(env[f"{var}_FILE"])
            try:
                value = file_path.read_text(encoding="utf-8").strip()
            except OSError as exc:
                raise ConfigError(f"{var}_FILE", f"berkas {file_path} tidak dapat dibaca "
                                  f"({exc.strerror})") from exc
        if value is not None:
            merged.setdefault(section, {})[key] = value
    return merged


