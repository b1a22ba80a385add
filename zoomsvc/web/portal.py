"""The agency portal: an OPD account sees its own agency's requests and nothing else."""

from __future__ import annotations

from flask import Blueprint, render_template
from flask.typing import ResponseReturnValue

from zoomsvc.store import listing
from zoomsvc.web.auth import current_user, require_roles
from zoomsvc.web.context import services
from zoomsvc.web.query import page_arg
from zoomsvc.workflow import STATE_LABELS, Role

bp = Blueprint("portal", __name__)


@bp.get("/portal")
@require_roles(Role.OPD)
def index() -> ResponseReturnValue:
    """The agency's requests, newest meeting first."""
    user = current_user()
    assert user is not None
    assert user.agency is not None
    svc = services()
    page = page_arg()
    per_page = svc.config.web.page_size
    with svc.db.session() as session:
        rows, total = listing.list_requests(
            session, listing.RequestFilter(agency=user.agency), page=page, per_page=per_page)
        counts = listing.count_by_state(session, agency=user.agency)
    return render_template("portal.html", rows=rows, total=total, page=page,
                           pages=max(1, -(-total // per_page)), labels=STATE_LABELS,
                           counts=counts)
