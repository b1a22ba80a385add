"""Signing in and out, the current user, and the role check every page goes through.

Failed sign-ins are throttled by :mod:`zoomsvc.web.signin_guard`: on failures only, per account
with a growing delay that a browser the account signed in from before skips, and per address.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from functools import cache, wraps
from typing import Any, TypeVar, cast

from flask import (
    Blueprint,
    Flask,
    abort,
    current_app,
    flash,
    g,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask.typing import ResponseReturnValue
from werkzeug.security import check_password_hash, generate_password_hash

from zoomsvc.services import Services
from zoomsvc.store import accounts
from zoomsvc.web.context import services
from zoomsvc.web.forms import LoginForm
from zoomsvc.web.signin_guard import Failures, SigninGuard
from zoomsvc.workflow import Role

bp = Blueprint("auth", __name__)
F = TypeVar("F", bound=Callable[..., ResponseReturnValue])
STAFF_ROLES = (Role.STAF, Role.SUBKOORDINATOR, Role.KABID, Role.KADIS, Role.ADMIN)
FAILED_LOGIN = "Nama pengguna atau kata sandi salah, atau akunnya tidak aktif."


@dataclass(frozen=True)
class CurrentUser:
    """The signed-in person as pages need it."""

    id: int
    username: str
    full_name: str
    role: Role
    agency: str | None


def install_signin_guard(app: Flask, svc: Services) -> None:
    """Give the application its sign-in throttle (on the service's clock)."""
    web = svc.config.web
    app.extensions["zoomsvc_signin_guard"] = SigninGuard(
        svc.clock, app.config["SECRET_KEY"], threshold=web.login_max_failures,
        longest=timedelta(minutes=web.login_lockout_minutes),
        secure_cookie=bool(app.config["SESSION_COOKIE_SECURE"]))


def signin_guard() -> SigninGuard:
    """The sign-in throttle of the current application."""
    return cast(SigninGuard, current_app.extensions["zoomsvc_signin_guard"])


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
        row = accounts.user_by_id(db_session, user_id)
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


def form_problems(form: LoginForm) -> list[str]:
    """One Indonesian sentence per field the sign-in form refused, naming the field."""
    problems = []
    for field, longest in ((form.username, 80), (form.password, 200)):
        if field.errors:
            text = str(field.data or "")
            problems.append(f"{field.label.text} wajib diisi." if not text.strip() else
                            f"{field.label.text} paling panjang {longest} karakter.")
    return problems or ["Formulir masuk tidak sah; muat ulang halaman lalu coba lagi."]


@bp.route("/masuk", methods=["GET", "POST"])
def login() -> ResponseReturnValue:
    """The sign-in form."""
    form = LoginForm()
    if request.method == "POST" and not form.validate():
        for problem in form_problems(form):
            flash(problem, "error")
        return render_template("login.html", form=form), 400
    if request.method != "POST":
        return render_template("login.html", form=form)
    guard = signin_guard()
    # ProxyFix (web.trusted_proxies) has put the client's own address here.
    address = request.remote_addr or "-"
    name = (form.username.data or "").strip().lower()
    svc = services()
    with svc.db.session() as db_session:
        row = accounts.find_user(db_session, name)
        device = guard.trusted_device(request.cookies, row.id) if row else None
        failures = (Failures(row.failed_logins, row.locked_until) if row
                    else guard.unknown_name(name))
        refusal = guard.refusal(address, failures, trusted=device is not None)
        if refusal is not None:
            # The password is not even looked at: waiting is the only way forward.
            flash(refusal.message, "error")
            waiting = current_app.make_response((render_template("login.html", form=form), 429))
            waiting.headers["Retry-After"] = str(refusal.retry_after)
            return waiting
        good = check_password_hash(row.password_hash if row else
                                   _dummy_hash(svc.config.web.password_hash),
                                   form.password.data or "")
        if row is None or not good or not row.active:
            guard.failed(address, device)
            if device is None:
                failures = guard.after_failure(failures)
                if row is None:
                    guard.set_unknown_name(name, failures)
                else:
                    accounts.record_login_failure(row, failures.count, failures.next_attempt)
            # One answer for every failure: a disabled or unknown account must not be told
            # apart from a wrong password (no guessing which user names exist).
            flash(FAILED_LOGIN, "error")
            return render_template("login.html", form=form), 401
        if device is None:
            # A known device's success leaves the account's count alone: an attacker's
            # guesses keep their delay while the official signs in from their usual browser.
            accounts.record_login_success(row)
        guard.succeeded(device)
        session.clear()  # a fresh session: no fixation
        session.permanent = True
        session["uid"] = row.id
        # A password change ends the other sessions of that account.
        session["ver"] = row.password_hash[-12:]
        user = CurrentUser(row.id, row.username, row.full_name, Role(row.role), row.agency)
    target = request.args.get("next", "")
    answer = redirect(target if is_local_path(target) else home_for(user))
    cookie_name, value, options = guard.device_cookie(user.id)
    answer.set_cookie(cookie_name, value, **options)
    return answer


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
