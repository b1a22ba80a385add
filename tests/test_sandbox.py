"""The Zoom sandbox answers like Zoom (docs/zoom-facts.md): OAuth, users, meetings, lists and
contracts."""

from __future__ import annotations

import json
import re

import pytest
from openapi_contract import validate_request_body, validate_response
from sandbox_support import (
    BASE,
    HOST1,
    HOST2,
    Sandbox,
    basic_auth,
    make_sandbox,
    token_query,
)

from zoomsvc.zoom.sandbox.app import SCOPES

XML_PASSWORD_ERROR = ('<?xml version="1.0" encoding="UTF-8"?><result><code>300</code>'
                      "<message>Invalid parameter: password.</message></result>")


@pytest.fixture
def sbx() -> Sandbox:
    return make_sandbox()


# Identity and OAuth ---------------------------------------------------------------------------

def test_home_page_says_it_is_the_zoomsvc_sandbox_and_not_zoom() -> None:
    answer = make_sandbox(sign_in=False).client.get("/")
    text = answer.get_data(as_text=True)
    assert answer.status_code == 200
    assert answer.mimetype == "text/plain"
    assert "zoomsvc Zoom sandbox" in text
    assert "NOT Zoom" in text


def test_every_answer_carries_the_sandbox_header_and_a_fresh_tracking_id(sbx: Sandbox) -> None:
    answers = [sbx.client.get("/"), sbx.client.get("/v2/users"), sbx.get("/v2/meetings/1"),
               sbx.client.post(token_query(), headers=basic_auth(secret="nope"))]
    assert [a.headers["X-Zoomsvc-Sandbox"] for a in answers] == ["1"] * 4
    tracking = {a.headers["x-zm-trackingid"] for a in answers}
    assert len(tracking) == 4


def test_token_is_issued_for_the_demo_credentials(sbx: Sandbox) -> None:
    answer = sbx.client.post(token_query(), headers=basic_auth())
    body = answer.get_json()
    assert answer.status_code == 200
    assert body["token_type"] == "bearer"
    assert body["expires_in"] == 3600
    assert body["scope"] == SCOPES
    assert "meeting:write:meeting:admin" in body["scope"].split()
    assert len(body["access_token"]) >= 32
    assert body["access_token"] != sbx.token


def test_token_parameters_may_come_in_the_form_body(sbx: Sandbox) -> None:
    answer = sbx.client.post("/oauth/token", headers=basic_auth(), data={
        "grant_type": "account_credentials", "account_id": "sandbox-account"})
    assert answer.status_code == 200
    assert sbx.client.get("/v2/users", headers={
        "Authorization": f"Bearer {answer.get_json()['access_token']}"}).status_code == 200


@pytest.mark.parametrize(("client_id", "secret"), [("sandbox-client", "wrong"),
                                                   ("someone-else", "sandbox-secret")])
def test_bad_client_credentials_are_refused_with_invalid_client(
        sbx: Sandbox, client_id: str, secret: str) -> None:
    answer = sbx.client.post(token_query(), headers=basic_auth(client_id, secret))
    assert answer.status_code == 401
    assert answer.get_json() == {"reason": "Invalid client_id or client_secret",
                                 "error": "invalid_client"}


def test_token_request_without_basic_auth_is_refused_with_invalid_client(sbx: Sandbox) -> None:
    answer = sbx.client.post(token_query())
    assert answer.status_code == 401
    assert answer.get_json()["error"] == "invalid_client"


@pytest.mark.parametrize("query", [token_query(grant="client_credentials"),
                                   token_query(account="another-account"),
                                   "/oauth/token?grant_type=account_credentials"])
def test_wrong_grant_type_or_account_is_a_400_invalid_request(sbx: Sandbox, query: str) -> None:
    answer = sbx.client.post(query, headers=basic_auth())
    assert answer.status_code == 400
    assert answer.get_json()["error"] == "invalid_request"
    assert answer.get_json()["reason"]


def test_token_requests_are_counted_in_stats(sbx: Sandbox) -> None:
    sbx.client.post(token_query(), headers=basic_auth(secret="bad"))
    sbx.sign_in()
    assert sbx.stats()["token_requests"] == 3


@pytest.mark.parametrize("header", [None, "Bearer not-a-token", "Basic c2FuZGJveDpzZWNyZXQ=",
                                    "Bearer "])
