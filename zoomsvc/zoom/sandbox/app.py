"""The sandbox's Flask app: Zoom's OAuth endpoint and the ``/v2`` meeting and user API.

This is a development/test stand-in that answers like Zoom (docs/zoom-facts.md): it is not Zoom,
and every answer says so in the ``X-Zoomsvc-Sandbox`` header.
"""

from __future__ import annotations

import hmac
import secrets
from typing import Any

from flask import Flask, Response, jsonify, request
from werkzeug.exceptions import HTTPException

from zoomsvc.zoom.sandbox.admin import register_admin
from zoomsvc.zoom.sandbox.errors import (
    SandboxHttpError,
    meeting_not_found,
    user_not_found,
    validation_error,
    zoom_error,
)
from zoomsvc.zoom.sandbox.gate import LABELS, count_daily, drop_connection, guard
from zoomsvc.zoom.sandbox.meetings import (
    LIST_TYPES,
    apply_update,
    check_fields,
    in_list,
    list_item_view,
    meeting_view,
    new_record,
)
from zoomsvc.zoom.sandbox.options import SandboxOptions, SandboxUser
from zoomsvc.zoom.sandbox.state import SandboxState

SCOPES = ("meeting:write:meeting:admin meeting:read:meeting:admin meeting:update:meeting:admin "
          "meeting:delete:meeting:admin meeting:read:list_meetings:admin "
          "user:read:list_users:admin")
HOME_TEXT = ("zoomsvc Zoom sandbox\n\nThis is a local development/test stand-in for Zoom's REST "
             "API. It is NOT Zoom: no real meeting is created here.\n")


