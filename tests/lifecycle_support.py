"""Helpers shared by the lifecycle tests (no tests here): requests and meetings seeded straight
into the database and the sandbox, sandbox counters, and Zoom's webhook signature."""

from __future__ import annotations

import hashlib
import hmac
import itertools
import json
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

import requests
from sqlalchemy import func, select

from zoomsvc.store import Database
from zoomsvc.store import records as rec
from zoomsvc.store.models import AuditEvent, Meeting, Request
from zoomsvc.workflow import Role, State

ZOOM1 = "zoom1@kominfo.tarakankota.go.id"
ZOOM2 = "zoom2@kominfo.tarakankota.go.id"
SECRET = "sandbox-webhook-secret"
_numbers = itertools.count(1)


@dataclass(frozen=True)
class Seeded:
    """One seeded request and its meeting (``zoom_id`` None when it has none)."""

    code: str
    zoom_id: int | None
    meeting_id: int | None


def zoom_time(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def sandbox_meeting(sandbox_url: str, start: datetime, minutes: int, *, host: str = ZOOM1,
                    agenda: str = "", topic: str = "Rapat Koordinasi") -> int:
    """A meeting put straight into the sandbox through its admin endpoint (no limits)."""
    answer = requests.post(f"{sandbox_url}/_sandbox/meetings", timeout=10, json={
        "host": host, "topic": topic, "type": 2, "duration": minutes, "agenda": agenda,
        "start_time": zoom_time(start), "timezone": "Asia/Singapore"})
    answer.raise_for_status()
    meeting_id: int = answer.json()["id"]
    return meeting_id


def add_request(db: Database, *, state: State, start: datetime, end: datetime,
                now: datetime, topic: str = "Rapat Koordinasi") -> str:
    """A request in ``state`` recorded directly (with its first audit event)."""
    number = next(_numbers)
    code = f"ZM-{start.year}-{number:04d}"
    with db.serialized_write() as session:
        request = Request(
            code=code, agency="Dinas Kesehatan", letter_number=f"440/{number}/T/2026",
            letter_date=date(2026, 11, 20), subject="Permohonan Fasilitasi Zoom Meeting",
            srikandi_agenda=None, topic=topic, agenda="", start_at=start, end_at=end,
            participants=50, contact_name="Rina", contact_phone="0812",
            contact_email="rina@example.go.id", state=state.value, state_since=now,
            created_at=now)
        session.add(request)
        session.flush()
        rec.append_event(session, request, actor="test", role=Role.STAF, now=now, note="seed",
                         from_state=None, to_state=state)
    return code


def add_meeting(db: Database, code: str, *, zoom_id: int | None, start: datetime,
                end: datetime, now: datetime, host: str = ZOOM1, status: str = "live",
                owner_tag: str | None = None) -> int:
    """The request's meeting row (``intent`` rows have no Zoom id; ``owner_tag`` None is a row
    made before owner tags)."""
    with db.serialized_write() as session:
        request = rec.request_by_code(session, code)
        assert request is not None
        row = Meeting(request_id=request.id, marker=code, host=host, status=status,
                      owner_tag=owner_tag,
                      zoom_id=zoom_id, zoom_uuid="uuid==" if zoom_id else None,
                      passcode="Ab12Cd34" if zoom_id else None,
                      join_url=f"https://zoom.example/j/{zoom_id}" if zoom_id else None,
                      start_at=start, end_at=end, created_at=now)
        session.add(row)
        session.flush()
        return row.id


def seed(db: Database, sandbox_url: str, *, state: State, start: datetime,
         minutes: int = 60, now: datetime, host: str = ZOOM1, on_zoom: bool = True) -> Seeded:
    """A request in ``state`` with a live meeting on the sandbox (or one Zoom lost already)."""
    end = start + timedelta(minutes=minutes)
    code = add_request(db, state=state, start=start, end=end, now=now)
    zoom_id = (sandbox_meeting(sandbox_url, start, minutes, host=host, agenda=f"[{code}]")
               if on_zoom else 10**10 + next(_numbers))
    meeting_id = add_meeting(db, code, zoom_id=zoom_id, start=start, end=end, now=now,
                             host=host)
    return Seeded(code, zoom_id, meeting_id)


def sandbox_stats(sandbox_url: str) -> dict[str, Any]:
    answer = requests.get(f"{sandbox_url}/_sandbox/stats", timeout=10)
    answer.raise_for_status()
    data: dict[str, Any] = answer.json()
    return data


def sandbox_faults(sandbox_url: str, **faults: Any) -> None:
    requests.post(f"{sandbox_url}/_sandbox/faults", json=faults, timeout=10).raise_for_status()


def live_on_sandbox(sandbox_url: str) -> set[int]:
    answer = requests.get(f"{sandbox_url}/_sandbox/meetings", timeout=10)
    answer.raise_for_status()
    return {m["id"] for m in answer.json()["meetings"] if not m["deleted"]}


def state_of(db: Database, code: str) -> str:
    with db.session() as session:
        request = rec.request_by_code(session, code)
        assert request is not None
        return request.state


def meeting_status(db: Database, code: str) -> list[str]:
    with db.session() as session:
        request = rec.request_by_code(session, code)
        assert request is not None
        return [m.status for m in request.meetings]


def audit_count(db: Database) -> int:
    with db.session() as session:
        return int(session.scalar(select(func.count()).select_from(AuditEvent)) or 0)


def signed(body: dict[str, Any] | bytes, *, secret: str = SECRET, at: datetime,
           timestamp: str | None = None) -> tuple[bytes, dict[str, str]]:
    """A webhook body and headers signed as Zoom signs them (computed here, independently)."""
    raw = body if isinstance(body, bytes) else json.dumps(body).encode()
    stamp = timestamp or str(int(at.timestamp()))
    digest = hmac.new(secret.encode(), f"v0:{stamp}:".encode() + raw, hashlib.sha256)
    return raw, {"x-zm-signature": f"v0={digest.hexdigest()}",
                 "x-zm-request-timestamp": stamp, "Content-Type": "application/json"}


def meeting_event(event: str, zoom_id: int | str, ts_ms: int, **obj: Any) -> dict[str, Any]:
    """Zoom's envelope of a meeting event."""
    return {"event": event, "event_ts": ts_ms,
            "payload": {"account_id": "sandbox-account", "operator": "admin@kominfo.example",
                        "object": {"id": zoom_id, "uuid": "uuid==", **obj}}}
