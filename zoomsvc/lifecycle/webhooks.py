"""Zoom's webhook (``POST /zoom/webhook``), free of any web framework: raw body and headers in,
status code and JSON body out. The web application mounts it (:mod:`zoomsvc.web.webhook`).

Order of checks, each answered without touching Zoom (Zoom wants an answer within 3 s):

1. a secret token must be configured (an empty key would let anyone sign);
2. ``x-zm-signature`` must be ``v0=`` + hex HMAC-SHA256(secret, ``v0:{timestamp}:{raw body}``),
   compared in constant time, and ``x-zm-request-timestamp`` no older than five minutes;
3. the body must be a JSON object with an ``event``; ``endpoint.url_validation`` is answered
   with the challenge (it is signed too, so it is verified first);
4. a meeting event is applied once per (event, event_ts, object.id) and never over newer state.

Calls refused at steps 1–2 are not Zoom's: anyone can send them, so they are only counted
(:class:`~.refusals.RefusalCounter`), never written to the database. Every signed call is
recorded in ``webhook_events``, refused ones too (malformed, out of range).
"""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
from collections.abc import Callable, Mapping
from datetime import datetime
from typing import Any

from sqlalchemy.exc import IntegrityError, SQLAlchemyError

from zoomsvc.clock import utc_now
from zoomsvc.lifecycle.drift import PoolFacts
from zoomsvc.lifecycle.refusals import RefusalCounter
from zoomsvc.lifecycle.zoom_events import (
    HANDLED_EVENTS,
    BadEvent,
    ZoomEvent,
    apply_event,
    clean_text,
)
from zoomsvc.store import Database
from zoomsvc.store import lifecycle_records as lrec
from zoomsvc.store.models import WebhookEvent

log = logging.getLogger("zoomsvc.lifecycle.webhooks")
SIGNATURE_HEADER = "x-zm-signature"
TIMESTAMP_HEADER = "x-zm-request-timestamp"
REPLAY_WINDOW_S = 5 * 60
MAX_BODY_BYTES = 256 * 1024  # Zoom's meeting events are a few kilobytes
URL_VALIDATION = "endpoint.url_validation"

Answer = tuple[int, dict[str, Any]]


def sign(secret: str, timestamp: str, raw_body: bytes) -> str:
    """Zoom's signature of a request: ``v0=`` + hex HMAC-SHA256 over ``v0:{ts}:{body}``."""
    message = b"v0:" + timestamp.encode() + b":" + raw_body
    return "v0=" + hmac.new(secret.encode(), message, hashlib.sha256).hexdigest()


def encrypted_token(secret: str, plain_token: str) -> str:
    """The answer to Zoom's URL validation: hex HMAC-SHA256(secret, plainToken)."""
    return hmac.new(secret.encode(), plain_token.encode(), hashlib.sha256).hexdigest()


def signature_problem(raw_body: bytes, headers: Mapping[str, str], secret: str,
                      now: datetime) -> tuple[str, str] | None:
    """Why the request is not Zoom's (outcome, reason), or None when it is."""
    signature = headers.get(SIGNATURE_HEADER, "")
    timestamp = headers.get(TIMESTAMP_HEADER, "").strip()
    if not signature or not timestamp:
        return "bad_signature", "header x-zm-signature atau x-zm-request-timestamp tidak ada"
    expected = sign(secret, timestamp, raw_body)
    # Bytes, so a non-ASCII forgery is simply unequal instead of raising.
    if not hmac.compare_digest(expected.encode(), signature.strip().encode("utf-8", "replace")):
        return "bad_signature", "tanda tangan tidak cocok"
    if not timestamp.isdigit():
        return "bad_signature", "x-zm-request-timestamp bukan bilangan"
    seconds = int(timestamp)
    if seconds > 10**11:  # milliseconds, not seconds
        seconds //= 1000
    if abs(now.timestamp() - seconds) > REPLAY_WINDOW_S:
        return "replayed", "stempel waktu lebih dari 5 menit dari sekarang (pengulangan?)"
    return None