def test_missing_or_unknown_token_is_refused_with_code_124(sbx: Sandbox,
                                                            header: str | None) -> None:
    headers = {"Authorization": header} if header else {}
    answer = sbx.client.get("/v2/users", headers=headers)
    assert answer.status_code == 401
    assert answer.get_json() == {"code": 124, "message": "Invalid access token."}


def test_expired_token_is_refused_with_code_124(sbx: Sandbox) -> None:
    sbx.clock.advance(3599)
    assert sbx.get("/v2/users").status_code == 200
    sbx.clock.advance(1)
    answer = sbx.get("/v2/users")
    assert answer.status_code == 401
    assert answer.get_json()["code"] == 124
    sbx.sign_in()
    assert sbx.get("/v2/users").status_code == 200


def test_token_ttl_option_sets_expires_in_and_the_lifetime() -> None:
    sbx = make_sandbox(sign_in=False, token_ttl=120)
    answer = sbx.client.post(token_query(), headers=basic_auth())
    assert answer.get_json()["expires_in"] == 120
    sbx.token = answer.get_json()["access_token"]
    sbx.clock.advance(121)
    assert sbx.get("/v2/users").get_json()["code"] == 124


def test_expire_tokens_fault_invalidates_every_current_token(sbx: Sandbox) -> None:
    old = sbx.token
    assert sbx.faults(expire_tokens=True).status_code == 200
    assert sbx.get("/v2/users").status_code == 401
    assert sbx.sign_in() != old
    assert sbx.get("/v2/users").status_code == 200


# Users ----------------------------------------------------------------------------------------

def test_users_list_holds_the_demo_hosts_with_licence_types(sbx: Sandbox) -> None:
    body = sbx.get("/v2/users?status=active&page_size=300").get_json()
    assert body["total_records"] == 3
    assert body["next_page_token"] == ""
    assert [(u["id"], u["email"], u["type"]) for u in body["users"]] == [
        ("sbx_user_1", HOST1, 2), ("sbx_user_2", HOST2, 2),
        ("sbx_user_3", "zoom3@kominfo.tarakankota.go.id", 1)]
    first = body["users"][0]
    assert first["status"] == "active"
    assert (first["first_name"], first["last_name"]) == ("Zoom", "1")
    assert first["timezone"] == "Asia/Singapore"


def test_users_list_pages_with_a_next_page_token(sbx: Sandbox) -> None:
    first = sbx.get("/v2/users?page_size=2").get_json()
    assert len(first["users"]) == 2
    assert first["page_size"] == 2
    second = sbx.get(f"/v2/users?page_size=2&next_page_token={first['next_page_token']}")
    assert [u["id"] for u in second.get_json()["users"]] == ["sbx_user_3"]
    assert second.get_json()["next_page_token"] == ""


@pytest.mark.parametrize("user", ["sbx_user_1", HOST1, HOST1.upper()])
def test_a_user_is_addressed_by_id_or_case_insensitive_email(sbx: Sandbox, user: str) -> None:
    meeting = sbx.create_ok(user)
    assert meeting["host_id"] == "sbx_user_1"
    assert meeting["host_email"] == HOST1
    assert sbx.get(f"/v2/users/{user}/meetings").get_json()["total_records"] == 1


def test_unknown_user_is_404_code_1001(sbx: Sandbox) -> None:
    for answer in (sbx.create("nobody@example.org"), sbx.get("/v2/users/nobody/meetings")):
        assert answer.status_code == 404
    assert answer.get_json() == {"code": 1001, "message": "User does not exist: nobody."}


# Create -----------------------------------------------------------------------------------------

def test_create_answers_201_with_zoom_meeting_fields(sbx: Sandbox) -> None:
    answer = sbx.create(agenda="[zoomsvc:REQ-1]", settings={"waiting_room": True,
                                                             "join_before_host": True})
    meeting = answer.get_json()
    assert answer.status_code == 201
    assert isinstance(meeting["id"], int)
    assert 10**10 <= meeting["id"] < 10**11
    assert meeting["uuid"].endswith("==")
    assert meeting["status"] == "waiting"
    assert meeting["type"] == 2
    assert meeting["start_time"] == "2030-03-06T02:00:00Z"
    assert meeting["created_at"] == "2030-03-05T01:00:00Z"
    assert meeting["agenda"] == "[zoomsvc:REQ-1]"
    assert meeting["pre_schedule"] is False
    assert re.fullmatch(r"\d{6}", meeting["password"])
    assert meeting["h323_password"] == meeting["pstn_password"] == meeting["password"]
    assert meeting["join_url"] == (
        f"{BASE}/j/{meeting['id']}?pwd={meeting['encrypted_password']}")
    assert meeting["start_url"].startswith(f"{BASE}/s/{meeting['id']}?zak=")
    # The waiting room switches join-before-host off, as on Zoom.
    assert meeting["settings"]["waiting_room"] is True
    assert meeting["settings"]["join_before_host"] is False
    assert meeting["settings"]["auto_recording"] == "none"
    assert sbx.stats()["creates"] == 1


