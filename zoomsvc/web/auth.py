"""Signing in and out, the current user, and the role check every page goes through.

Failed sign-ins are throttled twice: an account is locked for a while after repeated failures
(stored, so it holds across workers), and one address may only fail so often per minute (in
memory, per worker) so that guessing across many user names is slowed as well. Successful
sign-ins do not count: a whole office behind one address signs in at 07.30.
"""

from __future__ import annotations

import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from functools import cache, wraps
from typing import Any, TypeVar, cast

from flask import Blueprint, abort, flash, g, redirect, render_template, request, session, url_for
from flask.typing import ResponseReturnValue
from werkzeug.security import check_password_hash, generate_password_hash

from zoomsvc.store import accounts
from zoomsvc.store.models import User
from zoomsvc.web.context import services
from zoomsvc.web.forms import LoginForm
from zoomsvc.workflow import Role

bp = Blueprint("auth", __name__)
F = TypeVar("F", bound=Callable[..., ResponseReturnValue])
STAFF_ROLES = (Role.STAF, Role.SUBKOORDINATOR, Role.KABID, Role.KADIS, Role.ADMIN)
ADDRESS_LIMIT = 20  # sign-in attempts per address per minute
FAILED_LOGIN = ("Nama pengguna atau kata sandi salah, atau akun sedang dikunci sementara karena "
                "terlalu banyak percobaan gagal.")


@dataclass(frozen=True)
class CurrentUser:
    """The signed-in person as pages need it."""

    id: int
    username: str
    full_name: str
    role: Role
    agency: str | None


class AddressThrottle:
    """At most ``limit`` failed attempts per address in a sliding minute."""

    def __init__(self, limit: int, window: float = 60.0) -> None:
        self.limit, self.window = limit, window
        self._hits: dict[str, deque[float]] = {}
        self._lock = threading.Lock()

    def _recent(self, address: str, now: float) -> deque[float]:
        hits = self._hits.setdefault(address, deque())
        while hits and now - hits[0] > self.window:
            hits.popleft()
        return hits

    def allow(self, address: str) -> bool:
        """False when the address is over its limit of failures."""
        with self._lock:
            return len(self._recent(address, time.monotonic())) < self.limit

    def failed(self, address: str) -> None:
        """Count a failed attempt of the address."""
        now = time.monotonic()
        with self._lock:
            self._recent(address, now).append(now)


throttle = AddressThrottle(ADDRESS_LIMIT)


def hash_password(password: str, method: str = "scrypt") -> str:
    """A salted, slow hash of a password; ``method`` is ``web.password_hash`` (werkzeug's
    method string: scrypt in production)."""
    return generate_password_hash(password, method=method)


@cache
def _dummy_hash(method: str) -> str:
    # Compared against when the user name is unknown, so both paths take the same time.
    return hash_password("zoomsvc-no-such-user", method)


def current_user() -> CurrentUser | None:
    """The signed-in user of this request, or None."""
    return cast(CurrentUser | None, g.get("user"))


@bp.before_app_request
def load_user() -> None:
    """Read the session's user once per request; a disabled account is signed out at once."""
    g.user = None
    user_id = session.get("uid")
    if user_id is None:
        return
    svc = services()
    with svc.db.session() as db_session:
        row = db_session.get(User, user_id)
        if row is None or not row.active or session.get("ver") != row.password_hash[-12:]:
            session.clear()
            return
        g.user = CurrentUser(row.id, row.username, row.full_name, Role(row.role), row.agency)


def require_roles(*roles: Role) -> Callable[[F], F]:
    """Let only these roles in: others get 403, anonymous visitors the sign-in page."""
    def decorate(view: F) -> F:
        @wraps(view)
        def wrapped(*args: Any, **kwargs: Any) -> ResponseReturnValue:
            user = current_user()
            if user is None:
                return redirect(url_for("auth.login", next=request.full_path))
            if user.role not in roles:
                abort(403)
            return view(*args, **kwargs)
        return cast(F, wrapped)
    return decorate


def is_local_path(target: str) -> bool:
    """Whether ``target`` is a path on this site: never another site (``//host``, ``/\\host``
    and control characters, which browsers turn into ``//host``, are refused)."""
    return (target.startswith("/") and not target.startswith("//") and "\\" not in target
            and target.isprintable())


def home_for(user: CurrentUser) -> str:
    """Where a user lands after signing in."""
    return url_for("portal.index") if user.role == Role.OPD else url_for("pages.dashboard")


@bp.route("/masuk", methods=["GET", "POST"])
def login() -> ResponseReturnValue:
    """The sign-in form."""
    form = LoginForm()
    if form.validate_on_submit():
        address = request.remote_addr or "-"
        if not throttle.allow(address):
            abort(429)
        svc = services()
        now = svc.clock()
        with svc.db.session() as db_session:
            row = accounts.find_user(db_session, form.username.data or "")
            stored = row.password_hash if row else _dummy_hash(svc.config.web.password_hash)
            good = check_password_hash(stored, form.password.data or "")
            locked = row is not None and row.locked_until is not None and row.locked_until > now
            if row is None or not good or not row.active or locked:
                throttle.failed(address)
                if row is not None and not locked:
                    web = svc.config.web
                    accounts.record_login_failure(
                        row, now, web.login_max_failures,
                        now + timedelta(minutes=web.login_lockout_minutes))
                # One answer for every failure: a locked, disabled or unknown account must not
                # be told apart from a wrong password (no guessing which user names exist).
                flash(FAILED_LOGIN, "error")
                return render_template("login.html", form=form), 401
            accounts.record_login_success(row)
            session.clear()  # a fresh session: no fixation
            session.permanent = True
            session["uid"] = row.id
            # A password change ends the other sessions of that account.
            session["ver"] = row.password_hash[-12:]
            user = CurrentUser(row.id, row.username, row.full_name, Role(row.role), row.agency)
        target = request.args.get("next", "")
        return redirect(target if is_local_path(target) else home_for(user))
    return render_template("login.html", form=form)


@bp.post("/keluar")
def logout() -> ResponseReturnValue:
    """Sign out (a POST with CSRF token, so no other site can sign a user out)."""
    session.clear()
    flash("Anda telah keluar.", "info")
    return redirect(url_for("auth.login"))


@bp.get("/")
def index() -> ResponseReturnValue:
    """The front door: the user's home page, or the sign-in form."""
    user = current_user()
    return redirect(home_for(user) if user else url_for("auth.login"))
