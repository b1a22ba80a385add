"""Meeting bodies: validation as Zoom does it, the stored record, and the JSON views of it.

A record is a plain dict (JSON-serialisable for the state file) holding the public fields plus
``start_ts``/``created_ts`` (epoch seconds) and ``deleted``; the views turn it into Zoom's shapes.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable, Mapping
from datetime import UTC, datetime
from typing import Any
from zoneinfo import ZoneInfo

from zoomsvc.config.zoom_timezones import is_zoom_timezone
from zoomsvc.zoom.sandbox.errors import validation_error, xml_error, zoom_error

TOPIC_MAX = 200
AGENDA_MAX = 2000
PASSCODE_RE = re.compile(r"[A-Za-z0-9@_*\-]{1,10}")
START_TIME_RE = re.compile(r"(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(?:\.\d{1,6})?(Z?)")
# Zoom expires a one-time or instant meeting 30 days after its date.
EXPIRY_SECONDS = 30 * 86400
# Zoom's "upcoming" list reaches about six months ahead.
UPCOMING_HORIZON_SECONDS = 183 * 86400
LIST_TYPES = ("scheduled", "live", "upcoming", "upcoming_meetings", "previous_meetings")
AUTO_RECORDING = ("local", "cloud", "none")
DEFAULT_SETTINGS: dict[str, Any] = {
    "host_video": False,
    "participant_video": False,
    "join_before_host": False,
    "jbh_time": 0,
    "mute_upon_entry": False,
    "watermark": False,
    "use_pmi": False,
    "approval_type": 2,
    "audio": "both",
    "auto_recording": "none",
    "waiting_room": False,
    "meeting_authentication": False,
    "alternative_hosts": "",
    "alternative_hosts_email_notification": True,
    "device_testing": False,
    "encryption_type": "enhanced_encryption",
    "private_meeting": False,
    "email_notification": True,
}
LIST_ITEM_FIELDS = ("uuid", "id", "host_id", "topic", "type", "start_time", "duration",
                    "timezone", "agenda", "created_at", "join_url")


def format_utc(ts: float) -> str:
    """``yyyy-MM-ddTHH:mm:ssZ`` in UTC, Zoom's format for times it returns."""
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(ts))


def parse_start_time(text: Any, timezone: str) -> float:
    """Epoch seconds of ``start_time``: UTC with ``Z``, else local time in ``timezone``."""
    match = START_TIME_RE.fullmatch(text) if isinstance(text, str) else None
    if match is None:
        raise validation_error("start_time", "Invalid start_time: use yyyy-MM-ddTHH:mm:ssZ (UTC) "
                               "or yyyy-MM-ddTHH:mm:ss (local time in timezone).")
    year, month, day, hour, minute, second = (int(g) for g in match.groups()[:6])
    zone = UTC if match.group(7) else ZoneInfo(timezone)
    try:
        moment = datetime(year, month, day, hour, minute, second, tzinfo=zone)
    except ValueError as exc:
        raise validation_error("start_time", f"Invalid start_time: {exc}.") from exc
    return moment.timestamp()


def check_fields(body: Any, fallback_timezone: str) -> dict[str, Any]:
    """The validated fields of a create/update body; raises Zoom's 400 answers."""
    if not isinstance(body, dict):
        raise zoom_error(400, 300, "Request Body should be a valid JSON object.")
    fields: dict[str, Any] = {}
    for name, limit in (("topic", TOPIC_MAX), ("agenda", AGENDA_MAX)):
        if name in body:
            value = body[name]
            if not isinstance(value, str):
                raise validation_error(name, f"{name} must be a string.")
            if len(value) > limit:
                raise validation_error(name, f"{name} must be {limit} characters or fewer.")
            fields[name] = value
    if "type" in body:
        if body["type"] not in (1, 2) or isinstance(body["type"], bool):
            raise validation_error("type", "The sandbox supports meeting types 1 (instant) and "
                                   "2 (scheduled) only.")
        fields["type"] = body["type"]
    if "duration" in body:
        duration = body["duration"]
        if not isinstance(duration, int) or isinstance(duration, bool) or duration <= 0:
            raise validation_error("duration", "duration must be a positive integer (minutes).")
        fields["duration"] = duration
    timezone = body.get("timezone", fallback_timezone)
    if "timezone" in body:
        if not isinstance(timezone, str) or not is_zoom_timezone(timezone):
            raise validation_error("timezone", f"Invalid timezone: {timezone}.")
        fields["timezone"] = timezone
    if "start_time" in body:
        fields["start_ts"] = parse_start_time(body["start_time"], timezone)
    if "password" in body:
        password = body["password"]
        # Zoom answers bad passcodes with XML, not JSON; clients must cope.
        if not isinstance(password, str) or (password and not PASSCODE_RE.fullmatch(password)):
            raise xml_error(300, "Invalid parameter: password.")
        if password:
            fields["password"] = password
    if "settings" in body:
        fields["settings"] = check_settings(body["settings"])
    return fields


