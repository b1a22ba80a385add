"""The "Tugas saya" inbox of each role, the user's e-mail preference, and the e-mail that tells
the next actor when a request lands in their inbox (when SMTP is set)."""

from __future__ import annotations

import logging
import re

from flask import Blueprint, Flask, flash, g, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask.wrappers import Response

from zoomsvc.letters.mail import MailFailed, send_mail
from zoomsvc.store import accounts, worklist
from zoomsvc.store import records as rec
from zoomsvc.store.models import Request
from zoomsvc.web.auth import STAFF_ROLES, current_user, require_roles
from zoomsvc.web.context import services
from zoomsvc.web.forms import ActionForm
from zoomsvc.workflow import Role, State

bp = Blueprint("inbox", __name__)
log = logging.getLogger("zoomsvc.web.inbox")
EMAIL = re.compile(r"[^@\s]{1,64}@[^@\s]{1,190}\.[A-Za-z]{2,}")
# Who acts next when a request enters a state (the agency is told through its contact).
NEXT_ACTOR = {State.SCHEDULING: (Role.STAF, Role.SUBKOORDINATOR),
              State.SCHEDULED: (Role.STAF, Role.SUBKOORDINATOR),
              State.SIGNED: (Role.STAF, Role.SUBKOORDINATOR),
              State.DRAFT_READY: (Role.KABID,),
              State.REVIEWED: (Role.KADIS,)}
WHAT_WAITS = {State.SCHEDULING: "menunggu diproses", State.SCHEDULED: "menunggu draf surat",
              State.SIGNED: "siap dikirim ke OPD", State.DRAFT_READY: "menunggu paraf Kabid",
              State.REVIEWED: "menunggu tanda tangan Kadis"}


@bp.get("/tugas")
@require_roles(*STAFF_ROLES, Role.OPD)
def index() -> ResponseReturnValue:
    """The signed-in user's work, grouped by what to do."""
    user = current_user()
    assert user is not None
    svc = services()
    with svc.db.session() as session:
        groups = worklist.inbox_for(session, user.role, user.agency)
        me = accounts.user_by_id(session, user.id)
        email, notify = (me.email or "", me.notify_by_email) if me else ("", False)
        return render_template("inbox.html", groups=groups, email=email, notify=notify,
                               smtp=bool(svc.config.smtp.host), action=ActionForm(),
                               total=sum(len(v) for v in groups.values()))


@bp.post("/tugas/surel")
@require_roles(*STAFF_ROLES, Role.OPD)
def preference() -> ResponseReturnValue:
    """Whether (and where) the user is e-mailed about new work."""
    user = current_user()
    assert user is not None
    if not ActionForm().validate_on_submit():
        flash("Formulir kedaluwarsa; muat ulang halaman lalu coba lagi.", "error")
        return redirect(url_for("inbox.index"))
    email = (request.form.get("email") or "").strip()
    if email and not EMAIL.fullmatch(email):
        flash("Alamat surel tidak sah; contoh: nama@tarakankota.go.id.", "error")
        return redirect(url_for("inbox.index"))
    svc = services()
    with svc.db.serialized_write() as session:  # a write: take the writer lock
        accounts.set_notification(session, user.id, email or None,
                                  request.form.get("notify") == "1")
    flash("Pengaturan surel disimpan.", "success")
    return redirect(url_for("inbox.index"))


def _state_of(code: str) -> str | None:
    with services().db.session() as session:
        found = rec.request_by_code(session, code)
        return found.state if found else None


def _remember_state() -> None:
    """Before a POST about a request: its state, to tell afterwards whether it moved."""
    if request.method == "POST" and request.view_args and "code" in request.view_args:
        g.state_before = _state_of(str(request.view_args["code"]))


def _tell_next_actor(response: Response) -> Response:
    """After a POST that moved a request into someone's inbox: e-mail them (SMTP set)."""
    before = g.pop("state_before", None)
    if before is None or not services().config.smtp.host or request.view_args is None:
        return response
    code = str(request.view_args.get("code", ""))
    after = _state_of(code)
    if after is None or after == before:
        return response
    try:
        notify(code, State(after))
    except (MailFailed, ValueError) as exc:  # the step stands; the e-mail is a courtesy
        log.error("request %s: next actor not e-mailed: %s", code, exc)
    return response


def notify(code: str, state: State) -> list[str]:
    """E-mail the users whose inbox ``code`` entered (those who asked for it); the addresses."""
    roles = NEXT_ACTOR.get(state)
    if not roles:
        return []
    svc = services()
    with svc.db.session() as session:
        found = rec.request_by_code(session, code)
        assert found is not None
        topic = found.topic
        to = accounts.notify_addresses(session, [r.value for r in roles])
    link = f"{svc.config.web.base_url.rstrip('/')}{url_for('pages.detail', code=code)}"
    for address in to:
        send_mail(svc.config.smtp, to=address, subject=f"Tugas baru: {code}",
                  body=f"Permohonan {code} ({topic}) {WHAT_WAITS[state]}.\n\nBuka: {link}\n\n"
                  "Pemberitahuan ini dapat dimatikan di halaman Tugas saya.\n", attachments=())
    return to


def state_badge(req: Request) -> str:
    """The label of a request's state, a returned or "penuh" draft told apart."""
    with services().db.session() as session:
        returned = bool(worklist.returned_codes(session, [req]))
    return worklist.badge(req, returned)


def install(app: Flask) -> None:
    """Register the inbox and the next-actor e-mail around every POST about a request."""
    app.register_blueprint(bp)
    app.jinja_env.globals["state_badge"] = state_badge
    app.before_request(_remember_state)
    app.after_request(_tell_next_actor)
