"""Checks every sandbox API request passes, and the dropped-response fault.

Order for ``/v2``: count it, injected latency and 5xx, the bearer token, the per-second limit;
creates and updates then pass the per-host daily limit.
"""

from __future__ import annotations

import contextlib
import socket
import time

from flask import Response, request
from werkzeug.http import http_date

from zoomsvc.zoom.sandbox.errors import html_error, zoom_error
from zoomsvc.zoom.sandbox.limits import next_utc_midnight
from zoomsvc.zoom.sandbox.state import SandboxState

# Zoom's rate-limit label of each API endpoint (docs/zoom-facts.md, "Rate limits").
LABELS = {"get_meeting": "light", "update_meeting": "light", "delete_meeting": "light",
          "meeting_status": "light", "create_meeting": "medium", "list_meetings": "medium",
          "list_users": "medium"}
FAIL_STATUSES = (500, 502, 503)
QPS_MESSAGE = "You have reached the maximum per-second rate limit for this API. Try again later."


def guard(state: SandboxState, label: str | None) -> None:
    """Checks every ``/v2`` request passes: counting, faults, then token, then per-second limit."""
    with state.lock:
        key = f"{request.method} {label or 'unrouted'}"
        state.stats["requests"][key] = state.stats["requests"].get(key, 0) + 1
        faults = state.faults
        delay = faults.delay_ms / 1000
        failure = None
        if faults.fail_next > 0:
            faults.fail_next -= 1
            failure = FAIL_STATUSES[state.injected_count % len(FAIL_STATUSES)]
        elif faults.error_rate > 0 and state.rng.random() < faults.error_rate:
            failure = state.rng.choice(FAIL_STATUSES)
        if failure is not None:
            state.injected_count += 1
            state.bump("injected_5xx")
    if delay > 0:
        time.sleep(delay)
    if failure is not None:
        raise html_error(failure)
    scheme, _, token = request.headers.get("Authorization", "").partition(" ")
    if scheme.lower() != "bearer" or not state.token_valid(token.strip()):
        raise zoom_error(401, 124, "Invalid access token.")
    if label is None:
        return
    with state.lock:
        now = state.now()
        if state.qps.allow(label, now):
            return
        state.stats["rate_limited"]["qps"] += 1
    headers = {"X-RateLimit-Category": label.capitalize(), "X-RateLimit-Type": "QPS"}
    if state.options.retry_after == "seconds":
        headers["Retry-After"] = "1"
    elif state.options.retry_after == "timestamp":
        headers["Retry-After"] = http_date(now + 1)
    raise zoom_error(429, 429, QPS_MESSAGE, headers=headers)


def count_daily(state: SandboxState, user_id: str) -> None:
    """Count one meeting create/update for the host, or answer Zoom's daily-limit 429."""
    with state.lock:
        now = state.now()
        if state.daily.allow(user_id, now):
            state.save()
            return
        state.stats["rate_limited"]["daily"] += 1
    limit = state.daily.limit
    message = (f"You have exceeded the daily rate limit ({limit}) of Meeting Create/Update API "
               "requests permitted for this particular user. You may resume these requests at "
               "GMT 00:00:00.")
    label = LABELS.get(request.endpoint or "", "medium").capitalize()
    headers = {"X-RateLimit-Category": label, "X-RateLimit-Type": "Daily-limit",
               "Retry-After": http_date(next_utc_midnight(now))}
    raise zoom_error(429, 429, message, headers=headers)


def drop_connection(fallback_delay: float) -> Response:
    """Abort the HTTP exchange after the meeting was stored, so the client never learns of it.

    Under werkzeug's server the WSGI environ carries the client socket (``werkzeug.socket``):
    it is shut down in both directions, the client sees the connection closed without a
    response (``requests.ConnectionError``), and werkzeug drops the unwritable answer quietly.
    Without a socket (Flask's test client) it sleeps ``fallback_delay`` seconds, longer than
    the client's read timeout should be, then answers 504.
    """
    sock = request.environ.get("werkzeug.socket")
    if isinstance(sock, socket.socket):
        with contextlib.suppress(OSError):
            sock.shutdown(socket.SHUT_RDWR)
        return Response(status=500)
    time.sleep(fallback_delay)
    raise html_error(504)
