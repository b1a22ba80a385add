"""The meeting as an iCalendar invitation (.ics) for the agency's calendars."""

from __future__ import annotations

from datetime import UTC, datetime

from icalendar import Calendar, Event, vText

from zoomsvc.formatting import meeting_id


def meeting_ics(*, zoom_id: int, topic: str, start: datetime, end: datetime, join_url: str,
                passcode: str, organizer: str, created: datetime) -> bytes:
    """An .ics file with one event; the UID depends only on the Zoom meeting id, so a
    re-sent invitation updates the same calendar entry instead of adding one."""
    if any(moment.utcoffset() is None for moment in (start, end, created)):
        raise ValueError("invitation times must be timezone-aware")
    calendar = Calendar()
    calendar.add("prodid", "-//zoomsvc//Layanan Zoom Meeting//ID")
    calendar.add("version", "2.0")
    calendar.add("method", "PUBLISH")
    event = Event()
    event.add("uid", f"zoom-{zoom_id}@zoomsvc")
    event.add("dtstamp", created.astimezone(UTC))
    # In UTC: a local zone would need its own VTIMEZONE component (RFC 5545), which some
    # calendar programs require and this file does not carry.
    event.add("dtstart", start.astimezone(UTC))
    event.add("dtend", end.astimezone(UTC))
    event.add("summary", topic)
    event.add("location", vText(join_url))
    event.add("url", join_url)
    event.add("description", f"Zoom Meeting\nMeeting ID: {meeting_id(zoom_id)}\n"
                             f"Passcode: {passcode}\n"
                             f"Tautan: {join_url}")
    event.add("organizer", f"MAILTO:{organizer}" if "@" in organizer else organizer)
    calendar.add_component(event)
    return bytes(calendar.to_ical())

