"""The meeting as an iCalendar invitation (``zoomsvc.letters.invitation``)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from icalendar import Calendar, Event

from zoomsvc.letters.invitation import meeting_ics

WITA = ZoneInfo("Asia/Makassar")
START = datetime(2026, 11, 24, 1, 0, tzinfo=UTC)  # 09.00 WITA, as stored
END = datetime(2026, 11, 24, 4, 0, tzinfo=UTC)  # 12.00 WITA
JOIN = "https://us06web.zoom.us/j/81234567890?pwd=Q29udG9oUGFzc2NvZGU"


def ics(**changes: Any) -> bytes:
    fields: dict[str, Any] = {
        "zoom_id": 81234567890, "topic": "Rapat Koordinasi, Stunting; Tahap II",
        "start": START, "end": END, "join_url": JOIN, "passcode": "a1B2c3",
        "organizer": "diskominfo@tarakankota.go.id",
        "created": datetime(2026, 11, 23, 0, 5, tzinfo=UTC)}
    fields.update(changes)
    return meeting_ics(**fields)


def the_event(blob: bytes) -> Event:
    calendar = Calendar.from_ical(blob)
    events = calendar.walk("VEVENT")
    assert len(events) == 1
    event: Event = events[0]
    return event


def test_the_invitation_parses_back_as_one_published_event() -> None:
    calendar = Calendar.from_ical(ics())
    assert str(calendar["version"]) == "2.0"
    assert str(calendar["method"]) == "PUBLISH"
    event = the_event(ics())
    assert str(event["summary"]) == "Rapat Koordinasi, Stunting; Tahap II"
    assert str(event["location"]) == JOIN
    assert str(event["url"]) == JOIN
    assert str(event["organizer"]) == "MAILTO:diskominfo@tarakankota.go.id"


def test_the_uid_stays_the_same_for_the_same_meeting_and_differs_for_another() -> None:
    first = the_event(ics())
    again = the_event(ics(created=datetime(2026, 11, 25, tzinfo=UTC), passcode="x9Y8z7",
                          topic="Judul yang diubah"))
    other = the_event(ics(zoom_id=81234567891))

    assert str(first["uid"]) == str(again["uid"]) == "zoom-81234567890@zoomsvc"
    assert str(other["uid"]) != str(first["uid"])


@pytest.mark.parametrize("zone", [UTC, WITA, ZoneInfo("Asia/Jakarta")], ids=str)
def test_start_and_end_are_aware_and_the_meetings_own_instants(zone: Any) -> None:
    event = the_event(ics(start=START.astimezone(zone), end=END.astimezone(zone)))

    start, end = event.decoded("dtstart"), event.decoded("dtend")
    assert start.utcoffset() is not None
    assert end.utcoffset() is not None
    assert (start, end) == (START, END)
    assert start.astimezone(WITA).hour == 9
    assert end - start == timedelta(hours=3)


def test_a_local_time_does_not_leave_an_undefined_time_zone_in_the_file() -> None:
    blob = ics(start=START.astimezone(WITA), end=END.astimezone(WITA))
    # A TZID needs a VTIMEZONE of its own (RFC 5545); UTC needs none.
    assert b"TZID=" not in blob or b"BEGIN:VTIMEZONE" in blob
    assert b"DTSTART:20261124T010000Z" in blob


def test_the_description_carries_the_meeting_id_passcode_and_link() -> None:
    description = str(the_event(ics())["description"])
    assert "Meeting ID: 812 3456 7890" in description
    assert "Passcode: a1B2c3" in description
    assert f"Tautan: {JOIN}" in description


@pytest.mark.parametrize("field", ["start", "end", "created"])
def test_naive_datetimes_are_refused(field: str) -> None:
    naive = datetime(2026, 11, 24, 9, 0)
    with pytest.raises(ValueError, match="timezone-aware"):
        ics(**{field: naive})
