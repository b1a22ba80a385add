"""Settings as frozen dataclasses: what the service reads once at start and passes down.

Every field here is a key of the TOML file (``config.example.toml`` documents each one); the
loader in :mod:`zoomsvc.config.load` fills them and validates them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from ipaddress import ip_address
from urllib.parse import urlsplit

ZOOM_API_BASE_URL = "https://api.zoom.us/v2"
ZOOM_OAUTH_URL = "https://zoom.us/oauth/token"

# Zoom's per-second limits per rate-limit label, per account (docs/zoom-facts.md, "Rate limits").
PLAN_RATE_LIMITS: dict[str, dict[str, float]] = {
    "pro": {"light": 30, "medium": 20, "heavy": 10},
    "business": {"light": 80, "medium": 60, "heavy": 40},
}
# A licensed user runs one meeting at a time on Pro, two on Business and above.
PLAN_CONCURRENCY = {"pro": 1, "business": 2}

SAFE_PASSCODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnpqrstuvwxyz23456789@_*-"


def is_loopback_url(url: str) -> bool:
    """Whether ``url`` names this machine (localhost or a loopback address)."""
    hostname = urlsplit(url).hostname or ""
    if hostname == "localhost":
        return True
    try:
        return ip_address(hostname).is_loopback
    except ValueError:
        return False


@dataclass(frozen=True)
class PasscodePolicy:
    """How generated passcodes look; must satisfy the Zoom account's own policy."""

    length: int = 8
    alphabet: str = SAFE_PASSCODE_ALPHABET
    numeric_only: bool = False


@dataclass(frozen=True)
class MeetingSettings:
    """The ``settings`` object sent with every created meeting."""

    waiting_room: bool = True
    join_before_host: bool = False
    mute_upon_entry: bool = True
    auto_recording: str = "none"
    approval_type: int = 2
    meeting_authentication: bool = False


@dataclass(frozen=True)
class Host:
    """One Zoom user of the licence pool."""

    user: str
    label: str
    concurrency: int
    capacity: int
    licensed: bool = True


@dataclass(frozen=True)
class RateLimits:
    """Requests per second the client allows itself per Zoom rate-limit label."""

    light: float
    medium: float
    heavy: float

    def for_label(self, label: str) -> float:
        """The limit of one label (``light``, ``medium`` or ``heavy``)."""
        value: float = getattr(self, label)
        return value


@dataclass(frozen=True)
class ZoomSettings:
    """Everything the Zoom client needs: credentials, endpoints, limits and the host pool."""

    account_id: str
    client_id: str
    client_secret: str = field(repr=False)
    api_base_url: str = ZOOM_API_BASE_URL
    oauth_url: str = ZOOM_OAUTH_URL
    timezone: str = "Asia/Singapore"
    plan: str = "pro"
    webhook_secret_token: str = field(default="", repr=False)
    connect_timeout: float = 5.0
    read_timeout: float = 20.0
    max_retries: int = 4
    rate_limits: RateLimits = field(default_factory=lambda: RateLimits(30, 20, 10))
    passcode: PasscodePolicy = field(default_factory=PasscodePolicy)
    settings: MeetingSettings = field(default_factory=MeetingSettings)
    hosts: tuple[Host, ...] = ()

    @property
    def is_sandbox(self) -> bool:
        """True when the API base URL is on this machine (the bundled sandbox), not Zoom."""
        return is_loopback_url(self.api_base_url)


@dataclass(frozen=True)
class AgencySettings:
    """The lending office (Dinas Kominfo) and its local time zone."""

    name: str = "Dinas Komunikasi, Informatika, Statistik dan Persandian"
    government: str = "Pemerintah Kota Tarakan"
    city: str = "Tarakan"
    address: str = ""
    phone: str = ""
    website: str = ""
    email: str = ""
    timezone: str = "Asia/Makassar"
    zone_label: str = "WITA"


@dataclass(frozen=True)
class ServiceHours:
    """Service hours of some weekdays (``[[calendar.hours]]``), overriding the default hours."""

    days: tuple[int, ...]
    open: str = ""  # empty: calendar.service_start
    close: str = ""  # empty: calendar.service_end
    breaks: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True)
class LocalHoliday:
    """A holiday the national calendar lacks (HUT Kota, a Wali Kota's decree)."""

    date: str  # ISO date, e.g. 2026-12-15
    name: str


@dataclass(frozen=True)
class CalendarSettings:
    """Rules of the calendar check (SOP step 4); times of day are local to ``agency.timezone``."""

    buffer_before_minutes: int = 15
    buffer_after_minutes: int = 15
    service_start: str = "07:00"
    service_end: str = "17:00"
    service_days: tuple[int, ...] = (1, 2, 3, 4, 5)
    min_lead_minutes: int = 60
    max_duration_hours: int = 24
    basic_max_minutes: int = 40
    alternatives: int = 3
    alternative_days: int = 7
    slot_step_minutes: int = 30
    zoom_list_cache_seconds: int = 60
    hours: tuple[ServiceHours, ...] = ()
    national_holidays: bool = True
    cuti_bersama: bool = True
    holidays_add: tuple[LocalHoliday, ...] = ()
    holidays_remove: tuple[str, ...] = ()


