"""Admin endpoints under ``/_sandbox``: faults, counters, reset, direct meeting access and a
meeting's status (``waiting``/``started``, as if its host had started it).

They need no token: the sandbox binds loopback only by default and exists for tests and demos.
"""

from __future__ import annotations

import secrets
from typing import Any

from flask import Flask, Response, jsonify, request

from zoomsvc.zoom.sandbox.errors import SandboxHttpError, user_not_found, validation_error
from zoomsvc.zoom.sandbox.meetings import check_fields, is_expired, meeting_view, new_record
from zoomsvc.zoom.sandbox.state import SandboxState

# Fault key -> (type, lowest allowed value, highest allowed value).
FAULT_KEYS: dict[str, tuple[type, float, float]] = {
    "fail_next": (int, 0, 10**9),
    "error_rate": (float, 0.0, 1.0),
    "delay_ms": (int, 0, 600_000),
    "drop_next_create": (int, 0, 10**9),
    "drop_delay_s": (float, 0.0, 3600.0),
    "token_ttl": (int, 1, 10**9),
}


def bad_request(message: str) -> SandboxHttpError:
    """400 with ``{"error": message}`` (admin answers are not Zoom-shaped)."""
    return SandboxHttpError(400, {"error": message})


def apply_faults(state: SandboxState, body: Any) -> dict[str, Any]:
    """Validate and apply a fault update; returns the resulting fault settings."""
    if not isinstance(body, dict):
        raise bad_request("body must be a JSON object")
    for key, value in body.items():
        if key in ("expire_tokens", "seed"):
            continue
        if key not in FAULT_KEYS:
            raise bad_request(f"unknown fault key {key!r}; known: "
                              f"{sorted([*FAULT_KEYS, 'expire_tokens', 'seed'])}")
        kind, low, high = FAULT_KEYS[key]
        numeric = isinstance(value, int | float) and not isinstance(value, bool)
        if not numeric or (kind is int and not isinstance(value, int)) or not low <= value <= high:
            raise bad_request(f"{key} must be a {kind.__name__} between {low} and {high}")
    if not isinstance(body.get("expire_tokens", False), bool):
        raise bad_request("expire_tokens must be true or false")
    if "seed" in body and (not isinstance(body["seed"], int) or isinstance(body["seed"], bool)):
        raise bad_request("seed must be an integer")
    with state.lock:
        for key in FAULT_KEYS:
            if key in body:
                setattr(state.faults, key, FAULT_KEYS[key][0](body[key]))
        if "seed" in body:
            state.rng.seed(body["seed"])
        if body.get("expire_tokens"):
            state.expire_tokens()
        return state.faults.as_dict()


def register_admin(app: Flask, state: SandboxState) -> None:
    """Add the ``/_sandbox`` endpoints to ``app``."""

    @app.get("/_sandbox/faults")
    def read_faults() -> Response:
        with state.lock:
            return jsonify(state.faults.as_dict())

    @app.post("/_sandbox/faults")
    def set_faults() -> Response:
        return jsonify(apply_faults(state, request.get_json(silent=True)))

    @app.get("/_sandbox/stats")
    def read_stats() -> Response:
        return jsonify(state.stats_view())

    @app.post("/_sandbox/reset")
    def reset() -> Response:
        state.reset()
        return jsonify({"reset": True, "stats": state.stats_view()})

    @app.get("/_sandbox/meetings")
    def all_meetings() -> Response:
        base = (state.options.public_url or request.host_url).rstrip("/")
        with state.lock:
            now = state.now()
            records = sorted(state.meetings.values(), key=lambda m: (m["start_ts"], m["id"]))
            views = [{**meeting_view(m, base, "admin"), "deleted": m["deleted"],
                      "expired": is_expired(m, now)} for m in records]
        return jsonify({"meetings": views})

    @app.post("/_sandbox/meetings")
    def seed_meeting() -> tuple[Response, int]:
        body = request.get_json(silent=True)
        if not isinstance(body, dict) or not isinstance(body.get("host"), str):
            raise bad_request("body must be a JSON object with 'host' (user id or e-mail)")
        user = state.find_user(body["host"])
        if user is None:
            raise user_not_found(body["host"])
        status = body.get("status", "waiting")
        if status not in ("waiting", "started"):
            raise validation_error("status", "status must be 'waiting' or 'started'.")
        fields = check_fields({k: v for k, v in body.items() if k not in ("host", "status")},
                              user.timezone)
        host = {"id": user.id, "email": user.email, "timezone": user.timezone,
                "name": f"{user.first_name} {user.last_name}".strip() or user.email}
        base = (state.options.public_url or request.host_url).rstrip("/")
        with state.lock:
            # Seeding bypasses the per-second and daily limits and the create counter.
            record = new_record(fields, host, state.now(), state.new_meeting_ids(),
                                state.digits, secrets.token_urlsafe(24))
            record["status"] = status
            state.meetings[record["id"]] = record
            state.save()
            view = meeting_view(record, base, secrets.token_urlsafe(32))
        return jsonify(view), 201

    @app.post("/_sandbox/meetings/<meeting_id>/status")
    def set_meeting_status(meeting_id: str) -> Response:
        body = request.get_json(silent=True)
        status = body.get("status") if isinstance(body, dict) else None
        if status not in ("waiting", "started"):
            raise validation_error("status", "status must be 'waiting' or 'started'.")
        with state.lock:
            record = state.visible_meeting(meeting_id)
            if record is None:
                raise bad_request(f"no meeting {meeting_id}")
            record["status"] = status
            state.save()
        return jsonify({"id": record["id"], "status": status})