def test_start_time_with_z_is_utc_and_without_z_is_local_time_in_timezone(sbx: Sandbox) -> None:
    local = sbx.create_ok(start_time="2030-03-06T09:00:00", timezone="Asia/Jakarta")
    utc = sbx.create_ok(start_time="2030-03-06T09:00:00Z", timezone="Asia/Jakarta")
    assert local["start_time"] == "2030-03-06T02:00:00Z"
    assert utc["start_time"] == "2030-03-06T09:00:00Z"
    assert local["timezone"] == utc["timezone"] == "Asia/Jakarta"


def test_local_start_time_without_timezone_uses_the_users_timezone(sbx: Sandbox) -> None:
    body = {"topic": "t", "type": 2, "start_time": "2030-03-06T10:00:00", "duration": 30}
    meeting = sbx.client.post(f"/v2/users/{HOST1}/meetings", json=body,
                              headers=sbx.auth).get_json()
    assert meeting["start_time"] == "2030-03-06T02:00:00Z"
    assert meeting["timezone"] == "Asia/Singapore"


def test_scheduled_meeting_without_start_time_becomes_an_instant_meeting(sbx: Sandbox) -> None:
    body = {"topic": "Tanpa jadwal", "type": 2, "duration": 30}
    answer = sbx.client.post(f"/v2/users/{HOST1}/meetings", json=body, headers=sbx.auth)
    meeting = answer.get_json()
    assert answer.status_code == 201
    assert meeting["type"] == 1
    assert meeting["start_time"] == "2030-03-05T01:00:00Z"
    listed = sbx.get(f"/v2/users/{HOST1}/meetings?type=scheduled").get_json()
    assert listed["total_records"] == 0


def test_an_instant_meeting_ignores_start_time_and_starts_at_creation(sbx: Sandbox) -> None:
    meeting = sbx.create_ok(type=1, start_time="2030-04-01T00:00:00Z")
    assert meeting["type"] == 1
    assert meeting["start_time"] == "2030-03-05T01:00:00Z"
    assert sbx.get(f"/v2/users/{HOST1}/meetings?type=upcoming").get_json()["meetings"] == []


def test_timezone_not_on_zooms_list_is_400_code_300(sbx: Sandbox) -> None:
    answer = sbx.create(timezone="Asia/Makassar")
    assert answer.status_code == 400
    assert answer.get_json()["code"] == 300
    assert answer.get_json()["errors"][0]["field"] == "timezone"


@pytest.mark.parametrize(("field", "limit"), [("topic", 200), ("agenda", 2000)])
def test_too_long_topic_or_agenda_is_400_naming_the_field(sbx: Sandbox, field: str,
                                                          limit: int) -> None:
    assert sbx.create(**{field: "x" * limit}).status_code == 201
    answer = sbx.create(**{field: "x" * (limit + 1)})
    body = answer.get_json()
    assert answer.status_code == 400
    assert body["code"] == 300
    assert body["message"] == "Validation Failed."
    assert [e["field"] for e in body["errors"]] == [field]


@pytest.mark.parametrize("password", ["12345678901", "pass word", "pässwort", "abc#1", 123456])
def test_bad_password_gets_zooms_xml_error_body(sbx: Sandbox, password: object) -> None:
    answer = sbx.create(password=password)
    assert answer.status_code == 400
    assert answer.mimetype == "application/xml"
    assert answer.get_data(as_text=True) == XML_PASSWORD_ERROR
    with pytest.raises(json.JSONDecodeError):
        json.loads(answer.get_data(as_text=True))
    assert sbx.stats()["live_meetings"] == 0


