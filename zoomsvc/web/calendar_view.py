"""The calendar of the licence pool: a page that loads the vendored EventCalendar component,
and the JSON it reads (hosts, meetings, and the shaded closed times) for a bounded range."""

from __future__ import annotations

import contextlib
import json
from datetime import date, datetime, time, timedelta

from flask import Blueprint, jsonify, render_template, request, url_for
from flask.typing import ResponseReturnValue

from zoomsvc.web.auth import STAFF_ROLES, current_user, require_roles
from zoomsvc.web.calendar_data import (
    MAX_DAYS,
    resources,
    service_meetings,
    shaded,
    upcoming_by_host,
    visible_hours,
    zoom_meetings,
)
from zoomsvc.web.context import agency_zone, services
from zoomsvc.web.forms import RequestForm
from zoomsvc.web.query import InputRefused, day_arg
from zoomsvc.workflow import Role

bp = Blueprint("calendar", __name__)
# Who may start a request from a free slot (the roles of the request form).
BOOKING_ROLES = (Role.STAF, Role.SUBKOORDINATOR)


@bp.get("/kalender")
@require_roles(*STAFF_ROLES)
def grid() -> ResponseReturnValue:
    """The calendar page; ``?tanggal=YYYY-MM-DD`` opens it on that day, ``&rentang=minggu``
    in the week view."""
    svc = services()
    today = svc.clock().astimezone(agency_zone()).date()
    first = day_arg("tanggal", today) or today
    user = current_user()
    options = {
        "date": first.isoformat(),
        "view": "minggu" if request.args.get("rentang") == "minggu" else "hari",
        "resources": resources(svc.config.zoom.hosts),
        **visible_hours(svc.provisioner.rules).as_dict(),
    }
    return render_template(
        "calendar.html", options=json.dumps(options, ensure_ascii=False),
        hosts=svc.config.zoom.hosts,
        data_url=url_for("calendar.data"),
        new_url=url_for("pages.new_request") if user and user.role in BOOKING_ROLES else "")


def _range() -> tuple[date, date]:
    """``dari`` and ``sampai`` (both included): required, in order, at most MAX_DAYS days."""
    today = services().clock().astimezone(agency_zone()).date()
    first, last = day_arg("dari", today), day_arg("sampai", today)
    if first is None:
        raise InputRefused("dari", "Parameter 'dari' wajib berupa tanggal TTTT-BB-HH.")
    if last is None:
        raise InputRefused("sampai", "Parameter 'sampai' wajib berupa tanggal TTTT-BB-HH.")
    if last < first:
        raise InputRefused("sampai", "Tanggal 'sampai' tidak boleh sebelum tanggal 'dari'.")
    if (last - first).days + 1 > MAX_DAYS:
        raise InputRefused("sampai", f"Rentang 'dari' sampai 'sampai' paling lama {MAX_DAYS} "
                                     "hari.")
    return first, last


@bp.get("/kalender/data")
@require_roles(*STAFF_ROLES)
def data() -> ResponseReturnValue:
    """Resources and events of ``?dari=`` to ``?sampai=`` (dates, both included)."""
    try:
        first, last = _range()
    except InputRefused as exc:
        return jsonify({"error": {"field": exc.field, "message": exc.message}}), 400
    svc = services()
    zone = agency_zone()
    start = datetime.combine(first, time(), tzinfo=zone)
    end = datetime.combine(last + timedelta(days=1), time(), tzinfo=zone)
    hosts = svc.config.zoom.hosts
    with svc.db.session() as session:
        events, known = service_meetings(
            session, start, end, zone, lambda code: url_for("pages.detail", code=code))
    on_zoom, zoom_error = upcoming_by_host(svc.provisioner.upcoming, hosts)
    for host in hosts:
        events.extend(zoom_meetings(on_zoom.get(host.user, []), host.user, known, start, end,
                                    zone))
    events.extend(shaded(svc.provisioner.rules, first, last, [h.user.lower() for h in hosts]))
    warning = (f"Daftar rapat di Zoom tidak dapat dibaca ({zoom_error}); hanya rapat layanan "
               "yang tampil.") if zoom_error else None
    return jsonify({"resources": resources(hosts), "events": events, "warning": warning,
                    **visible_hours(svc.provisioner.rules).as_dict()})


def prefill_from_calendar(form: RequestForm) -> None:
    """Fill the request form's day, times and account from a slot picked in the calendar
    (``?tanggal=&mulai=&selesai=&akun=``); what does not read as such is left empty."""
    args = request.args
    with contextlib.suppress(ValueError):
        form.day.data = date.fromisoformat(args.get("tanggal", ""))
    for field, name in ((form.start, "mulai"), (form.end, "selesai")):
        with contextlib.suppress(ValueError):
            field.data = time.fromisoformat(args.get(name, ""))
    hosts = {host.user.lower(): host.user for host in services().config.zoom.hosts}
    form.host.data = hosts.get((args.get("akun") or "").lower(), form.host.data)