def create_sandbox_app(options: SandboxOptions | None = None,
                       state: SandboxState | None = None) -> Flask:
    """A Flask app serving the sandbox; ``state`` defaults to a fresh one built from ``options``."""
    if state is None:
        state = SandboxState(options)
    opts = state.options
    app = Flask("zoomsvc.zoom.sandbox")
    app.config["SANDBOX_STATE"] = state

    def base_url() -> str:
        return (opts.public_url or request.host_url).rstrip("/")

    @app.errorhandler(SandboxHttpError)
    def render_error(error: SandboxHttpError) -> Response:
        return Response(error.payload(), status=error.status, headers=error.headers,
                        content_type=error.content_type)

    @app.errorhandler(HTTPException)
    def render_http_error(error: HTTPException) -> tuple[Response, int]:
        status = error.code or 500
        return jsonify({"code": status, "message": error.description}), status

    @app.after_request
    def mark_response(response: Response) -> Response:
        response.headers["X-Zoomsvc-Sandbox"] = "1"
        response.headers["x-zm-trackingid"] = "SBX_" + secrets.token_hex(12)
        return response

    @app.before_request
    def guard_api() -> None:
        if request.path.startswith("/v2/") or request.path == "/v2":
            guard(state, LABELS.get(request.endpoint or ""))

    @app.get("/")
    def home() -> Response:
        return Response(HOME_TEXT, content_type="text/plain; charset=utf-8")

    @app.get("/j/<meeting_id>")
    @app.get("/s/<meeting_id>")
    def link_page(meeting_id: str) -> Response:
        return Response(f"zoomsvc Zoom sandbox: meeting {meeting_id} exists only in this sandbox; "
                        "on Zoom this link would open the meeting.\n",
                        content_type="text/plain; charset=utf-8")

    @app.post("/oauth/token")
    def oauth_token() -> tuple[Response, int]:
        state.bump("token_requests")
        auth = request.authorization
        if (auth is None or auth.type != "basic"
                or not hmac.compare_digest(str(auth.username or ""), opts.client_id)
                or not hmac.compare_digest(str(auth.password or ""), opts.client_secret)):
            return jsonify({"reason": "Invalid client_id or client_secret",
                            "error": "invalid_client"}), 401
        if request.values.get("grant_type") != "account_credentials":
            return jsonify({"reason": "Unsupported grant type", "error": "invalid_request"}), 400
        if request.values.get("account_id") != opts.account_id:
            return jsonify({"reason": "Invalid account_id", "error": "invalid_request"}), 400
        token, ttl = state.issue_token()
        return jsonify({"access_token": token, "token_type": "bearer", "expires_in": ttl,
                        "scope": SCOPES, "api_url": base_url()}), 200

    @app.get("/v2/users")
    def list_users() -> Response:
        status = request.args.get("status", "active")
        if status not in ("active", "inactive", "pending"):
            raise validation_error("status", f"Invalid status: {status}.")
        users = list(opts.users) if status == "active" else []
        page, total, token = paginate(state, f"users|{status}", users)
        return jsonify({"page_size": page_size(), "total_records": total,
                        "next_page_token": token, "users": [user_view(u) for u in page]})

    @app.post("/v2/users/<user_id>/meetings")
    def create_meeting(user_id: str) -> Response | tuple[Response, int]:
        user = require_user(state, user_id)
        count_daily(state, user.id)
        fields = check_fields(request.get_json(silent=True), user.timezone)
        host = {"id": user.id, "email": user.email, "timezone": user.timezone,
                "name": f"{user.first_name} {user.last_name}".strip() or user.email}
        with state.lock:
            record = new_record(fields, host, state.now(), state.new_meeting_ids(),
                                state.digits, secrets.token_urlsafe(24))
            state.meetings[record["id"]] = record
            state.bump("creates")
            state.save()
            drop = state.faults.drop_next_create > 0
            if drop:
                state.faults.drop_next_create -= 1
                state.bump("drops")
            delay = state.faults.drop_delay_s
        if drop:
            return drop_connection(delay)
        return jsonify(meeting_view(record, base_url(), secrets.token_urlsafe(32))), 201

    @app.get("/v2/users/<user_id>/meetings")
    def list_meetings(user_id: str) -> Response:
        user = require_user(state, user_id)
        list_type = request.args.get("type", "scheduled")
        if list_type not in LIST_TYPES:
            raise validation_error("type", f"Invalid type: {list_type}.")
        with state.lock:
            now = state.now()
            records = sorted((m for m in state.meetings.values()
                              if m["host_id"] == user.id and in_list(m, list_type, now)),
                             key=lambda m: (m["start_ts"], m["id"]))
        page, total, token = paginate(state, f"meetings|{user.id}|{list_type}", records)
        return jsonify({"page_size": page_size(), "total_records": total,
                        "next_page_token": token,
                        "meetings": [list_item_view(m, base_url()) for m in page]})

    @app.get("/v2/meetings/<meeting_id>")
    def get_meeting(meeting_id: str) -> Response:
        record = state.visible_meeting(meeting_id)
        if record is None:
            raise meeting_not_found(meeting_id)
        with state.lock:
            view = meeting_view(record, base_url(), secrets.token_urlsafe(32))
        return jsonify(view)

    @app.patch("/v2/meetings/<meeting_id>")
    def update_meeting(meeting_id: str) -> Response:
        record = state.visible_meeting(meeting_id)
        if record is None:
            raise meeting_not_found(meeting_id)
        count_daily(state, str(record["host_id"]))
        fields = check_fields(request.get_json(silent=True), str(record["timezone"]))
        with state.lock:
            apply_update(record, fields, state.digits)
            state.bump("updates")
            state.save()
        return Response(status=204)

    @app.delete("/v2/meetings/<meeting_id>")
    def delete_meeting(meeting_id: str) -> Response:
        # occurrence_id, schedule_for_reminder and cancel_meeting_reminder are accepted and
        # ignored: the sandbox has no recurring meetings and sends no e-mail.
        with state.lock:
            record = state.visible_meeting(meeting_id)
            if record is None:
                raise meeting_not_found(meeting_id)
            record["deleted"] = True
            state.bump("deletes")
            state.save()
        return Response(status=204)

    @app.put("/v2/meetings/<meeting_id>/status")
    def meeting_status(meeting_id: str) -> Response:
        body = request.get_json(silent=True)
        action = body.get("action") if isinstance(body, dict) else None
        if action not in ("end", "recover"):
            raise validation_error("action", "action must be 'end' or 'recover'.")
        with state.lock:
            record = state.meetings.get(int(meeting_id)) if meeting_id.isdigit() else None
            if record is None or (action == "end" and record["deleted"]):
                raise meeting_not_found(meeting_id)
            if action == "end":
                record["status"] = "waiting"
            else:
                record["deleted"] = False
            state.save()
        return Response(status=204)

    register_admin(app, state)
    return app


def require_user(state: SandboxState, user_id: str) -> SandboxUser:
    """The user named in the path, or Zoom's 404 code 1001."""
    user = state.find_user(user_id)
    if user is None:
        raise user_not_found(user_id)
    return user


def page_size() -> int:
    """The ``page_size`` query value: default 30, at most 300 (larger values are capped)."""
    raw = request.args.get("page_size", "30")
    if not raw.isdigit() or int(raw) < 1:
        raise validation_error("page_size", f"Invalid page_size: {raw}.")
    return min(int(raw), 300)


def paginate(state: SandboxState, scope: str, items: list[Any]) -> tuple[list[Any], int, str]:
    """One page of ``items``, the total, and the next page's token ("" on the last page)."""
    size = page_size()
    token = request.args.get("next_page_token", "")
    offset = 0
    if token:
        found = state.page_offset(token, scope)
        if found is None:
            raise zoom_error(400, 300, "Invalid next_page_token.")
        offset = found
    end = offset + size
    next_token = state.new_page_token(scope, end) if end < len(items) else ""
    return items[offset:end], len(items), next_token


def user_view(user: SandboxUser) -> dict[str, Any]:
    """One entry of ``GET /users``."""
    return {"id": user.id, "email": user.email, "type": user.type, "status": "active",
            "first_name": user.first_name, "last_name": user.last_name,
            "display_name": f"{user.first_name} {user.last_name}".strip(),
            "timezone": user.timezone}
