"""The public verification page the letter's QR code opens: enough to trust the paper,
nothing private (no passcode, no link, no contact)."""

from __future__ import annotations

from flask import Blueprint, abort, render_template
from flask.typing import ResponseReturnValue

from zoomsvc.store import listing
from zoomsvc.web.context import services

bp = Blueprint("verify", __name__)


@bp.get("/verifikasi/<token>")
def letter(token: str) -> ResponseReturnValue:
    """Number, date, agency, subject, signer and the SHA-256 of the signed file."""
    svc = services()
    if len(token) > 100:
        abort(404)
    found = svc.letters.by_token(token)
    if found is None:
        abort(404)
    with svc.db.session() as session:
        request = listing.request_detail(session, svc.letters.code_of(found))
        recipient = request.agency if request else ""
    # Not "agency": that name is the lending office's settings in every template (header).
    return render_template("verify.html", letter=found, recipient=recipient,
                           hal=svc.config.letters.hal, signer=svc.config.signer)
