"""The operations of :class:`ZoomClient`: create/update bodies, get, delete, listings."""

from __future__ import annotations

import json
import re
from dataclasses import asdict, fields
from datetime import UTC, datetime
from urllib.parse import parse_qs, urlsplit
from zoneinfo import ZoneInfo

import pytest
import responses
from responses import matchers
from zoom_support import (
    API,
    HOST,
    MEETING_ID,
    SETTINGS,
    START_URL,
    api_calls,
    make_client,
    meeting_json,
    settings,
    zoom_error,
)

from zoomsvc.config import MeetingSettings, PasscodePolicy
from zoomsvc.zoom import NewMeeting, ZoomMeeting, ZoomNotFound, ZoomValidationError

WITA = ZoneInfo("Asia/Makassar")
MEETING_URL = f"{API}/meetings/{MEETING_ID}"
CREATE_URL = f"{API}/users/{HOST}/meetings"
NEW = NewMeeting("Rapat Koordinasi Kominfo", datetime(2026, 11, 25, 9, 0, tzinfo=WITA), 90,
                 agenda="Pembahasan anggaran")
EXPIRED_TOKEN = zoom_error(300, "The next page token is invalid or expired.")


@pytest.fixture
def client(fake):
    return make_client(fake)


def sent_json(call) -> dict:
    return json.loads(call.request.body)


def query_of(call) -> dict[str, list[str]]:
    return parse_qs(urlsplit(call.request.url).query)


# --- create ----------------------------------------------------------------------------------


def test_a_create_sends_a_scheduled_meeting_with_utc_start_and_the_configured_zone(rsps, client):
    rsps.add(responses.POST, CREATE_URL, status=201, json=meeting_json())
    client.create_meeting(HOST, NEW)
    body = sent_json(api_calls(rsps, "POST")[0])
    assert body["type"] == 2
    assert body["start_time"] == "2026-11-25T01:00:00Z"  # 09:00 WITA is 01:00 UTC
    assert body["timezone"] == SETTINGS.timezone == "Asia/Singapore"
    assert body["topic"] == "Rapat Koordinasi Kominfo"
    assert body["duration"] == 90
    assert body["agenda"] == "Pembahasan anggaran"
    assert body["settings"] == asdict(SETTINGS.settings)


def test_the_create_goes_to_the_hosts_meetings_path(rsps, client):
    rsps.add(responses.POST, CREATE_URL, status=201, json=meeting_json())
    client.create_meeting(HOST, NEW)
    call = api_calls(rsps, "POST")[0]
    assert urlsplit(call.request.url).path == f"/v2/users/{HOST}/meetings"
    assert call.request.headers["Content-Type"] == "application/json"


def test_a_host_id_with_unsafe_characters_stays_one_path_segment(rsps, client):
    rsps.add(responses.POST, f"{API}/users/a%2Fb%3Fc/meetings", status=201, json=meeting_json())
    client.create_meeting("a/b?c", NEW)
    assert urlsplit(api_calls(rsps, "POST")[0].request.url).path == "/v2/users/a%2Fb%3Fc/meetings"


def test_a_naive_start_time_is_refused_before_anything_is_sent(rsps, client):
    naive = NewMeeting("Rapat", datetime(2026, 11, 25, 9, 0), 30)
    with pytest.raises(ValueError, match="timezone-aware"):
        client.create_meeting(HOST, naive)
    assert api_calls(rsps) == []


def test_meeting_settings_come_from_the_configuration(rsps, fake):
    custom = MeetingSettings(waiting_room=False, join_before_host=True, mute_upon_entry=False,
                             auto_recording="cloud", approval_type=2, meeting_authentication=True)
    client = make_client(fake, settings(settings=custom, timezone="Asia/Jakarta"))
    rsps.add(responses.POST, CREATE_URL, status=201, json=meeting_json())
    client.create_meeting(HOST, NEW)
    body = sent_json(api_calls(rsps, "POST")[0])
    assert body["settings"] == {
        "waiting_room": False, "join_before_host": True, "mute_upon_entry": False,
        "auto_recording": "cloud", "approval_type": 2, "meeting_authentication": True,
    }
    assert body["timezone"] == "Asia/Jakarta"
    assert body["start_time"].endswith("Z")


