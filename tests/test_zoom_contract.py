"""Contract tests against Zoom's Meetings OpenAPI document (tests/contracts/, an extract).

What the client sends (captured with ``responses``) must validate against the documented request
bodies and parameters; what Zoom documents as answers must be parsed by the client. The document
is vendored, so these tests always run.
"""

from __future__ import annotations

import copy
import json
import re
from datetime import UTC, datetime
from typing import Any
from urllib.parse import parse_qs, urlsplit
from zoneinfo import ZoneInfo

import pytest
import responses
from openapi_contract import load_spec, validate_request_body, validate_response
from zoom_support import (
    API,
    HOST,
    MEETING_ID,
    api_calls,
    make_client,
    meeting_json,
    settings,
)

from zoomsvc.config import MeetingSettings, PasscodePolicy
from zoomsvc.zoom import NewMeeting

CREATE = "/users/{userId}/meetings"
MEETING = "/meetings/{meetingId}"
WITA = ZoneInfo("Asia/Makassar")
NEW = NewMeeting("Rapat Koordinasi " + "x" * 150, datetime(2026, 11, 25, 9, 0, tzinfo=WITA), 90,
                 agenda="Agenda " * 50)
ZOOM_UTC_TIME = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z")


# --- a few helpers over the parsed document --------------------------------------------------


def spec() -> dict[str, Any]:
    return load_spec()[0]


def resolve(schema: dict[str, Any]) -> dict[str, Any]:
    """Follow ``$ref`` until a schema with content is reached."""
    document = spec()
    while "$ref" in schema:
        node: Any = document
        for part in schema["$ref"].removeprefix("#/").split("/"):
            node = node[part.replace("~1", "/").replace("~0", "~")]
        schema = node
    return schema


def declared_properties(schema: dict[str, Any]) -> dict[str, Any]:
    """The properties a schema declares, through ``allOf``."""
    schema = resolve(schema)
    found = dict(schema.get("properties", {}))
    for part in schema.get("allOf", []):
        found.update(declared_properties(part))
    return found


def undeclared_keys(body: Any, schema: dict[str, Any], where: str = "") -> list[str]:
    """Keys of ``body`` the schema does not declare (Zoom ignores them silently: typos)."""
    if not isinstance(body, dict):
        return []
    properties = declared_properties(schema)
    problems = []
    for key, value in body.items():
        if key not in properties:
            problems.append(f"{where}{key}")
        else:
            problems += undeclared_keys(value, properties[key], f"{where}{key}.")
    return problems


def example_of(schema: dict[str, Any], depth: int = 0) -> Any:
    """An example value built from the document's own per-property examples."""
    schema = resolve(schema)
    if "allOf" in schema:
        merged: dict[str, Any] = {}
        for part in schema["allOf"]:
            value = example_of(part, depth + 1)
            if isinstance(value, dict):
                merged.update(value)
        return merged
    kind = schema.get("type")
    if kind == "object" or "properties" in schema:
        if depth > 6:
            return {}
        return {k: example_of(v, depth + 1) for k, v in schema.get("properties", {}).items()}
    if kind == "array":
        return [example_of(schema.get("items", {}), depth + 1)] if depth <= 6 else []
    if "example" in schema:
        return schema["example"]
    if "enum" in schema:
        return schema["enum"][0]
    return {"string": "x", "integer": 1, "number": 1.0, "boolean": False}.get(kind, "x")


def operation(path: str, method: str) -> dict[str, Any]:
    return spec()["paths"][path][method]


def request_schema(path: str, method: str) -> dict[str, Any]:
    return operation(path, method)["requestBody"]["content"]["application/json"]["schema"]


def response_schema(path: str, method: str, status: str) -> dict[str, Any]:
    return operation(path, method)["responses"][status]["content"]["application/json"]["schema"]


def query_parameters(path: str, method: str) -> dict[str, dict[str, Any]]:
    return {p["name"]: resolve(p) for p in (resolve(x) for x in operation(path, method)
                                            .get("parameters", [])) if p.get("in") == "query"}


def sent_json(call: Any) -> dict[str, Any]:
    return json.loads(call.request.body)


# --- requests --------------------------------------------------------------------------------


@pytest.mark.parametrize("zoom", [
    settings(),
    settings(passcode=PasscodePolicy(length=10, numeric_only=True), timezone="Asia/Jakarta"),
    settings(settings=MeetingSettings(waiting_room=False, join_before_host=True,
                                      auto_recording="cloud", meeting_authentication=True)),
], ids=["default", "numeric-passcode", "custom-settings"])
def test_the_create_body_matches_zooms_request_schema(rsps, fake, zoom):
    rsps.add(responses.POST, f"{API}/users/{HOST}/meetings", status=201, json=meeting_json())
    make_client(fake, zoom).create_meeting(HOST, NEW)
    body = sent_json(api_calls(rsps, "POST")[0])
    validate_request_body(CREATE, "post", body)
    assert undeclared_keys(body, request_schema(CREATE, "post")) == []
    assert ZOOM_UTC_TIME.fullmatch(body["start_time"])
    assert body["type"] == 2


def test_the_schema_would_catch_a_passcode_zoom_refuses():
    with pytest.raises(AssertionError, match="password"):
        validate_request_body(CREATE, "post", {"type": 2, "password": "x" * 11})