def handle_webhook(raw_body: bytes, headers: Mapping[str, str], *, secret: str, db: Database,
                   clock: Callable[[], datetime] = utc_now, facts: PoolFacts | None = None,
                   remote: str = "", refusals: RefusalCounter | None = None) -> Answer:
    """Verify and apply one call to the webhook; (HTTP status, JSON body) to answer with.

    A call that is not provably Zoom's is answered and counted in ``refusals`` without touching
    the database.
    """
    now = clock()
    lower = {str(k).lower(): str(v) for k, v in headers.items()}
    counter = refusals if refusals is not None else RefusalCounter()
    if not secret:
        log.error("webhook refused: zoom.webhook_secret_token is not configured")
        counter.refuse("not_configured", remote)
        return 503, {"error": "zoom.webhook_secret_token belum diisi"}
    if len(raw_body) > MAX_BODY_BYTES:
        counter.refuse("too_large", remote)
        return 413, {"error": f"badan permintaan {len(raw_body)} bita"}
    problem = signature_problem(raw_body, lower, secret, now)
    if problem is not None:
        counter.refuse(problem[0], remote)
        return 401, {"error": problem[1]}
    attempt = _Attempt(db, now, remote)
    try:
        data = json.loads(raw_body)
    except (UnicodeDecodeError, json.JSONDecodeError, RecursionError):
        return attempt.refuse(400, "malformed", "bukan JSON (atau bersarang terlalu dalam)")
    name = data.get("event") if isinstance(data, dict) else None
    if not isinstance(name, str) or not name:
        return attempt.refuse(400, "malformed", "tidak ada 'event'")
    attempt.event = clean_text(name)[:80]
    if name == URL_VALIDATION:
        return _url_validation(data, secret, attempt)
    if name not in HANDLED_EVENTS:
        return attempt.answer(200, "ignored", "peristiwa tidak dipakai layanan")
    try:
        event = ZoomEvent.parse(name, data)
    except BadEvent as exc:
        return attempt.refuse(400, "malformed", str(exc))
    return _apply(event, attempt, facts or PoolFacts())


def _url_validation(data: dict[str, Any], secret: str, attempt: _Attempt) -> Answer:
    payload = data.get("payload")
    plain = payload.get("plainToken") if isinstance(payload, dict) else None
    if not isinstance(plain, str) or not plain or len(plain) > 512 or clean_text(plain) != plain:
        return attempt.refuse(400, "malformed", "plainToken tidak ada")
    attempt.record(200, "validation", "")
    return 200, {"plainToken": plain, "encryptedToken": encrypted_token(secret, plain)}


def _apply(event: ZoomEvent, attempt: _Attempt, facts: PoolFacts) -> Answer:
    attempt.event_ts, attempt.zoom_id = event.ts, event.zoom_id
    try:
        with attempt.db.serialized_write() as session:
            if lrec.webhook_seen(session, event.key):
                outcome, detail, meeting_id = "duplicate", "sudah diterima sebelumnya", None
            else:
                meeting = lrec.meeting_by_zoom_id(session, event.zoom_id)
                if meeting is None:
                    outcome, detail, meeting_id = "unknown_meeting", "bukan rapat layanan", None
                else:
                    outcome, detail = apply_event(session, event, meeting, now=attempt.now,
                                                  facts=facts)
                    meeting_id = meeting.id
                session.add(attempt.row(200, outcome, detail, meeting_id=meeting_id,
                                        key=event.key if outcome != "duplicate" else None))
    except IntegrityError:
        # The same delivery, applied by a concurrent call a moment ago.
        return attempt.answer(200, "duplicate", "sudah diterima sebelumnya")
    except SQLAlchemyError as exc:
        log.error("webhook %s for meeting %s not stored: %s", event.name, event.zoom_id,
                  type(exc).__name__)
        # Not 2xx: Zoom delivers the event again later.
        return 500, {"error": "peristiwa gagal disimpan; Zoom akan mengirim ulang"}
    log.info("webhook %s meeting %s: %s %s", event.name, event.zoom_id, outcome, detail)
    return 200, {"status": outcome}


class _Attempt:
    """One call to the endpoint and its row in ``webhook_events``."""

    def __init__(self, db: Database, now: datetime, remote: str) -> None:
        self.db, self.now, self.remote = db, now, remote[:100]
        self.event: str | None = None
        self.event_ts: int | None = None
        self.zoom_id: int | None = None

    def row(self, status: int, outcome: str, detail: str, *, meeting_id: int | None = None,
            key: str | None = None) -> WebhookEvent:
        """The row recording this call."""
        return WebhookEvent(received_at=self.now, event=self.event, event_ts=self.event_ts,
                            zoom_id=self.zoom_id, dedup_key=key, outcome=outcome,
                            status_code=status, detail=detail[:500], remote=self.remote,
                            meeting_id=meeting_id)

    def record(self, status: int, outcome: str, detail: str) -> None:
        """Store the row on its own; a database problem must not change the answer."""
        try:
            with self.db.session() as session:
                session.add(self.row(status, outcome, detail))
        except SQLAlchemyError as exc:
            log.error("webhook attempt not recorded: %s", type(exc).__name__)

    def answer(self, status: int, outcome: str, detail: str) -> Answer:
        """Record and accept."""
        self.record(status, outcome, detail)
        return status, {"status": outcome}

    def refuse(self, status: int, outcome: str, detail: str) -> Answer:
        """Record and refuse, saying why (nothing secret is in the reason)."""
        self.record(status, outcome, detail)
        return status, {"error": detail}