def test_a_generated_passcode_follows_the_default_policy(rsps, client):
    rsps.add(responses.POST, CREATE_URL, status=201, json=meeting_json())
    client.create_meeting(HOST, NEW)
    password = sent_json(api_calls(rsps, "POST")[0])["password"]
    assert len(password) == SETTINGS.passcode.length
    assert len(password) <= 10
    assert set(password) <= set(SETTINGS.passcode.alphabet)
    assert re.fullmatch(r"[A-Za-z0-9@_*-]+", password)


def test_a_numeric_only_policy_gives_a_numeric_passcode(rsps, fake):
    policy = PasscodePolicy(length=10, numeric_only=True)
    client = make_client(fake, settings(passcode=policy))
    rsps.add(responses.POST, CREATE_URL, status=201, json=meeting_json())
    client.create_meeting(HOST, NEW)
    password = sent_json(api_calls(rsps, "POST")[0])["password"]
    assert re.fullmatch(r"[0-9]{10}", password)


def test_a_passcode_given_by_the_caller_is_sent_as_is(rsps, client):
    rsps.add(responses.POST, CREATE_URL, status=201, json=meeting_json())
    client.create_meeting(HOST, NEW, passcode="Kominfo-1")
    assert sent_json(api_calls(rsps, "POST")[0])["password"] == "Kominfo-1"


def test_the_passcode_kept_is_the_one_zoom_returns_not_the_one_sent(rsps, client):
    rsps.add(responses.POST, CREATE_URL, status=201,
             json=meeting_json(password="Zoom8chg"))
    meeting = client.create_meeting(HOST, NEW, passcode="Sent1234")
    assert sent_json(api_calls(rsps, "POST")[0])["password"] == "Sent1234"
    assert meeting.password == "Zoom8chg"


def test_the_created_meeting_keeps_its_int64_id_and_drops_the_start_url(rsps, client):
    rsps.add(responses.POST, CREATE_URL, status=201, json=meeting_json())
    meeting = client.create_meeting(HOST, NEW)
    assert meeting.id == 81234567890123
    assert meeting.id > 2**31
    assert not hasattr(meeting, "start_url")
    assert "start_url" not in {f.name for f in fields(ZoomMeeting)}
    assert START_URL not in repr(meeting)
    assert START_URL not in str(asdict(meeting))
    assert meeting.start_time == datetime(2026, 11, 25, 1, 0, tzinfo=UTC)
    assert meeting.join_url.startswith("https://zoom.us/j/81234567890123")


def test_a_created_meeting_given_as_a_string_id_still_parses(rsps, client):
    rsps.add(responses.POST, CREATE_URL, status=201,
             json=meeting_json(id="81234567890123"))
    assert client.create_meeting(HOST, NEW).id == MEETING_ID


# --- get, start_url, update, delete, end -----------------------------------------------------


def test_get_meeting_returns_the_status_and_times_in_utc(rsps, client):
    rsps.add(responses.GET, MEETING_URL, json=meeting_json(status="started"))
    meeting = client.get_meeting(MEETING_ID)
    assert meeting.status == "started"
    assert meeting.start_time == datetime(2026, 11, 25, 1, tzinfo=UTC)
    assert urlsplit(api_calls(rsps)[0].request.url).path == f"/v2/meetings/{MEETING_ID}"


def test_start_url_fetches_a_fresh_url_each_time(rsps, client):
    rsps.add(responses.GET, MEETING_URL, json=meeting_json(start_url=START_URL + "a"))
    rsps.add(responses.GET, MEETING_URL, json=meeting_json(start_url=START_URL + "b"))
    assert client.start_url(MEETING_ID) == START_URL + "a"
    assert client.start_url(MEETING_ID) == START_URL + "b"
    assert len(api_calls(rsps)) == 2


def test_start_url_is_empty_when_zoom_omits_it(rsps, client):
    body = meeting_json()
    del body["start_url"]
    rsps.add(responses.GET, MEETING_URL, json=body)
    assert client.start_url(MEETING_ID) == ""


