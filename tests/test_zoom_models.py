"""Zoom's answers parsed leniently: missing and extra fields, ids as strings, times in UTC."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest
from zoom_support import START_URL, meeting_json

from zoomsvc.zoom.models import (
    NewMeeting,
    ZoomMeeting,
    ZoomUser,
    format_zoom_time,
    parse_zoom_time,
)


def test_a_full_meeting_answer_is_parsed():
    meeting = ZoomMeeting.from_api(meeting_json())
    assert meeting.id == 81234567890123
    assert meeting.uuid == "4444AAAiAAAAAiAiAiiAii=="
    assert meeting.host_email == "zoom1@kominfo.tarakankota.go.id"
    assert meeting.type == 2
    assert meeting.status == "waiting"
    assert meeting.duration == 60
    assert meeting.timezone == "Asia/Singapore"
    assert meeting.password == "Zk9xUnQ2"
    assert meeting.start_time == datetime(2026, 11, 25, 1, 0, tzinfo=UTC)
    assert meeting.created_at == datetime(2026, 11, 24, 3, 0, tzinfo=UTC)


def test_a_meeting_with_only_an_id_gets_defaults():
    meeting = ZoomMeeting.from_api({"id": 5})
    assert meeting == ZoomMeeting(id=5)
    assert meeting.start_time is None
    assert meeting.password == ""
    assert meeting.type == 2


def test_an_empty_meeting_answer_does_not_crash():
    assert ZoomMeeting.from_api({}).id == 0


def test_unknown_fields_are_ignored():
    body = meeting_json(brand_new_field={"x": 1}, pmi="123", occurrences=[])
    meeting = ZoomMeeting.from_api(body)
    assert meeting.id == 81234567890123


def test_an_id_given_as_a_string_is_read_as_an_int64():
    assert ZoomMeeting.from_api({"id": "81234567890123"}).id == 81234567890123
    assert ZoomMeeting.from_api({"id": 9223372036854775807}).id == 2**63 - 1


def test_fields_of_the_wrong_type_fall_back_to_defaults():
    meeting = ZoomMeeting.from_api({"id": "not-a-number", "topic": 42, "duration": None,
                                    "start_time": 1234, "password": None, "type": "x"})
    assert (meeting.id, meeting.topic, meeting.duration) == (0, "", 0)
    assert meeting.start_time is None
    assert meeting.password == ""
    assert meeting.type == 2


def test_the_start_url_is_never_kept_and_the_passcode_is_not_in_the_repr():
    meeting = ZoomMeeting.from_api(meeting_json(password="Secret99"))
    assert not hasattr(meeting, "start_url")
    assert START_URL not in repr(meeting)
    assert "Secret99" not in repr(meeting)


@pytest.mark.parametrize(("text", "expected"), [
    ("2026-11-25T01:00:00Z", datetime(2026, 11, 25, 1, tzinfo=UTC)),
    ("2026-11-25T09:00:00+08:00", datetime(2026, 11, 25, 1, tzinfo=UTC)),
    ("2026-11-25T01:00:00", datetime(2026, 11, 25, 1, tzinfo=UTC)),
    ("", None),
    ("tomorrow", None),
    (None, None),
])
def test_zoom_times_are_read_as_utc(text, expected):
    assert parse_zoom_time(text) == expected
    if expected is not None:
        assert parse_zoom_time(text).utcoffset() == timedelta(0)


def test_a_wita_time_is_formatted_as_utc_with_z():
    wita = timezone(timedelta(hours=8))
    assert format_zoom_time(datetime(2026, 11, 25, 9, 0, tzinfo=wita)) == "2026-11-25T01:00:00Z"
    assert format_zoom_time(datetime(2026, 11, 25, 0, 30, tzinfo=wita)) == "2026-11-24T16:30:00Z"


def test_a_naive_time_is_refused():
    with pytest.raises(ValueError, match="timezone-aware"):
        format_zoom_time(datetime(2026, 11, 25, 9, 0))


def test_a_user_is_parsed_with_its_licence_and_name():
    user = ZoomUser.from_api({"id": "u1", "email": "a@b.go.id", "type": 2, "status": "active",
                              "first_name": "Zoom", "last_name": "Satu", "extra": True})
    assert (user.id, user.email, user.type, user.licensed) == ("u1", "a@b.go.id", 2, True)
    assert user.display_name == "Zoom Satu"


def test_a_basic_user_or_a_user_without_type_is_not_licensed():
    assert ZoomUser.from_api({"id": "u2", "type": 1}).licensed is False
    assert ZoomUser.from_api({"id": "u3"}).licensed is False


def test_a_user_display_name_wins_over_first_and_last_name():
    user = ZoomUser.from_api({"id": "u", "display_name": "Kominfo", "first_name": "A"})
    assert user.display_name == "Kominfo"


def test_a_new_meeting_holds_what_the_service_asks_for():
    start = datetime(2026, 11, 25, 1, tzinfo=UTC)
    meeting = NewMeeting("Rapat", start, 30)
    assert (meeting.topic, meeting.start, meeting.duration_minutes, meeting.agenda) == (
        "Rapat", start, 30, "")