def check_settings(settings: Any) -> dict[str, Any]:
    """The ``settings`` object, with the few values the sandbox checks."""
    if not isinstance(settings, dict):
        raise validation_error("settings", "settings must be an object.")
    recording = settings.get("auto_recording", "none")
    if recording not in AUTO_RECORDING:
        raise validation_error("settings.auto_recording", f"Invalid auto_recording: {recording}.")
    if settings.get("approval_type", 2) not in (0, 1, 2):
        raise validation_error("settings.approval_type", "approval_type must be 0, 1 or 2.")
    if not isinstance(settings.get("alternative_hosts", ""), str):
        raise validation_error("settings.alternative_hosts", "Semicolon-separated e-mails.")
    return dict(settings)


def merge_settings(current: Mapping[str, Any], update: Mapping[str, Any]) -> dict[str, Any]:
    """``current`` with ``update`` laid over it; the waiting room switches join-before-host off."""
    merged = {**current, **update}
    if merged.get("waiting_room"):
        merged["join_before_host"] = False
    return merged


def new_record(fields: Mapping[str, Any], host: Mapping[str, Any], now: float,
               ids: tuple[int, str], digits: Callable[[int], str], secret: str) -> dict[str, Any]:
    """A stored meeting from validated ``fields``; ``host`` has ``id``, ``email``, ``name``."""
    meeting_type = fields.get("type", 2)
    start = fields.get("start_ts")
    # Zoom turns a scheduled meeting without start_time into an instant one.
    if meeting_type == 1 or start is None:
        meeting_type, start = 1, now
    password = fields.get("password") or digits(6)
    numeric = password if password.isdigit() else digits(max(6, len(password)))
    return {
        "id": ids[0],
        "uuid": ids[1],
        "host_id": host["id"],
        "host_email": host["email"],
        "topic": fields.get("topic", f"{host['name']}'s Zoom Meeting"),
        "type": meeting_type,
        "status": "waiting",
        "start_ts": start,
        "duration": fields.get("duration", 60),
        "timezone": fields.get("timezone", host["timezone"]),
        "agenda": fields.get("agenda", ""),
        "created_ts": now,
        "password": password,
        "h323_password": numeric,
        "pstn_password": numeric,
        "encrypted_password": secret,
        "settings": merge_settings(DEFAULT_SETTINGS, fields.get("settings", {})),
        "pre_schedule": False,
        "deleted": False,
    }


def apply_update(record: dict[str, Any], fields: Mapping[str, Any],
                 digits: Callable[[int], str]) -> None:
    """Lay validated PATCH ``fields`` over ``record``."""
    for name in ("topic", "agenda", "duration", "timezone", "start_ts"):
        if name in fields:
            record[name] = fields[name]
    if "password" in fields:
        record["password"] = fields["password"]
        numeric = fields["password"] if fields["password"].isdigit() else digits(6)
        record["h323_password"] = record["pstn_password"] = numeric
    if "settings" in fields:
        record["settings"] = merge_settings(record["settings"], fields["settings"])
    wanted = fields.get("type", record["type"])
    # A start_time turns an instant meeting into a scheduled one, as on Zoom.
    if wanted == 2 and (record["type"] == 2 or "start_ts" in fields):
        record["type"] = 2


def is_expired(record: Mapping[str, Any], now: float) -> bool:
    """Whether Zoom would have expired the meeting (30 days after its date)."""
    return now >= float(record["start_ts"]) + EXPIRY_SECONDS


def is_visible(record: Mapping[str, Any], now: float) -> bool:
    """Neither deleted nor expired: GET, PATCH and DELETE can find it."""
    return not record["deleted"] and not is_expired(record, now)


def in_list(record: Mapping[str, Any], list_type: str, now: float) -> bool:
    """Whether the meeting belongs in ``GET /users/{id}/meetings?type=list_type``."""
    if not is_visible(record, now):
        return False
    if list_type == "live":
        return bool(record["status"] == "started")
    if record["type"] != 2:
        # Lists hold scheduled meetings only; instant ones never appear.
        return False
    end = float(record["start_ts"]) + int(record["duration"]) * 60
    if list_type in ("upcoming", "upcoming_meetings"):
        return end > now and float(record["start_ts"]) <= now + UPCOMING_HORIZON_SECONDS
    if list_type == "previous_meetings":
        return end <= now
    return True


def meeting_view(record: Mapping[str, Any], base_url: str, zak: str) -> dict[str, Any]:
    """The full meeting object of create (201) and get (200)."""
    view = {key: value for key, value in record.items()
            if key not in ("start_ts", "created_ts", "deleted")}
    view["start_time"] = format_utc(float(record["start_ts"]))
    view["created_at"] = format_utc(float(record["created_ts"]))
    view["join_url"] = join_url(record, base_url)
    view["start_url"] = f"{base_url}/s/{record['id']}?zak={zak}"
    view["settings"] = dict(record["settings"])
    return view


def list_item_view(record: Mapping[str, Any], base_url: str) -> dict[str, Any]:
    """One entry of a meeting list (fewer fields than the meeting object)."""
    full = {**record, "start_time": format_utc(float(record["start_ts"])),
            "created_at": format_utc(float(record["created_ts"])),
            "join_url": join_url(record, base_url)}
    return {key: full[key] for key in LIST_ITEM_FIELDS}


def join_url(record: Mapping[str, Any], base_url: str) -> str:
    """The participants' link; ``pwd`` carries the encrypted passcode as on Zoom."""
    return f"{base_url}/j/{record['id']}?pwd={record['encrypted_password']}"