def test_an_update_sends_only_the_changed_fields_with_utc_start_and_zone(rsps, client):
    rsps.add(responses.PATCH, MEETING_URL, status=204)
    client.update_meeting(MEETING_ID, start=datetime(2026, 11, 26, 14, 30, tzinfo=WITA),
                          duration_minutes=45)
    assert sent_json(api_calls(rsps, "PATCH")[0]) == {
        "start_time": "2026-11-26T06:30:00Z", "timezone": "Asia/Singapore", "duration": 45,
    }


def test_an_update_of_topic_and_agenda_leaves_the_time_alone(rsps, client):
    rsps.add(responses.PATCH, MEETING_URL, status=204)
    client.update_meeting(MEETING_ID, topic="Topik baru", agenda="Agenda baru")
    assert sent_json(api_calls(rsps, "PATCH")[0]) == {"topic": "Topik baru",
                                                      "agenda": "Agenda baru"}


def test_an_update_with_nothing_to_change_is_refused_without_a_call(rsps, client):
    with pytest.raises(ValueError, match="nothing to update"):
        client.update_meeting(MEETING_ID)
    assert api_calls(rsps) == []


def test_an_update_of_a_missing_meeting_raises_not_found(rsps, client):
    rsps.add(responses.PATCH, MEETING_URL, status=404,
             json=zoom_error(3001, "Meeting does not exist: 81234567890123."))
    with pytest.raises(ZoomNotFound):
        client.update_meeting(MEETING_ID, topic="x")


def test_a_delete_sends_no_reminder_emails_and_reports_success(rsps, client):
    rsps.add(responses.DELETE, MEETING_URL, status=204)
    assert client.delete_meeting(MEETING_ID) is True
    assert query_of(api_calls(rsps)[0]) == {"schedule_for_reminder": ["false"],
                                            "cancel_meeting_reminder": ["false"]}


def test_deleting_a_missing_meeting_with_missing_ok_returns_false(rsps, client):
    rsps.add(responses.DELETE, MEETING_URL, status=404,
             json=zoom_error(3001, "Meeting does not exist: 81234567890123."))
    assert client.delete_meeting(MEETING_ID, missing_ok=True) is False
    assert len(api_calls(rsps)) == 1


def test_deleting_a_missing_meeting_without_missing_ok_raises_not_found(rsps, client):
    rsps.add(responses.DELETE, MEETING_URL, status=404,
             json=zoom_error(3001, "Meeting does not exist: 81234567890123."))
    with pytest.raises(ZoomNotFound) as caught:
        client.delete_meeting(MEETING_ID)
    assert caught.value.code == 3001


def test_ending_a_meeting_puts_the_end_action(rsps, client):
    rsps.add(responses.PUT, f"{MEETING_URL}/status", status=204,
             match=[matchers.json_params_matcher({"action": "end"})])
    client.end_meeting(MEETING_ID)
    assert len(api_calls(rsps, "PUT")) == 1


# --- listings --------------------------------------------------------------------------------


def page_matcher(token: str | None, **params: str):
    query = {**params, "page_size": "300"}
    if token:
        query["next_page_token"] = token
    return [matchers.query_param_matcher(query)]


def add_meeting_pages(rsps, url: str, pages: list[list[int]], tokens: list[str]) -> None:
    """Register pages of meetings: page ``i`` is asked for with ``tokens[i-1]`` and hands out
    ``tokens[i]`` (the first page is asked for without a token, the last hands out none)."""
    asked = [None, *tokens]
    for index, ids in enumerate(pages):
        nxt = tokens[index] if index < len(tokens) else ""
        rsps.add(responses.GET, url, match=page_matcher(asked[index], type="upcoming"), json={
            "page_size": 300, "total_records": sum(map(len, pages)), "next_page_token": nxt,
            "meetings": [meeting_json(id=i, start_url=START_URL) for i in ids],
        })


def test_list_upcoming_follows_next_page_tokens_across_three_pages(rsps, client):
    url = f"{API}/users/{HOST}/meetings"
    add_meeting_pages(rsps, url, [[1, 2], [3, 4], [5]], ["tok-2", "tok-3"])
    meetings = client.list_upcoming(HOST)
    assert [m.id for m in meetings] == [1, 2, 3, 4, 5]
    queries = [query_of(c) for c in api_calls(rsps)]
    assert [q.get("next_page_token") for q in queries] == [None, ["tok-2"], ["tok-3"]]
    assert all(q["page_size"] == ["300"] and q["type"] == ["upcoming"] for q in queries)


