"""Staff pages: dashboard, request list, new request form, request detail."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from flask import Blueprint, abort, flash, g, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import RequestEntityTooLarge

from zoomsvc.calendar import CalendarRejected
from zoomsvc.domain import InvalidInput
from zoomsvc.letters.converter import converter_for
from zoomsvc.provisioning import ProvisioningFailed
from zoomsvc.provisioning.outcome import alternatives_from_row
from zoomsvc.provisioning.recreate import gone_meeting
from zoomsvc.store import lifecycle_records, listing
from zoomsvc.web import request_form
from zoomsvc.web.auth import STAFF_ROLES, current_user, load_user, require_roles
from zoomsvc.web.calendar_view import prefill_from_calendar
from zoomsvc.web.context import agency_zone, services
from zoomsvc.web.forms import ActionForm, RequestForm, ReviewForm, SignForm
from zoomsvc.web.opd_timeline import opd_timeline
from zoomsvc.web.query import day_arg, page_arg
from zoomsvc.web.security import ERROR_TEXT, SESSION_ENDED_ELSEWHERE
from zoomsvc.web.sla import sla_status
from zoomsvc.workflow import STATE_LABELS, Role, State, allowed_targets

bp = Blueprint("pages", __name__)
ENTRY_ROLES = (Role.STAF, Role.SUBKOORDINATOR)


@bp.get("/dasbor")
@require_roles(*STAFF_ROLES)
def dashboard() -> ResponseReturnValue:
    """Requests by state, and the ones that need someone now, with their Mutu Baku status."""
    svc = services()
    now = svc.clock()
    with svc.db.session() as session:
        counts = listing.count_by_state(session)
        flags = lifecycle_records.open_attention(session)
        # "Rapat terdekat": the soonest meetings from yesterday on, not the furthest ones.
        waiting, _ = listing.list_requests(
            session, listing.RequestFilter(start_from=now - timedelta(days=1)), page=1,
            per_page=20, soonest_first=True, count=False)
        rows = [(r, sla_status(r.state, r.state_since, now)) for r in waiting]
    return render_template("dashboard.html", counts=counts, labels=STATE_LABELS, rows=rows,
                           flags=flags, action=ActionForm(),
                           webhook_refused=svc.webhook_refusals.total)


@bp.get("/permohonan")
@require_roles(*STAFF_ROLES)
def request_list() -> ResponseReturnValue:
    """All requests, filtered by state, agency, text and dates, a page at a time."""
    svc = services()
    args = request.args
    page = page_arg()
    now = svc.clock()
    today = now.astimezone(agency_zone()).date()
    flt = listing.RequestFilter(
        state=args.get("status") or None, agency=args.get("opd") or None,
        text=(args.get("q") or "").strip()[:100] or None,
        start_from=_day_start(day_arg("dari", today)),
        start_until=_day_start(day_arg("sampai", today), 1))
    per_page = svc.config.web.page_size
    with svc.db.session() as session:
        rows, total = listing.list_requests(session, flt, page=page, per_page=per_page)
        agencies = listing.agencies_in_use(session)
        items = [(r, sla_status(r.state, r.state_since, now)) for r in rows]
    pages = max(1, -(-total // per_page))
    return render_template("requests.html", rows=items, total=total, page=page, pages=pages,
                           labels=STATE_LABELS, agencies=agencies, args=args)


def _day_start(day: date | None, plus_days: int = 0) -> datetime | None:
    if day is None:
        return None
    return datetime.combine(day + timedelta(days=plus_days), time(), tzinfo=agency_zone())


@bp.route("/permohonan/baru", methods=["GET", "POST"])
@require_roles(*ENTRY_ROLES)
def new_request() -> ResponseReturnValue:
    """The form for an approved request; submitting it provisions the meeting. Every refusal
    is shown at once, and nothing is stored until the whole request is accepted."""
    svc = services()
    form = request_form.build_form()
    if request.method != "POST":
        prefill_from_calendar(form)
        return request_form.render(form, 200)
    valid = form.validate_on_submit()
    scan = request_form.take_scan(form)  # checked (and kept) even when other fields are wrong
    if not valid:
        request_form.add_time_problems(form, svc.intake)
    if valid and not form.scan.errors:
        user = current_user()
        assert user is not None
        try:
            result, draft = svc.intake.submit(
                request_form.request_data(form), actor=user.username, role=user.role,
                preferred_host=form.host.data or None,
                override_holiday=(form.override_reason.data or "")
                if form.override_holiday.data else None, scan=scan)
        except InvalidInput as exc:
            request_form.add_error(form, exc.field, exc.message)
        except CalendarRejected as exc:
            for problem in exc.problems:
                request_form.add_error(form, problem.field, problem.message)
        except ProvisioningFailed as exc:
            _forget_kept(form)
            flash(f"Permohonan tersimpan ({exc.code}) tetapi rapat belum dibuat: {exc}. "
                  "Coba lagi dari halaman permohonan.", "error")
            return redirect(url_for("pages.detail", code=exc.code))
        else:
            _forget_kept(form)
            _flash_outcome(result.code, result.outcome, result.created,
                           draft.error if draft else None)
            return redirect(url_for("pages.detail", code=result.code))
    return request_form.render(form, 400)


@bp.errorhandler(CSRFError)
def form_session_ended(error: CSRFError) -> ResponseReturnValue:
    """An expired or foreign form token: the request form comes back as typed, with a plain
    sentence; other pages get the general one."""
    if request.endpoint == "pages.new_request" and _entry_user():
        return request_form.refill_after(request_form.SESSION_ENDED, 400)
    return render_template("error.html", code=400, message=SESSION_ENDED_ELSEWHERE), 400


@bp.errorhandler(RequestEntityTooLarge)
def form_too_large(error: RequestEntityTooLarge) -> ResponseReturnValue:
    """A body over the cap is never read: the request form comes back (empty) saying why."""
    if request.endpoint == "pages.new_request" and _entry_user():
        return request_form.refill_after(request_form.too_large(), 413, readable=False)
    return render_template("error.html", code=413, message=ERROR_TEXT[413]), 413


def _entry_user() -> bool:
    if "user" not in g:
        load_user()  # the token is checked before the user is read
    user = current_user()
    return user is not None and user.role in ENTRY_ROLES


def _forget_kept(form: RequestForm) -> None:
    if form.scan_kept.data:
        request_form.pending_scans().forget(form.scan_kept.data)


def _flash_outcome(code: str, outcome: str, created: bool, letter_error: str | None) -> None:
    if not created:
        flash(f"Surat ini sudah pernah dicatat sebagai {code}; berikut keadaannya.", "info")
    elif outcome == "full":
        flash(f"{code}: jadwal penuh. Alternatif waktu dan draf surat 'penuh' sudah disiapkan.",
              "warning")
    else:
        flash(f"{code}: rapat Zoom dibuat dan draf Surat Tanggapan disiapkan.", "success")
    if letter_error:
        flash(f"Draf surat belum dapat disusun: {letter_error}", "error")


@bp.get("/permohonan/<code>")
@require_roles(*STAFF_ROLES, Role.OPD)
def detail(code: str) -> ResponseReturnValue:
    """One request: its meeting, alternatives, letter, timeline, and the actions of this role."""
    svc = services()
    user = current_user()
    assert user is not None
    with svc.db.session() as session:
        found = listing.request_detail(session, code)
        # Another agency's request does not exist as far as an OPD account can tell.
        if found is None or (user.role == Role.OPD and found.agency != user.agency):
            abort(404)
        events = listing.timeline(session, found.id)
        # The agency reads its own wording of each event, never the staff's notes.
        opd_events = opd_timeline(events) if user.role == Role.OPD else []
        flags = lifecycle_records.open_attention(session, found.id)
        letters = listing.letters_of(session, found.id)
        meeting = found.live_meeting
        meeting_gone = gone_meeting(list(found.meetings)) is not None
        hosts = {h.user: h.label for h in svc.config.zoom.hosts}
        alternatives = alternatives_from_row(found) if found.full_reason else ()
        targets = allowed_targets(State(found.state), user.role)
        return render_template(
            "request_detail.html", req=found, events=events if user.role != Role.OPD else [],
            opd_events=opd_events, letter=letters[0] if letters
            else None, letters=letters, meeting=meeting, hosts=hosts, alternatives=alternatives,
            targets=targets, State=State, Role=Role, action=ActionForm(), review=ReviewForm(),
            flags=flags if user.role in STAFF_ROLES else [],
            sign=SignForm(), sla=sla_status(found.state, found.state_since, svc.clock()),
            pdf_available=converter_for(svc.config.letters).available(),
            max_signed_mb=svc.config.letters.max_upload_mb,
            signing_mode=svc.config.letters.signing_mode, meeting_gone=meeting_gone)
