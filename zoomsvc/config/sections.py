"""Building and validating each section of the configuration: [zoom], [calendar], [[opd]]..."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import replace
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from cryptography import x509

from zoomsvc.config.calendar_section import (
    build_hours,
    build_local_holidays,
    build_removed_holidays,
    clock_minutes,
)
from zoomsvc.config.fields import ConfigError, build_dataclass, section
from zoomsvc.config.model import (
    PLAN_CONCURRENCY,
    PLAN_RATE_LIMITS,
    AuditSettings,
    CalendarSettings,
    Host,
    LetterSettings,
    MeetingSettings,
    Opd,
    PasscodePolicy,
    RateLimits,
    Signer,
    SmtpSettings,
    WebSettings,
    ZoomSettings,
    is_loopback_url,
)
from zoomsvc.config.zoom_timezones import is_zoom_timezone

PASSCODE_CHARACTERS = frozenset(
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789@_*-"
)
HOST_CAPACITIES = (100, 300, 500, 1000)
# werkzeug's method strings: scrypt (optionally N:r:p) or PBKDF2 with SHA-256/512 and iterations.
PASSWORD_HASH = re.compile(r"scrypt(:\d+:\d+:\d+)?|pbkdf2:sha(256|512)(:[1-9]\d*)?")


def build_zoom(raw: Mapping[str, Any]) -> ZoomSettings:
    plan = raw.get("plan", "pro")
    if plan not in PLAN_RATE_LIMITS:
        raise ConfigError("zoom.plan", f"harus 'pro' atau 'business', bukan {plan!r}")
    nested = {"hosts", "passcode", "settings", "rate_limits"}
    flat = {k: v for k, v in raw.items() if k not in nested}
    limits = {**PLAN_RATE_LIMITS[plan], **section(raw, "rate_limits", "zoom.")}
    fields: dict[str, Any] = {
        "rate_limits": build_dataclass(RateLimits, limits, "zoom.rate_limits"),
        "passcode": build_dataclass(PasscodePolicy, section(raw, "passcode", "zoom."),
                                    "zoom.passcode"),
        "hosts": _build_hosts(raw.get("hosts", []), plan),
    }
    fields["settings"] = build_dataclass(MeetingSettings, section(raw, "settings", "zoom."),
                                "zoom.settings")
    zoom = build_dataclass(ZoomSettings, {**flat, **fields}, "zoom", prebuilt=set(fields))
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
        host = build_dataclass(Host, {**defaults, **item}, key)
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


def build_calendar(raw: Mapping[str, Any]) -> CalendarSettings:
    """The ``[calendar]`` section: buffers, service hours and breaks, holidays, limits."""
    raw = dict(raw)
    if "service_days" in raw:
        days = raw["service_days"]
        if not isinstance(days, list) or not days or any(
                not isinstance(d, int) or isinstance(d, bool) or not 1 <= d <= 7 for d in days):
            raise ConfigError("calendar.service_days", "daftar hari ISO 1 (Senin) sampai 7 "
                              "(Minggu), mis. [1, 2, 3, 4, 5]")
        raw["service_days"] = tuple(sorted(set(days)))
    prebuilt = {"service_days"} & set(raw)
    if "holidays_add" in raw:
        raw["holidays_add"] = build_local_holidays(raw["holidays_add"])
        prebuilt.add("holidays_add")
    if "holidays_remove" in raw:
        raw["holidays_remove"] = build_removed_holidays(raw["holidays_remove"])
        prebuilt.add("holidays_remove")
    hours = raw.pop("hours", [])
    cal = build_dataclass(CalendarSettings, raw, "calendar", prebuilt=prebuilt)
    opens = clock_minutes("calendar.service_start", cal.service_start)
    closes = clock_minutes("calendar.service_end", cal.service_end)
    if closes <= opens:
        raise ConfigError("calendar.service_end", "harus setelah calendar.service_start")
    cal = replace(cal, hours=build_hours(hours, cal.service_days, cal.service_start,
                                         cal.service_end))
    for name in ("buffer_before_minutes", "buffer_after_minutes", "min_lead_minutes"):
        if not 0 <= getattr(cal, name) <= 24 * 60:
            raise ConfigError(f"calendar.{name}", "harus antara 0 dan 1440 menit")
    for name, upper in (("max_duration_hours", 24), ("basic_max_minutes", 40),
                        ("alternatives", 20), ("alternative_days", 60),
                        ("slot_step_minutes", 240), ("zoom_list_cache_seconds", 3600)):
        if not 1 <= getattr(cal, name) <= upper:
            raise ConfigError(f"calendar.{name}", f"harus antara 1 dan {upper}")
    return cal


def check_zone(key: str, name: str) -> None:
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise ConfigError(key, f"zona waktu IANA tidak dikenal: {name!r}") from exc


def build_opd(raw: Any) -> tuple[Opd, ...]:
    """The list of agencies allowed to ask (empty: any agency name is accepted)."""
    if not isinstance(raw, list):
        raise ConfigError("opd", "harus berupa daftar [[opd]]")
    entries: list[Opd] = []
    for index, item in enumerate(raw):
        entry = build_dataclass(Opd, item, f"opd[{index}]")
        if not entry.name.strip():
            raise ConfigError(f"opd[{index}].name", "wajib diisi")
        if any(other.name.casefold() == entry.name.casefold() for other in entries):
            raise ConfigError(f"opd[{index}].name", f"{entry.name!r} tercantum dua kali")
        entries.append(entry)
    return tuple(entries)


NUMBER_FIELDS = {"klasifikasi": "000.8.3.3", "urut": 1, "unit": "X", "bulan_romawi": "XI",
                 "bulan": 11, "tahun": 2026}
SIGNER_PREFIXES = ("", "a.n.", "Plt.", "Plh.")
SIGNING_MODES = ("tte", "basah")
DATE_ON = ("draft", "approval", "signature")


def build_letters(raw: Mapping[str, Any]) -> LetterSettings:
    """The ``[letters]`` section: templates, numbering template, wording, limits."""
    raw = dict(raw)
    if "tembusan" in raw:
        items = raw["tembusan"]
        if not isinstance(items, list) or not all(isinstance(i, str) for i in items):
            raise ConfigError("letters.tembusan", "harus berupa daftar teks")
        raw["tembusan"] = tuple(items)
    if "tte_trust_roots" in raw:
        roots = raw["tte_trust_roots"]
        if not isinstance(roots, list) or not all(isinstance(r, str) and r for r in roots):
            raise ConfigError("letters.tte_trust_roots", "harus berupa daftar path berkas PEM")
        for root in roots:
            _check_pem("letters.tte_trust_roots", root)
        raw["tte_trust_roots"] = tuple(roots)
    letters = build_dataclass(LetterSettings, raw, "letters",
                              prebuilt={"tembusan", "tte_trust_roots"} & set(raw))
    if letters.signing_mode not in SIGNING_MODES:
        raise ConfigError("letters.signing_mode", "harus \"tte\" (tanda tangan elektronik) "
                          "atau \"basah\" (tanda tangan basah, dipindai), bukan "
                          f"{letters.signing_mode!r}")
    try:
        letters.number_template.format(**NUMBER_FIELDS)
    except (KeyError, IndexError, ValueError) as exc:
        raise ConfigError("letters.number_template", f"tidak dapat dipakai ({exc}); kolom yang "
                          f"tersedia: {', '.join(NUMBER_FIELDS)}") from exc
    if "{urut" not in letters.number_template:
        raise ConfigError("letters.number_template", "harus memuat {urut} (nomor urut)")
    if not 0 <= letters.open_minutes_before <= 120:
        raise ConfigError("letters.open_minutes_before", "harus antara 0 dan 120 menit")
    if letters.emblem and not Path(letters.emblem).is_file():
        raise ConfigError("letters.emblem", f"berkas gambar lambang {letters.emblem} tidak "
                          "ditemukan; isi path PNG/JPEG yang ada, atau kosongkan")
    if letters.date_on not in DATE_ON:
        raise ConfigError("letters.date_on", "harus \"draft\", \"approval\" atau \"signature\"")
    if not 1 <= letters.max_upload_mb <= 50:
        raise ConfigError("letters.max_upload_mb", "harus antara 1 dan 50 MB")
    if not 5 <= letters.pdf_timeout_seconds <= 600:
        raise ConfigError("letters.pdf_timeout_seconds", "harus antara 5 dan 600 detik")
    if letters.pdf_converter not in ("auto", "server", "oneshot"):
        raise ConfigError("letters.pdf_converter", "harus 'auto', 'server' atau 'oneshot', "
                          f"bukan {letters.pdf_converter!r}")
    if letters.pdf_server and not _loopback_address(letters.pdf_server):
        raise ConfigError("letters.pdf_server", "harus berupa alamat host:port di mesin ini "
                          f"(mis. 127.0.0.1:2003), bukan {letters.pdf_server!r}")
    return letters


def _loopback_address(address: str) -> bool:
    """Whether ``address`` is ``host:port`` on this machine (letters travel unencrypted)."""
    url = f"http://{address}"
    try:
        port = urlsplit(url).port
    except ValueError:
        return False
    return port is not None and port > 0 and "/" not in address and is_loopback_url(url)
def _check_pem(key: str, path: str) -> None:
    try:
        found = x509.load_pem_x509_certificates(Path(path).read_bytes())
    except OSError as exc:
        raise ConfigError(key, f"berkas {path} tidak dapat dibaca ({exc.strerror})") from exc
    except ValueError as exc:
        raise ConfigError(key, f"berkas {path} bukan sertifikat PEM") from exc
    if not found:
        raise ConfigError(key, f"berkas {path} tidak memuat sertifikat")


def build_signer(raw: Mapping[str, Any]) -> Signer:
    """The ``[signer]`` section; a NIP, when given, has 18 digits."""
    signer = build_dataclass(Signer, raw, "signer")
    if signer.prefix not in SIGNER_PREFIXES:
        raise ConfigError("signer.prefix", "harus kosong, 'a.n.', 'Plt.' atau 'Plh.'")
    digits = signer.nip.replace(" ", "")
    if signer.nip and (not digits.isdigit() or len(digits) != 18):
        raise ConfigError("signer.nip", "NIP terdiri dari 18 angka")
    return signer


def build_smtp(raw: Mapping[str, Any]) -> SmtpSettings:
    """The ``[smtp]`` section; an empty host switches e-mail off."""
    smtp = build_dataclass(SmtpSettings, raw, "smtp")
    if not 1 <= smtp.port <= 65535:
        raise ConfigError("smtp.port", "harus antara 1 dan 65535")
    if smtp.host and "@" not in smtp.sender:
        raise ConfigError("smtp.sender", "alamat pengirim wajib diisi bila smtp.host diisi")
    return smtp


def build_web(raw: Mapping[str, Any]) -> WebSettings:
    """The ``[web]`` section; the secret key signs sessions, links and API tokens."""
    web = build_dataclass(WebSettings, raw, "web")
    if web.secret_key and len(web.secret_key) < 32:
        raise ConfigError("web.secret_key", "minimal 32 karakter acak (mis. keluaran "
                          "'python -c \"import secrets; print(secrets.token_urlsafe(48))\"')")
    for name, low, high in (("session_hours", 1, 24 * 7), ("download_link_minutes", 1, 60 * 24 * 7),
                            ("api_token_days", 1, 730), ("login_max_failures", 1, 100),
                            ("login_lockout_minutes", 1, 24 * 60), ("max_upload_mb", 1, 50),
                            ("page_size", 5, 500), ("trusted_proxies", 0, 5)):
        if not low <= getattr(web, name) <= high:
            raise ConfigError(f"web.{name}", f"harus antara {low} dan {high}")
    if not web.base_url.startswith(("http://", "https://")):
        raise ConfigError("web.base_url", "harus URL http(s)://")
    if web.opd_sees_meeting not in ("sent", "scheduled"):
        raise ConfigError("web.opd_sees_meeting", "harus 'sent' atau 'scheduled'")
    if not PASSWORD_HASH.fullmatch(web.password_hash):
        raise ConfigError("web.password_hash", "harus 'scrypt' (disarankan), 'scrypt:N:r:p' "
                          "atau 'pbkdf2:sha256:ITERASI'")
    return web


MIN_AUDIT_KEY_LENGTH = 32


def build_audit(raw: Mapping[str, Any]) -> AuditSettings:
    """The ``[audit]`` section: the key of the audit chain is required."""
    audit = build_dataclass(AuditSettings, raw, "audit")
    if len(audit.key.strip()) < MIN_AUDIT_KEY_LENGTH:
        raise ConfigError("audit.key", f"wajib diisi, minimal {MIN_AUDIT_KEY_LENGTH} karakter "
                          "acak (atau ZOOMSVC_AUDIT_KEY / ZOOMSVC_AUDIT_KEY_FILE); simpan di "
                          "luar basis data dan jangan diganti setelah dipakai")
    return audit