def test_list_users_follows_next_page_tokens_across_three_pages(rsps, client):
    def users(*ids: int) -> list[dict]:
        return [{"id": f"u{i}", "email": f"u{i}@kominfo.go.id", "type": 2 if i % 2 else 1,
                 "status": "active", "first_name": "Host", "last_name": str(i)} for i in ids]

    for asked, nxt, ids in ((None, "p2", (1, 2)), ("p2", "p3", (3,)), ("p3", "", (4, 5))):
        rsps.add(responses.GET, f"{API}/users", match=page_matcher(asked, status="active"),
                 json={"page_size": 300, "next_page_token": nxt, "users": users(*ids)})
    listed = client.list_users()
    assert [u.id for u in listed] == ["u1", "u2", "u3", "u4", "u5"]
    assert [u.licensed for u in listed] == [True, False, True, False, True]
    assert listed[2].display_name == "Host 3"
    assert len(api_calls(rsps)) == 3


def test_an_expired_page_token_mid_listing_restarts_the_listing_once(rsps, client):
    url = f"{API}/users/{HOST}/meetings"
    first = {"next_page_token": "old-2", "meetings": [meeting_json(id=1), meeting_json(id=2)]}
    rsps.add(responses.GET, url, match=page_matcher(None, type="upcoming"), json=first)
    rsps.add(responses.GET, url, match=page_matcher("old-2", type="upcoming"), status=400,
             json=EXPIRED_TOKEN)
    # The restarted listing gets fresh tokens.
    rsps.add(responses.GET, url, match=page_matcher(None, type="upcoming"),
             json={"next_page_token": "new-2", "meetings": [meeting_json(id=1),
                                                            meeting_json(id=2)]})
    rsps.add(responses.GET, url, match=page_matcher("new-2", type="upcoming"),
             json={"next_page_token": "", "meetings": [meeting_json(id=3)]})
    assert [m.id for m in client.list_upcoming(HOST)] == [1, 2, 3]
    tokens = [query_of(c).get("next_page_token") for c in api_calls(rsps)]
    assert tokens == [None, ["old-2"], None, ["new-2"]]


def test_a_page_token_expiring_twice_raises_the_validation_error(rsps, client):
    url = f"{API}/users/{HOST}/meetings"
    rsps.add(responses.GET, url, match=page_matcher(None, type="upcoming"),
             json={"next_page_token": "tok-2", "meetings": [meeting_json(id=1)]})
    rsps.add(responses.GET, url, match=page_matcher("tok-2", type="upcoming"), status=400,
             json=EXPIRED_TOKEN)
    with pytest.raises(ZoomValidationError):
        client.list_upcoming(HOST)
    assert len(api_calls(rsps)) == 4


def test_a_validation_error_on_the_first_page_is_not_retried(rsps, client):
    url = f"{API}/users/{HOST}/meetings"
    rsps.add(responses.GET, url, status=400, json=zoom_error(300, "Invalid field: type."))
    with pytest.raises(ZoomValidationError):
        client.list_upcoming(HOST)
    assert len(api_calls(rsps)) == 1


def test_listing_the_meetings_of_an_unknown_user_raises_not_found_1001(rsps, client):
    rsps.add(responses.GET, f"{API}/users/ghost@kominfo.go.id/meetings", status=404,
             json=zoom_error(1001, "User does not exist: ghost@kominfo.go.id."))
    with pytest.raises(ZoomNotFound) as caught:
        client.list_upcoming("ghost@kominfo.go.id")
    assert caught.value.code == 1001


def test_an_empty_listing_or_a_missing_list_gives_no_meetings(rsps, client):
    url = f"{API}/users/{HOST}/meetings"
    rsps.add(responses.GET, url, json={"page_size": 300, "total_records": 0})
    rsps.add(responses.GET, url, json={"meetings": None, "next_page_token": ""})
    assert client.list_upcoming(HOST) == []
    assert client.list_upcoming(HOST) == []