@dataclass(frozen=True)
class DatabaseSettings:
    """Where the records live: SQLite by default, PostgreSQL (``postgresql+psycopg://``) too."""

    url: str = "sqlite:///instance/zoomsvc.db"


@dataclass(frozen=True)
class Opd:
    """An agency (perangkat daerah) that may ask; ``head`` is the letter's addressee."""

    name: str
    head: str = ""
    email: str = ""


@dataclass(frozen=True)
class LetterSettings:
    """The Surat Tanggapan: templates, numbering, fixed wording and where files go."""

    template_scheduled: str = "surat_tanggapan.docx"
    template_full: str = "surat_tanggapan_penuh.docx"
    templates_dir: str = ""
    output_dir: str = "instance/letters"
    files_dir: str = "instance/files"
    number_template: str = "{klasifikasi}/{urut:04d}/{unit}/{bulan_romawi}/{tahun}"
    klasifikasi: str = "000.8.3.3"
    unit: str = "DKISP-APTIKA"
    use_srikandi_number: bool = False
    sifat: str = "Biasa"
    lampiran: str = "-"
    hal: str = "Tanggapan atas Permohonan Fasilitasi Layanan Zoom Meeting"
    place: str = ""
    open_minutes_before: int = 15
    technical_contact: str = ""
    tembusan: tuple[str, ...] = ()
    tte_issuer: str = "Balai Sertifikasi Elektronik (BSrE), Badan Siber dan Sandi Negara"
    verify_base_url: str = "http://127.0.0.1:8000/verifikasi"
    emblem: str = ""
    signing_mode: str = "tte"  # tte (electronic) | basah (wet ink, scanned)
    date_on: str = "approval"  # draft | approval | signature: the day the letter is dated
    max_upload_mb: int = 10
    pdf_timeout_seconds: int = 120
    pdf_converter: str = "auto"
    pdf_server: str = ""
    tte_trust_roots: tuple[str, ...] = ()


@dataclass(frozen=True)
class Signer:
    """Who signs the letter (the Kadis, or someone signing for the Kadis)."""

    office: str = "Kepala Dinas Komunikasi, Informatika, Statistik dan Persandian"
    prefix: str = ""
    own_office: str = ""
    name: str = ""
    pangkat: str = ""
    nip: str = ""


@dataclass(frozen=True)
class SmtpSettings:
    """Outgoing mail for sending signed letters; ``host`` empty means mail is not sent."""

    host: str = ""
    port: int = 587
    username: str = ""
    password: str = field(default="", repr=False)
    sender: str = ""
    starttls: bool = True
    timeout_seconds: float = 30.0


@dataclass(frozen=True)
class WebSettings:
    """The web application and JSON API: signing key, cookies, link and token lifetimes, the
    sign-in throttle (``login_max_failures`` failures before an account's attempts must wait,
    ``login_lockout_minutes`` the longest wait) and how many reverse proxies stand in front."""

    secret_key: str = field(default="", repr=False)
    base_url: str = "http://127.0.0.1:8000"
    session_cookie_secure: bool = False
    session_hours: int = 8
    download_link_minutes: int = 60
    api_token_days: int = 90
    login_max_failures: int = 5
    login_lockout_minutes: int = 15
    max_upload_mb: int = 10
    page_size: int = 50
    password_hash: str = "scrypt"  # noqa: S105 - the hashing method, not a password
    trusted_proxies: int = 0
    # When an OPD account sees its meeting's link and passcode: "sent" (once the signed letter
    # went out) or "scheduled" (as soon as the meeting exists).
    opd_sees_meeting: str = "sent"


@dataclass(frozen=True)
class AuditSettings:
    """The audit trail: ``key`` signs every event's chain link (HMAC-SHA256). It must live
    outside the database, so that whoever can rewrite the table cannot recompute the chain."""

    key: str = field(default="", repr=False)


@dataclass(frozen=True)
class Config:
    """The whole configuration; ``source`` says where it came from (a path or ``built-in demo``)."""

    zoom: ZoomSettings
    agency: AgencySettings = field(default_factory=AgencySettings)
    calendar: CalendarSettings = field(default_factory=CalendarSettings)
    database: DatabaseSettings = field(default_factory=DatabaseSettings)
    letters: LetterSettings = field(default_factory=LetterSettings)
    signer: Signer = field(default_factory=Signer)
    smtp: SmtpSettings = field(default_factory=SmtpSettings)
    web: WebSettings = field(default_factory=WebSettings)
    audit: AuditSettings = field(default_factory=AuditSettings)
    opd: tuple[Opd, ...] = ()
    source: str = "built-in demo"
