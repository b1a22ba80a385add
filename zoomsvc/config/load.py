"""Reading the TOML file (or the built-in demo defaults) into :class:`~zoomsvc.config.model.Config`.

Where the file comes from: ``--config PATH``, else ``$ZOOMSVC_CONFIG``, else ``./zoomsvc.toml``;
with none of them, the built-in demo configuration that points at the bundled sandbox.
Secrets may come from the environment instead of the file: ``ZOOMSVC_ZOOM_CLIENT_SECRET`` or
``ZOOMSVC_ZOOM_CLIENT_SECRET_FILE`` (a path whose content is the secret), and likewise for every key
in :data:`SECRET_KEYS`. Any problem raises :class:`ConfigError` with one line naming the key.
"""

from __future__ import annotations

import dataclasses
import os
import tomllib
import types
import typing
from collections.abc import Mapping
from pathlib import Path
from typing import Any, TypeVar
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from zoomsvc.config.model import (
    PLAN_CONCURRENCY,
    PLAN_RATE_LIMITS,
    AgencySettings,
    CalendarSettings,
    Config,
    Host,
    MeetingSettings,
    PasscodePolicy,
    RateLimits,
    ZoomSettings,
    is_loopback_url,
)
from zoomsvc.zoom.timezones import is_zoom_timezone

DEFAULT_PATH = Path("zoomsvc.toml")
SECRET_KEYS = (
    "zoom.account_id",
    "zoom.client_id",
    "zoom.client_secret",
    "zoom.webhook_secret_token",
)
# Ports and credentials of the built-in demo; the sandbox accepts exactly these.
DEMO_SANDBOX_URL = "http://127.0.0.1:9901"
DEMO_CREDENTIALS = {
    "account_id": "sandbox-account",
    "client_id": "sandbox-client",
    "client_secret": "sandbox-secret",
    "webhook_secret_token": "sandbox-webhook-secret",
}
PASSCODE_CHARACTERS = frozenset(
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789@_*-"
)
HOST_CAPACITIES = (100, 300, 500, 1000)
T = TypeVar("T")


class ConfigError(ValueError):
    """The configuration is unusable; the message names the key and what is wrong."""

    def __init__(self, key: str, problem: str) -> None:
        super().__init__(f"{key}: {problem}")
        self.key = key
        self.problem = problem


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
        "agency": {"address": "Jl. Contoh No. 1, Tarakan"},
    }


def build_config(document: Mapping[str, Any], env: Mapping[str, str], source: str) -> Config:
    """Turn a parsed TOML document plus environment secrets into a validated :class:`Config`."""
    document = _with_env_secrets(document, env)
    _reject_unknown(document, {"zoom", "agency", "calendar"}, "")
    zoom = _build_zoom(_section(document, "zoom"))
    agency = _build(AgencySettings, _section(document, "agency"), "agency")
    _check_zone("agency.timezone", agency.timezone)
    calendar = _build_calendar(_section(document, "calendar"))
    return Config(zoom=zoom, agency=agency, calendar=calendar, source=source)


def _build_calendar(raw: Mapping[str, Any]) -> CalendarSettings:
    raw = dict(raw)
    if "service_days" in raw:
        days = raw["service_days"]
        if not isinstance(days, list) or not days or any(
                not isinstance(d, int) or isinstance(d, bool) or not 1 <= d <= 7 for d in days):
            raise ConfigError("calendar.service_days", "daftar hari ISO 1 (Senin) sampai 7 "
                              "(Minggu), mis. [1, 2, 3, 4, 5]")
        raw["service_days"] = tuple(sorted(set(days)))
    cal = _build(CalendarSettings, raw, "calendar", prebuilt={"service_days"} & set(raw))
    opens = _clock_minutes("calendar.service_start", cal.service_start)
    closes = _clock_minutes("calendar.service_end", cal.service_end)
    if closes <= opens:
        raise ConfigError("calendar.service_end", "harus setelah calendar.service_start")
    for name in ("buffer_before_minutes", "buffer_after_minutes", "min_lead_minutes"):
        if not 0 <= getattr(cal, name) <= 24 * 60:
            raise ConfigError(f"calendar.{name}", "harus antara 0 dan 1440 menit")
    for name, upper in (("max_duration_hours", 24), ("basic_max_minutes", 40),
                        ("alternatives", 20), ("alternative_days", 60),
                        ("slot_step_minutes", 240), ("zoom_list_cache_seconds", 3600)):
        if not 1 <= getattr(cal, name) <= upper:
            raise ConfigError(f"calendar.{name}", f"harus antara 1 dan {upper}")
    return cal