def test_password_from_the_safe_alphabet_is_kept_and_gets_numeric_twins(sbx: Sandbox) -> None:
    meeting = sbx.create_ok(password="Ab@_*-9z")
    assert meeting["password"] == "Ab@_*-9z"
    assert re.fullmatch(r"\d{6,}", meeting["h323_password"])


@pytest.mark.parametrize("duration", [0, -5, "60", 1.5, True, None])
def test_duration_must_be_a_positive_integer(sbx: Sandbox, duration: object) -> None:
    answer = sbx.create(duration=duration)
    assert answer.status_code == 400
    assert answer.get_json()["errors"][0]["field"] == "duration"


@pytest.mark.parametrize("body", ["[1, 2]", '"text"', "{not json", ""])
def test_body_that_is_not_a_json_object_is_400_code_300(sbx: Sandbox, body: str) -> None:
    answer = sbx.client.post(f"/v2/users/{HOST1}/meetings", data=body,
                             content_type="application/json", headers=sbx.auth)
    assert answer.status_code == 400
    assert answer.get_json()["code"] == 300


# Get, update, delete, status ----------------------------------------------------------------------

def test_get_returns_the_meeting_with_a_fresh_start_url(sbx: Sandbox) -> None:
    created = sbx.create_ok()
    first = sbx.get(f"/v2/meetings/{created['id']}")
    second = sbx.get(f"/v2/meetings/{created['id']}").get_json()
    assert first.status_code == 200
    got = first.get_json()
    for key in ("id", "uuid", "topic", "start_time", "password", "join_url", "settings"):
        assert got[key] == created[key]
    assert len({created["start_url"], got["start_url"], second["start_url"]}) == 3


@pytest.mark.parametrize("method", ["get", "patch", "delete"])
def test_unknown_or_deleted_meeting_is_404_code_3001(sbx: Sandbox, method: str) -> None:
    meeting_id = sbx.create_ok()["id"]
    assert sbx.delete(meeting_id).status_code == 204
    for target in (meeting_id, 12345678901, "abc"):
        call = getattr(sbx.client, method)
        kwargs = {"json": {"topic": "x"}} if method == "patch" else {}
        answer = call(f"/v2/meetings/{target}", headers=sbx.auth, **kwargs)
        assert answer.status_code == 404
        assert answer.get_json() == {"code": 3001, "message": f"Meeting does not exist: {target}."}


def test_patch_updates_fields_and_answers_204(sbx: Sandbox) -> None:
    meeting = sbx.create_ok()
    answer = sbx.patch(meeting["id"], {"topic": "Baru", "start_time": "2030-03-07T08:00:00",
                                       "timezone": "Asia/Jakarta", "duration": 90,
                                       "settings": {"mute_upon_entry": True}})
    assert answer.status_code == 204
    assert answer.get_data() == b""
    got = sbx.get(f"/v2/meetings/{meeting['id']}").get_json()
    assert (got["topic"], got["duration"]) == ("Baru", 90)
    assert got["start_time"] == "2030-03-07T01:00:00Z"
    assert got["settings"]["mute_upon_entry"] is True
    assert got["settings"]["auto_recording"] == "none"
    assert sbx.stats()["updates"] == 1


def test_patch_validates_fields_like_create(sbx: Sandbox) -> None:
    meeting_id = sbx.create_ok()["id"]
    too_long = sbx.patch(meeting_id, {"topic": "x" * 201})
    assert (too_long.status_code, too_long.get_json()["errors"][0]["field"]) == (400, "topic")
    bad_password = sbx.patch(meeting_id, {"password": "way-too-long-passcode"})
    assert bad_password.get_data(as_text=True) == XML_PASSWORD_ERROR
    assert sbx.patch(meeting_id, ["topic"]).get_json()["code"] == 300
    assert sbx.get(f"/v2/meetings/{meeting_id}").get_json()["topic"] == "Rapat koordinasi"


def test_patch_with_a_start_time_turns_an_instant_meeting_into_a_scheduled_one(
        sbx: Sandbox) -> None:
    meeting = sbx.create_ok(type=1)
    assert meeting["type"] == 1
    sbx.patch(meeting["id"], {"type": 2, "start_time": "2030-03-08T02:00:00Z"})
    assert sbx.get(f"/v2/meetings/{meeting['id']}").get_json()["type"] == 2


