"""The JSON API for integrations (e.g. a city portal): create, get and list requests.

Authentication is a bearer token from ``zoomsvc token create`` (signed, scoped, expiring,
revocable); a token bound to an agency sees and creates only that agency's requests. Errors are
JSON ``{"error": {"field": ..., "message": ...}}``. No cookies are used, hence no CSRF token.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, current_app, g, jsonify, request
from flask.typing import ResponseReturnValue

from zoomsvc.calendar import CalendarRejected
from zoomsvc.domain import InvalidInput
from zoomsvc.input_bounds import JsonRefused, load_json
from zoomsvc.provisioning import ProvisioningFailed
from zoomsvc.store import accounts, listing
from zoomsvc.tokens import ApiClaims, TokenInvalid, read_api_token
from zoomsvc.web.context import agency_zone, services
from zoomsvc.web.query import page_arg
from zoomsvc.workflow import Role

bp = Blueprint("api", __name__, url_prefix="/api/v1")


def error(status: int, field: str | None, message: str) -> ResponseReturnValue:
    """A JSON error naming the field (or null)."""
    return jsonify({"error": {"field": field, "message": message}}), status


@bp.before_request
def authenticate() -> ResponseReturnValue | None:
    """Check the bearer token: signature, expiry, scope, and that it was not revoked."""
    header = request.headers.get("Authorization", "")
    if not header.startswith("Bearer "):
        return error(401, "Authorization", "token API wajib: 'Authorization: Bearer <token>'")
    try:
        claims = read_api_token(str(current_app.secret_key), header[7:].strip(),
                                now=services().clock())
    except TokenInvalid as exc:
        return error(401, "Authorization", str(exc))
    svc = services()
    with svc.db.session() as session:
        record = accounts.find_token(session, claims.jti)
        if record is None or record.revoked_at is not None:
            return error(401, "Authorization", "token sudah dicabut atau tidak dikenal")
    needed = "requests:write" if request.method == "POST" else "requests:read"
    if needed not in claims.scopes:
        return error(403, "Authorization", f"token tidak memiliki izin '{needed}'")
    g.api = claims
    return None


def _claims() -> ApiClaims:
    claims: ApiClaims = g.api
    return claims


@bp.post("/permohonan")
def create() -> ResponseReturnValue:
    """Submit an approved request (REQUEST.json body); answers like ``zoomsvc provision``."""
    try:
        data = load_json(request.get_data(as_text=True)) if request.is_json else None
    except JsonRefused as exc:
        return error(400, "(permohonan)", f"badan permintaan {exc}")
    if not isinstance(data, dict):
        return error(400, "(permohonan)", "badan permintaan harus objek JSON")
    claims = _claims()
    agency = data.get("agency")
    if claims.agency and (not isinstance(agency, str)
                          or agency.casefold() != claims.agency.casefold()):
        return error(403, "agency", f"token ini hanya untuk {claims.agency}")
    try:
        result, draft = services().intake.submit(data, actor=f"api:{claims.jti[:8]}",
                                                 role=Role.STAF)
    except InvalidInput as exc:
        return error(400, exc.field, exc.message)
    except CalendarRejected as exc:
        first = exc.problems[0]
        return error(400, first.field, "; ".join(p.message for p in exc.problems))
    except ProvisioningFailed as exc:
        return error(502, None, f"{exc.code}: {exc}")
    body = _for_token(result.as_dict(agency_zone()), claims)
    body["letter"] = {"number": draft.number} if draft and not draft.error else None
    return jsonify(body), 201 if result.created else 200


@bp.get("/permohonan/<code>")
def get_one(code: str) -> ResponseReturnValue:
    """One request as the provision output shows it."""
    svc = services()
    claims = _claims()
    with svc.db.session() as session:
        found = listing.request_detail(session, code)
        if found is None or (claims.agency and found.agency != claims.agency):
            return error(404, "code", f"permohonan {code} tidak ditemukan")
    return jsonify(_for_token(svc.provisioner.status(code).as_dict(agency_zone()), claims))


def _for_token(body: dict[str, Any], claims: ApiClaims) -> dict[str, Any]:
    """What a token may read: an agency's token never sees the pool's account addresses."""
    if not claims.agency:
        return body
    meeting = body.get("meeting")
    if isinstance(meeting, dict):
        meeting.pop("host", None)
    for slot in body.get("alternatives", []):
        slot.pop("host", None)
    return body


@bp.get("/permohonan")
def list_all() -> ResponseReturnValue:
    """Requests, newest first: ``?status=``, ``?hal=`` (page); an agency token sees its own."""
    svc = services()
    claims = _claims()
    page = page_arg()
    flt = listing.RequestFilter(state=request.args.get("status") or None,
                                agency=claims.agency or request.args.get("opd") or None)
    zone = agency_zone()
    with svc.db.session() as session:
        rows, total = listing.list_requests(session, flt, page=page,
                                            per_page=svc.config.web.page_size)
        items = [{"request": r.code, "agency": r.agency, "state": r.state, "topic": r.topic,
                  "start": r.start_at.astimezone(zone).isoformat(),
                  "end": r.end_at.astimezone(zone).isoformat()} for r in rows]
    return jsonify({"total": total, "page": page, "items": items})
