"""Availability: hosts × hours for a day or a week, service-made and Zoom-only meetings, and
the holidays on which no meeting is offered."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, tzinfo

from flask import Blueprint, render_template, request
from flask.typing import ResponseReturnValue

from zoomsvc.store import listing
from zoomsvc.web.auth import STAFF_ROLES, require_roles
from zoomsvc.web.context import agency_zone, services
from zoomsvc.web.query import day_arg
from zoomsvc.zoom import ZoomError

bp = Blueprint("calendar", __name__)


@dataclass(frozen=True)
class Block:
    """One meeting in the grid: where it starts and ends (local) and where it comes from."""

    host: str
    start: datetime
    end: datetime
    title: str
    source: str  # layanan | zoom
    code: str | None


@bp.get("/kalender")
@require_roles(*STAFF_ROLES)
def grid() -> ResponseReturnValue:
    """The availability grid of a day (``?tanggal=YYYY-MM-DD``) or week (``&rentang=minggu``)."""
    svc = services()
    zone = agency_zone()
    today = svc.clock().astimezone(zone).date()
    first = day_arg("tanggal", today) or today
    days = 7 if request.args.get("rentang") == "minggu" else 1
    start = datetime.combine(first, time(), tzinfo=zone)
    end = start + timedelta(days=days)
    blocks: list[Block] = []
    with svc.db.session() as session:
        known: set[int] = set()
        for meeting in listing.meetings_on(session, start, end):
            if meeting.zoom_id:
                known.add(meeting.zoom_id)
            blocks.append(Block(meeting.host, meeting.start_at.astimezone(zone),
                                meeting.end_at.astimezone(zone), meeting.request.topic,
                                "layanan", meeting.request.code))
    zoom_error = None
    for host in svc.config.zoom.hosts:
        try:
            upcoming = svc.provisioner.upcoming.of_host(host.user)
        except ZoomError as exc:
            zoom_error = str(exc)
            break
        for item in upcoming:
            if item.id in known or item.start_time is None:
                continue
            item_end = item.start_time + timedelta(minutes=item.duration)
            if item.start_time < end and item_end > start:
                blocks.append(Block(host.user, item.start_time.astimezone(zone),
                                    item_end.astimezone(zone), item.topic or "(rapat Zoom)",
                                    "zoom", None))
    days_list = [first + timedelta(days=i) for i in range(days)]
    hours = list(range(6, 22))
    closed_days = svc.provisioner.rules.holidays
    holidays = {day: name for day in days_list if (name := closed_days.name_of(day))}
    return render_template("calendar.html", hosts=svc.config.zoom.hosts, holidays=holidays,
                           cells=place_blocks(blocks, days_list, hours, zone),
                           days=days_list, hours=hours, first=first, days_count=days,
                           zoom_error=zoom_error, prev=first - timedelta(days=days),
                           next=first + timedelta(days=days))


Cells = dict[tuple[date, str, int], list[tuple[Block, bool]]]


def place_blocks(blocks: list[Block], days: list[date], hours: list[int], zone: tzinfo
                 ) -> Cells:
    """Which blocks cover each (day, host, hour) cell; True marks the cell a block starts in
    (or the first visible cell of one that started earlier)."""
    cells: Cells = {}
    for day in days:
        for hour in hours:
            cell_start = datetime.combine(day, time(hour), tzinfo=zone)
            cell_end = cell_start + timedelta(hours=1)
            for block in blocks:
                if block.start < cell_end and block.end > cell_start:
                    first = block.start >= cell_start or hour == hours[0]
                    cells.setdefault((day, block.host.lower(), hour), []).append((block, first))
    return cells