def test_delete_answers_204_and_accepts_zooms_query_parameters(sbx: Sandbox) -> None:
    meeting_id = sbx.create_ok()["id"]
    answer = sbx.delete(meeting_id, "?schedule_for_reminder=false&cancel_meeting_reminder=false")
    assert answer.status_code == 204
    assert sbx.delete(meeting_id, "?occurrence_id=1").status_code == 404
    assert sbx.stats()["deletes"] == 1
    assert sbx.stats()["live_meetings"] == 0


def test_end_status_answers_204_and_recover_brings_back_a_deleted_meeting(sbx: Sandbox) -> None:
    meeting_id = sbx.create_ok()["id"]
    path = f"/v2/meetings/{meeting_id}/status"
    assert sbx.client.put(path, json={"action": "end"}, headers=sbx.auth).status_code == 204
    bad = sbx.client.put(path, json={"action": "pause"}, headers=sbx.auth)
    assert (bad.status_code, bad.get_json()["code"]) == (400, 300)
    sbx.delete(meeting_id)
    assert sbx.client.put(path, json={"action": "end"}, headers=sbx.auth).status_code == 404
    assert sbx.client.put(path, json={"action": "recover"}, headers=sbx.auth).status_code == 204
    assert sbx.get(f"/v2/meetings/{meeting_id}").status_code == 200


def test_a_meeting_expires_thirty_days_after_its_date(sbx: Sandbox) -> None:
    meeting_id = sbx.create_ok()["id"]  # starts one day after START
    sbx.clock.advance(30 * 86400)
    sbx.sign_in()
    assert sbx.get(f"/v2/meetings/{meeting_id}").status_code == 200
    sbx.clock.advance(86400 + 3600)
    sbx.sign_in()
    assert sbx.get(f"/v2/meetings/{meeting_id}").get_json()["code"] == 3001


# Lists ------------------------------------------------------------------------------------------

def test_upcoming_drops_ended_meetings_while_scheduled_keeps_them(sbx: Sandbox) -> None:
    ended = sbx.create_ok(start_time="2030-03-05T00:00:00Z", duration=30)
    running = sbx.create_ok(start_time="2030-03-05T00:30:00Z", duration=60)
    later = sbx.create_ok(start_time="2030-03-06T00:00:00Z")
    far = sbx.create_ok(start_time="2030-12-01T00:00:00Z")  # beyond Zoom's ~6 month horizon
    upcoming = sbx.get(f"/v2/users/{HOST1}/meetings?type=upcoming").get_json()
    scheduled = sbx.get(f"/v2/users/{HOST1}/meetings?type=scheduled").get_json()
    assert [m["id"] for m in upcoming["meetings"]] == [running["id"], later["id"]]
    assert [m["id"] for m in scheduled["meetings"]] == [
        ended["id"], running["id"], later["id"], far["id"]]
    assert sbx.get(f"/v2/users/{HOST1}/meetings").get_json()["total_records"] == 4


def test_list_items_carry_zooms_list_fields_including_agenda(sbx: Sandbox) -> None:
    sbx.create_ok(agenda="[zoomsvc:REQ-7]")
    item = sbx.get(f"/v2/users/{HOST1}/meetings?type=upcoming").get_json()["meetings"][0]
    assert set(item) == {"uuid", "id", "host_id", "topic", "type", "start_time", "duration",
                         "timezone", "agenda", "created_at", "join_url"}
    assert item["agenda"] == "[zoomsvc:REQ-7]"


def test_list_is_ordered_by_start_time_and_only_holds_the_hosts_meetings(sbx: Sandbox) -> None:
    late = sbx.create_ok(start_time="2030-03-09T00:00:00Z")
    early = sbx.create_ok(start_time="2030-03-07T00:00:00Z")
    sbx.create_ok(HOST2)
    listed = sbx.get(f"/v2/users/{HOST1}/meetings?type=upcoming").get_json()
    assert [m["id"] for m in listed["meetings"]] == [early["id"], late["id"]]


def test_list_pages_across_pages_with_an_opaque_token(sbx: Sandbox) -> None:
    made = [sbx.create_ok(start_time=f"2030-03-{day:02d}T02:00:00Z")["id"] for day in range(6, 13)]
    seen: list[int] = []
    token, pages = "", 0
    while True:
        page = sbx.get(f"/v2/users/{HOST1}/meetings?type=upcoming&page_size=3"
                       f"&next_page_token={token}").get_json()
        assert page["total_records"] == 7
        assert page["page_size"] == 3
        seen += [m["id"] for m in page["meetings"]]
        pages += 1
        token = page["next_page_token"]
        if not token:
            break
        assert not token.isdigit()
    assert pages == 3
    assert seen == made