def _clock_minutes(key: str, text: str) -> int:
    """Minutes after midnight of ``HH:MM``."""
    hours, sep, minutes = text.partition(":")
    if not (sep and hours.isdigit() and minutes.isdigit() and len(minutes) == 2
            and int(hours) < 24 and int(minutes) < 60):
        raise ConfigError(key, f"format jam HH:MM, mis. '07:30', bukan {text!r}")
    return int(hours) * 60 + int(minutes)


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


def _build_zoom(raw: Mapping[str, Any]) -> ZoomSettings:
    plan = raw.get("plan", "pro")
    if plan not in PLAN_RATE_LIMITS:
        raise ConfigError("zoom.plan", f"harus 'pro' atau 'business', bukan {plan!r}")
    nested = {"hosts", "passcode", "settings", "rate_limits"}
    flat = {k: v for k, v in raw.items() if k not in nested}
    limits = {**PLAN_RATE_LIMITS[plan], **_section(raw, "rate_limits", "zoom.")}
    fields: dict[str, Any] = {
        "rate_limits": _build(RateLimits, limits, "zoom.rate_limits"),
        "passcode": _build(PasscodePolicy, _section(raw, "passcode", "zoom."), "zoom.passcode"),
        "hosts": _build_hosts(raw.get("hosts", []), plan),
    }
    fields["settings"] = _build(MeetingSettings, _section(raw, "settings", "zoom."),
                                "zoom.settings")
    zoom = _build(ZoomSettings, {**flat, **fields}, "zoom", prebuilt=set(fields))
    _validate_zoom(zoom)
    return zoom


def _build_hosts(raw_hosts: Any, plan: str) -> tuple[Host, ...]:
    if not isinstance(raw_hosts, list) or not raw_hosts:
        raise ConfigError("zoom.hosts", "isi minimal satu [[zoom.hosts]] (akun Zoom dalam pool)")
    hosts: list[Host] = []
    for index, item in enumerate(raw_hosts):
        key = f"zoom.hosts[{index}]"
        if not isinstance(item, dict):
            raise ConfigError(key, "harus berupa tabel [[zoom.hosts]]")
        licensed = item.get("licensed", True)
        defaults = {
            "label": str(item.get("user", f"host {index + 1}")),
            "concurrency": PLAN_CONCURRENCY[plan] if licensed is True else 1,
            "capacity": 300 if (plan == "business" and licensed is True) else 100,
        }
        host = _build(Host, {**defaults, **item}, key)
        if not host.user.strip():
            raise ConfigError(f"{key}.user", "wajib diisi (user id atau e-mail Zoom)")
        if host.concurrency not in (1, 2):
            raise ConfigError(f"{key}.concurrency", f"harus 1 atau 2, bukan {host.concurrency}")
        if host.concurrency == 2 and (plan == "pro" or not host.licensed):
            raise ConfigError(f"{key}.concurrency", "2 hanya untuk akun berlisensi pada paket "
                              "business; paket pro dan akun Basic menjalankan 1 rapat")
        if host.capacity not in HOST_CAPACITIES:
            raise ConfigError(f"{key}.capacity", f"harus salah satu dari {HOST_CAPACITIES}, "
                              f"bukan {host.capacity}")
        if any(other.user.lower() == host.user.lower() for other in hosts):
            raise ConfigError(f"{key}.user", f"{host.user!r} sudah tercantum di pool")
        hosts.append(host)
    return tuple(hosts)