def test_the_undeclared_key_check_would_catch_a_misspelt_field():
    body = {"topic": "t", "pasword": "x", "settings": {"waiting_room": True, "waitingroom": True}}
    assert undeclared_keys(body, request_schema(CREATE, "post")) == [
        "pasword", "settings.waitingroom"]


@pytest.mark.parametrize("changes", [
    {"topic": "Topik baru"},
    {"start": datetime(2026, 11, 26, 14, 0, tzinfo=WITA), "duration_minutes": 30},
    {"topic": "T", "start": datetime(2026, 12, 1, 8, 0, tzinfo=UTC), "duration_minutes": 120,
     "agenda": "A"},
], ids=["topic", "reschedule", "everything"])
def test_the_update_body_matches_zooms_request_schema(rsps, fake, changes):
    url = f"{API}/meetings/{MEETING_ID}"
    rsps.add(responses.PATCH, url, status=204)
    make_client(fake).update_meeting(MEETING_ID, **changes)
    body = sent_json(api_calls(rsps, "PATCH")[0])
    validate_request_body(MEETING, "patch", body)
    assert undeclared_keys(body, request_schema(MEETING, "patch")) == []
    if "start_time" in body:
        assert ZOOM_UTC_TIME.fullmatch(body["start_time"])
    assert "204" in operation(MEETING, "patch")["responses"]


def test_the_end_meeting_body_matches_zooms_request_schema(rsps, fake):
    rsps.add(responses.PUT, f"{API}/meetings/{MEETING_ID}/status", status=204)
    make_client(fake).end_meeting(MEETING_ID)
    validate_request_body("/meetings/{meetingId}/status", "put",
                          sent_json(api_calls(rsps, "PUT")[0]))


def test_the_delete_query_uses_documented_parameters(rsps, fake):
    rsps.add(responses.DELETE, f"{API}/meetings/{MEETING_ID}", status=204)
    make_client(fake).delete_meeting(MEETING_ID)
    sent = parse_qs(urlsplit(api_calls(rsps)[0].request.url).query)
    documented = query_parameters(MEETING, "delete")
    assert set(sent) <= set(documented)
    for name, values in sent.items():
        assert documented[name]["schema"]["type"] == "boolean"
        assert values == ["false"]
    assert "204" in operation(MEETING, "delete")["responses"]


def test_the_listing_query_uses_documented_parameters_within_their_limits(rsps, fake):
    rsps.add(responses.GET, f"{API}/users/{HOST}/meetings", json={"meetings": []})
    make_client(fake).list_upcoming(HOST)
    sent = parse_qs(urlsplit(api_calls(rsps)[0].request.url).query)
    documented = query_parameters(CREATE, "get")
    assert set(sent) <= set(documented)
    assert sent["type"][0] in documented["type"]["schema"]["enum"]
    assert int(sent["page_size"][0]) <= documented["page_size"]["schema"].get("maximum", 300)


# --- responses -------------------------------------------------------------------------------


def test_the_documents_own_create_example_is_parsed(rsps, fake):
    example = example_of(response_schema(CREATE, "post", "201"))
    validate_response(CREATE, "post", 201, example)
    rsps.add(responses.POST, f"{API}/users/{HOST}/meetings", status=201, json=example)
    meeting = make_client(fake).create_meeting(HOST, NEW)
    assert meeting.id == example["id"]
    assert meeting.topic == example["topic"]
    assert meeting.password == example["password"]
    assert meeting.join_url == example["join_url"]
    assert meeting.duration == example["duration"]
    expected_start = datetime.fromisoformat(example["start_time"].replace("Z", "+00:00"))
    assert meeting.start_time == expected_start.astimezone(UTC)


def test_the_documents_own_get_example_is_parsed(rsps, fake):
    example = example_of(response_schema(MEETING, "get", "200"))
    validate_response(MEETING, "get", 200, example)
    rsps.add(responses.GET, f"{API}/meetings/{MEETING_ID}", json=example)
    meeting = make_client(fake).get_meeting(MEETING_ID)
    assert meeting.id == example["id"]
    assert meeting.uuid == example["uuid"]
    assert meeting.status == example["status"]
    assert meeting.host_id == example["host_id"]


def test_the_documents_own_listing_example_is_parsed(rsps, fake):
    page = example_of(response_schema(CREATE, "get", "200"))
    validate_response(CREATE, "get", 200, page)
    assert page["meetings"], "the document's example page should hold a meeting"
    url = f"{API}/users/{HOST}/meetings"
    rsps.add(responses.GET, url, json=page)
    rsps.add(responses.GET, url, json={**page, "meetings": [], "next_page_token": ""})
    listed = make_client(fake).list_upcoming(HOST)
    assert [m.id for m in listed] == [m["id"] for m in page["meetings"]]
    assert listed[0].topic == page["meetings"][0]["topic"]


def test_our_canned_answers_are_valid_zoom_answers():
    created = meeting_json()
    validate_response(CREATE, "post", 201, created)
    validate_response(MEETING, "get", 200, created)
    validate_response(CREATE, "get", 200, {"page_size": 300, "next_page_token": "",
                                           "meetings": [created]})


def test_a_meeting_answer_with_a_huge_id_is_a_valid_int64_and_survives(rsps, fake):
    body = copy.deepcopy(meeting_json(id=9007199254740993))  # beyond a double's exact range
    validate_response(MEETING, "get", 200, body)
    rsps.add(responses.GET, f"{API}/meetings/{MEETING_ID}", json=body)
    assert make_client(fake).get_meeting(MEETING_ID).id == 9007199254740993