def test_expired_or_foreign_page_token_is_400_invalid_next_page_token(sbx: Sandbox) -> None:
    for day in (6, 7, 8):
        sbx.create_ok(start_time=f"2030-03-0{day}T02:00:00Z")
    token = sbx.get(f"/v2/users/{HOST1}/meetings?page_size=2").get_json()["next_page_token"]
    foreign = sbx.get(f"/v2/users/{HOST2}/meetings?page_size=2&next_page_token={token}")
    assert foreign.status_code == 400
    sbx.clock.advance(14 * 60)
    assert sbx.get(f"/v2/users/{HOST1}/meetings?page_size=2&next_page_token={token}"
                   ).status_code == 200
    sbx.clock.advance(60)
    answer = sbx.get(f"/v2/users/{HOST1}/meetings?page_size=2&next_page_token={token}")
    assert answer.status_code == 400
    assert answer.get_json() == {"code": 300, "message": "Invalid next_page_token."}


def test_page_size_defaults_to_30_is_capped_at_300_and_must_be_positive(sbx: Sandbox) -> None:
    path = f"/v2/users/{HOST1}/meetings"
    assert sbx.get(path).get_json()["page_size"] == 30
    assert sbx.get(f"{path}?page_size=1000").get_json()["page_size"] == 300
    for bad in ("0", "-1", "ten"):
        assert sbx.get(f"{path}?page_size={bad}").get_json()["code"] == 300


def test_unknown_list_type_is_400_code_300(sbx: Sandbox) -> None:
    answer = sbx.get(f"/v2/users/{HOST1}/meetings?type=everything")
    assert (answer.status_code, answer.get_json()["code"]) == (400, 300)


def test_live_list_shows_started_meetings_only(sbx: Sandbox) -> None:
    sbx.create_ok()
    seeded = sbx.client.post("/_sandbox/meetings", json={
        "host": HOST1, "topic": "Sedang berjalan", "type": 2, "status": "started",
        "start_time": "2030-03-05T00:45:00Z", "duration": 60}).get_json()
    live = sbx.get(f"/v2/users/{HOST1}/meetings?type=live").get_json()
    assert [m["id"] for m in live["meetings"]] == [seeded["id"]]


# Contract with Zoom's OpenAPI document ----------------------------------------------------------

def test_create_body_and_answer_match_zooms_openapi_schema(sbx: Sandbox) -> None:
    body = {"topic": "Kontrak", "type": 2, "start_time": "2030-03-06T02:00:00Z", "duration": 45,
            "timezone": "Asia/Singapore", "agenda": "[zoomsvc:REQ-9]", "password": "Ab12@x",
            "settings": {"waiting_room": True, "approval_type": 2, "auto_recording": "none"}}
    validate_request_body("/users/{userId}/meetings", "POST", body)
    answer = sbx.client.post(f"/v2/users/{HOST1}/meetings", json=body, headers=sbx.auth)
    assert answer.status_code == 201
    validate_response("/users/{userId}/meetings", "POST", 201, answer.get_json())


def test_get_answer_matches_zooms_openapi_schema(sbx: Sandbox) -> None:
    meeting_id = sbx.create_ok()["id"]
    answer = sbx.get(f"/v2/meetings/{meeting_id}")
    validate_response("/meetings/{meetingId}", "GET", 200, answer.get_json())


def test_list_answer_matches_zooms_openapi_schema(sbx: Sandbox) -> None:
    sbx.create_ok()
    sbx.create_ok(start_time="2030-03-07T02:00:00Z")
    answer = sbx.get(f"/v2/users/{HOST1}/meetings?type=upcoming&page_size=1")
    assert answer.get_json()["next_page_token"]
    validate_response("/users/{userId}/meetings", "GET", 200, answer.get_json())


def test_contract_helper_rejects_a_body_that_breaks_the_schema() -> None:
    with pytest.raises(AssertionError, match="topic"):
        validate_response("/users/{userId}/meetings", "POST", 201,
                          {"id": 1, "topic": "x" * 201, "start_time": "2030-03-06T02:00:00Z"})
    with pytest.raises(AssertionError, match="id"):
        validate_response("/meetings/{meetingId}", "GET", 200, {"id": "85746065432"})