def _validate_zoom(zoom: ZoomSettings) -> None:
    for key in ("account_id", "client_id", "client_secret"):
        if not getattr(zoom, key).strip():
            raise ConfigError(f"zoom.{key}", f"wajib diisi (atau ZOOMSVC_ZOOM_{key.upper()} / "
                              f"ZOOMSVC_ZOOM_{key.upper()}_FILE)")
    for key in ("api_base_url", "oauth_url"):
        url: str = getattr(zoom, key)
        local_http = url.startswith("http://") and is_loopback_url(url)
        if not url.startswith("https://") and not local_http:
            raise ConfigError(f"zoom.{key}", f"harus URL https:// (http hanya untuk sandbox "
                              f"lokal), bukan {url!r}")
    if not is_zoom_timezone(zoom.timezone):
        raise ConfigError("zoom.timezone", f"{zoom.timezone!r} tidak ada dalam daftar zona Zoom; "
                          "untuk WITA pakai 'Asia/Singapore', untuk WIB 'Asia/Jakarta'")
    if zoom.connect_timeout <= 0 or zoom.read_timeout <= 0:
        raise ConfigError("zoom.read_timeout", "batas waktu harus lebih dari 0 detik")
    if not 0 <= zoom.max_retries <= 10:
        raise ConfigError("zoom.max_retries", "harus antara 0 dan 10")
    for label in ("light", "medium", "heavy"):
        if zoom.rate_limits.for_label(label) <= 0:
            raise ConfigError(f"zoom.rate_limits.{label}", "harus lebih dari 0 permintaan/detik")
    policy = zoom.passcode
    if not 1 <= policy.length <= 10:
        raise ConfigError("zoom.passcode.length", "Zoom membatasi passcode 1 sampai 10 karakter")
    if not policy.alphabet or set(policy.alphabet) - PASSCODE_CHARACTERS:
        raise ConfigError("zoom.passcode.alphabet", "hanya huruf, angka dan @ _ * - yang aman")
    if policy.numeric_only and not any(c.isdigit() for c in policy.alphabet):
        raise ConfigError("zoom.passcode.alphabet", "numeric_only butuh angka dalam alphabet")
    if zoom.settings.waiting_room and zoom.settings.join_before_host:
        raise ConfigError("zoom.settings.join_before_host", "harus false bila waiting_room aktif")
    if zoom.settings.auto_recording not in ("local", "cloud", "none"):
        raise ConfigError("zoom.settings.auto_recording", "harus 'local', 'cloud' atau 'none'")


def _check_zone(key: str, name: str) -> None:
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise ConfigError(key, f"zona waktu IANA tidak dikenal: {name!r}") from exc


def _section(document: Mapping[str, Any], name: str, prefix: str = "") -> dict[str, Any]:
    value = document.get(name, {})
    if not isinstance(value, dict):
        raise ConfigError(f"{prefix}{name}", "harus berupa tabel [" + prefix + name + "]")
    return value


def _reject_unknown(raw: Mapping[str, Any], known: set[str], prefix: str) -> None:
    for key in raw:
        if key not in known:
            raise ConfigError(f"{prefix}{key}", "kunci tidak dikenal (periksa ejaan; lihat "
                              "config.example.toml)")


def _build(cls: type[T], raw: Mapping[str, Any], prefix: str, prebuilt: set[str] | None = None
           ) -> T:
    """Build dataclass ``cls`` from ``raw``, checking names and simple types of every key."""
    prebuilt = prebuilt or set()
    if not isinstance(raw, Mapping):
        raise ConfigError(prefix, "harus berupa tabel")
    assert dataclasses.is_dataclass(cls)
    fields = {f.name: f for f in dataclasses.fields(cls)}
    _reject_unknown(raw, set(fields), f"{prefix}.")
    hints = typing.get_type_hints(cls)
    values: dict[str, Any] = {}
    for name, value in raw.items():
        key = f"{prefix}.{name}"
        values[name] = value if name in prebuilt else _coerce(value, hints[name], key)
    missing = [name for name, f in fields.items() if name not in values
               and f.default is dataclasses.MISSING and f.default_factory is dataclasses.MISSING]
    if missing:
        raise ConfigError(f"{prefix}.{missing[0]}", "wajib diisi")
    return cls(**values)


def _coerce(value: Any, hint: Any, key: str) -> Any:
    origin = typing.get_origin(hint)
    if origin in (typing.Union, types.UnionType):
        hint = next(arg for arg in typing.get_args(hint) if arg is not type(None))
    if hint is float and isinstance(value, int) and not isinstance(value, bool):
        return float(value)
    simple = hint in (str, int, bool, float)
    if simple and (not isinstance(value, hint) or (hint is int and isinstance(value, bool))):
        names = {str: "teks", int: "bilangan bulat", bool: "true/false", float: "angka"}
        raise ConfigError(key, f"harus {names[hint]}, bukan {value!r}")
    return value
