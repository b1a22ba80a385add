"""The calendar's data as the browser component reads it: the hosts as resources, the meetings
the service made and the ones made by hand on Zoom, and, shaded, the holidays, breaks and hours
outside service.

Times are the agency's wall-clock times without an offset, so every browser shows them as the
office reads them, whatever its own time zone.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy.orm import Session

from zoomsvc.calendar.rules import Rules
from zoomsvc.config.model import Host
from zoomsvc.provisioning.external import UpcomingMeetings
from zoomsvc.store import listing
from zoomsvc.zoom import ZoomError
from zoomsvc.zoom.models import ZoomMeeting

MAX_DAYS = 62
Event = dict[str, Any]


@dataclass(frozen=True)
class Hours:
    """The window the calendar shows each day, and the weekdays it hides (0 = Sunday)."""

    first: time
    last: time
    hidden_days: tuple[int, ...]

    def as_dict(self) -> dict[str, Any]:
        """The component's option names."""
        return {"slotMinTime": self.first.strftime("%H:%M"),
                "slotMaxTime": self.last.strftime("%H:%M"),
                "hiddenDays": list(self.hidden_days)}


def visible_hours(rules: Rules) -> Hours:
    """From the earliest opening to the latest closing of the service days."""
    days = [(day, found) for day in range(1, 8) if (found := rules.hours_on(day)) is not None]
    if not days:
        return Hours(rules.service_start, rules.service_end, ())
    return Hours(min(hours.opens for _, hours in days), max(hours.closes for _, hours in days),
                 tuple(sorted(day % 7 for day in range(1, 8) if rules.hours_on(day) is None)))


def local_text(moment: datetime, zone: ZoneInfo) -> str:
    """An instant as the agency's wall-clock time, ``YYYY-MM-DDTHH:MM:SS``."""
    return moment.astimezone(zone).replace(tzinfo=None).isoformat(timespec="seconds")


def resources(hosts: Sequence[Host]) -> list[dict[str, Any]]:
    """One resource per Zoom account of the pool."""
    return [{"id": host.user.lower(), "title": host.label,
             "extendedProps": {"capacity": host.capacity}} for host in hosts]


def _shade(day: date, start: time, end: time, title: str, kind: str,
           hosts: list[str]) -> Event:
    stop = f"{(day + timedelta(days=1)).isoformat()}T00:00:00" if end == time.max else \
        f"{day.isoformat()}T{end.isoformat(timespec='seconds')}"
    return {"start": f"{day.isoformat()}T{start.isoformat(timespec='seconds')}", "end": stop,
            "title": title, "display": "background", "resourceIds": hosts,
            "classNames": [f"ec-shade-{kind}"], "extendedProps": {"kind": kind}}


def shaded(rules: Rules, first: date, last: date, hosts: list[str]) -> list[Event]:
    """Holidays, days without service, breaks, and the hours a shorter day is closed."""
    window = visible_hours(rules)
    events: list[Event] = []
    day = first
    while day <= last:
        holiday = rules.holidays.name_of(day)
        hours = rules.hours_on(day.isoweekday())
        if holiday:
            events.append(_shade(day, time(), time.max, f"Hari libur: {holiday}", "libur", hosts))
        elif hours is None:
            events.append(_shade(day, time(), time.max, "Tidak ada layanan", "tutup", hosts))
        else:
            if hours.opens > window.first:
                events.append(_shade(day, time(), hours.opens, "Di luar jam layanan", "tutup",
                                     hosts))
            if hours.closes < window.last:
                events.append(_shade(day, hours.closes, time.max, "Di luar jam layanan",
                                     "tutup", hosts))
            events.extend(_shade(day, start, end, "Istirahat", "istirahat", hosts)
                          for start, end in hours.breaks)
        day += timedelta(days=1)
    return events


def service_meetings(session: Session, start: datetime, end: datetime, zone: ZoneInfo,
                     detail_url: Callable[[str], str]) -> tuple[list[Event], set[int]]:
    """The meetings the service made in [start, end); and their Zoom ids."""
    events: list[Event] = []
    known: set[int] = set()
    for meeting in listing.meetings_on(session, start, end):
        if meeting.zoom_id:
            known.add(meeting.zoom_id)
        code = meeting.request.code
        events.append({
            "id": f"layanan-{meeting.id}", "resourceIds": [meeting.host.lower()],
            "start": local_text(meeting.start_at, zone), "end": local_text(meeting.end_at, zone),
            "title": f"{code} · {meeting.request.topic} ({meeting.request.agency})",
            "classNames": ["ec-layanan"],
            "extendedProps": {"kind": "layanan", "code": code, "url": detail_url(code)}})
    return events, known


def zoom_meetings(items: Iterable[ZoomMeeting], host: str, known: set[int], start: datetime,
                  end: datetime, zone: ZoneInfo) -> list[Event]:
    """Meetings on a host's Zoom list that the service did not make (made by hand)."""
    events: list[Event] = []
    for item in items:
        if item.id in known or item.start_time is None:
            continue
        item_end = item.start_time + timedelta(minutes=item.duration)
        if item.start_time < end and item_end > start:
            events.append({
                "id": f"zoom-{item.id}", "resourceIds": [host.lower()],
                "start": local_text(item.start_time, zone), "end": local_text(item_end, zone),
                "title": f"{item.topic or 'Rapat Zoom'} (dibuat langsung di Zoom)",
                "classNames": ["ec-zoom"], "extendedProps": {"kind": "zoom"}})
    return events


def upcoming_by_host(upcoming: UpcomingMeetings, hosts: Sequence[Host]
                     ) -> tuple[dict[str, list[ZoomMeeting]], str | None]:
    """Each host's meetings on Zoom; the error that stopped the reading, if any."""
    found: dict[str, list[ZoomMeeting]] = {}
    for host in hosts:
        try:
            found[host.user] = upcoming.of_host(host.user)
        except ZoomError as exc:
            return found, str(exc)
    return found, None
