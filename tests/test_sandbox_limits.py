"""The Zoom sandbox's rate limits (per second and per host per day) and its daily reset."""

from __future__ import annotations

from datetime import UTC, datetime
from email.utils import parsedate_to_datetime

import pytest
from sandbox_support import HOST1, HOST2, START, Sandbox, make_sandbox

QPS_BODY = {"code": 429, "message": "You have reached the maximum per-second rate limit for "
            "this API. Try again later."}


def daily_message(limit: int) -> str:
    return (f"You have exceeded the daily rate limit ({limit}) of Meeting Create/Update API "
            "requests permitted for this particular user. You may resume these requests at "
            "GMT 00:00:00.")


def burst(sbx: Sandbox, path: str, count: int) -> list[int]:
    return [sbx.get(path).status_code for _ in range(count)]


def test_requests_over_the_per_second_limit_get_429_qps() -> None:
    sbx = make_sandbox(light_limit=5)
    meeting_id = sbx.create_ok()["id"]
    statuses = burst(sbx, f"/v2/meetings/{meeting_id}", 8)
    assert statuses == [200] * 5 + [429] * 3
    refused = sbx.get(f"/v2/meetings/{meeting_id}")
    assert refused.get_json() == QPS_BODY
    assert refused.headers["X-RateLimit-Category"] == "Light"
    assert refused.headers["X-RateLimit-Type"] == "QPS"
    assert "Retry-After" not in refused.headers
    assert sbx.stats()["rate_limited"]["qps"] == 4


def test_the_per_second_window_slides_with_the_clock() -> None:
    sbx = make_sandbox(medium_limit=3)
    assert burst(sbx, "/v2/users", 3) == [200] * 3
    sbx.clock.advance(0.5)
    assert burst(sbx, "/v2/users", 1) == [429]
    sbx.clock.advance(0.5)
    assert burst(sbx, "/v2/users", 4) == [200] * 3 + [429]


def test_light_and_medium_labels_are_limited_separately() -> None:
    sbx = make_sandbox(light_limit=2, medium_limit=2)
    meeting_id = sbx.create_ok()["id"]
    assert burst(sbx, "/v2/users", 2) == [200, 429]  # the create used one medium slot
    assert burst(sbx, f"/v2/meetings/{meeting_id}", 3) == [200, 200, 429]
    refused = sbx.get("/v2/users")
    assert refused.headers["X-RateLimit-Category"] == "Medium"


@pytest.mark.parametrize(("plan", "medium"), [("pro", 20), ("business", 60)])
def test_the_plan_sets_zooms_per_second_limits(plan: str, medium: int) -> None:
    sbx = make_sandbox(plan=plan)
    statuses = burst(sbx, "/v2/users", medium + 5)
    assert statuses.count(200) == medium
    assert statuses.count(429) == 5


def test_retry_after_may_be_sent_in_seconds() -> None:
    sbx = make_sandbox(medium_limit=1, retry_after="seconds")
    sbx.get("/v2/users")
    assert sbx.get("/v2/users").headers["Retry-After"] == "1"


def test_retry_after_may_be_sent_as_a_timestamp() -> None:
    sbx = make_sandbox(medium_limit=1, retry_after="timestamp")
    sbx.get("/v2/users")
    when = parsedate_to_datetime(sbx.get("/v2/users").headers["Retry-After"])
    assert when.timestamp() == START + 1


def test_a_request_refused_by_the_per_second_limit_does_nothing() -> None:
    sbx = make_sandbox(medium_limit=1)
    sbx.create_ok()
    refused = sbx.create(topic="Kedua")
    assert refused.status_code == 429
    assert sbx.stats()["creates"] == 1
    assert sbx.stats()["live_meetings"] == 1


def test_the_101st_create_of_a_host_in_a_day_gets_zooms_daily_limit_answer() -> None:
    sbx = make_sandbox()
    for index in range(100):
        if index and index % 50 == 0:
            sbx.clock.advance(1)  # stay under the per-second limit
        assert sbx.create(start_time="2030-03-06T02:00:00Z").status_code == 201
    sbx.clock.advance(1)
    refused = sbx.create()
    assert refused.status_code == 429
    assert refused.get_json() == {"code": 429, "message": daily_message(100)}
    assert refused.headers["X-RateLimit-Type"] == "Daily-limit"
    assert sbx.stats()["rate_limited"]["daily"] == 1
    assert sbx.stats()["creates"] == 100


def test_daily_limit_message_names_the_configured_limit_and_retry_after_is_midnight() -> None:
    sbx = make_sandbox(daily_limit=3)
    for _ in range(3):
        sbx.create_ok()
    refused = sbx.create()
    assert refused.get_json()["message"] == daily_message(3)
    midnight = parsedate_to_datetime(refused.headers["Retry-After"])
    assert midnight == datetime(2030, 3, 6, 0, 0, tzinfo=UTC)


def test_updates_count_towards_the_daily_limit_and_deletes_do_not() -> None:
    sbx = make_sandbox(daily_limit=3)
    meeting_id = sbx.create_ok()["id"]
    assert sbx.patch(meeting_id, {"topic": "a"}).status_code == 204
    assert sbx.patch(meeting_id, {"topic": "b"}).status_code == 204
    other = sbx.client.post("/_sandbox/meetings", json={"host": HOST1}).get_json()["id"]
    assert sbx.delete(other).status_code == 204
    refused = sbx.patch(meeting_id, {"topic": "c"})
    assert refused.status_code == 429
    assert refused.headers["X-RateLimit-Category"] == "Light"
    assert sbx.get(f"/v2/meetings/{meeting_id}").get_json()["topic"] == "b"


def test_daily_limit_resets_at_midnight_utc() -> None:
    sbx = make_sandbox(daily_limit=2)
    sbx.create_ok()
    sbx.create_ok()
    midnight = datetime(2030, 3, 6, 0, 0, tzinfo=UTC).timestamp()
    sbx.clock.advance(midnight - 1 - sbx.clock.now)
    sbx.sign_in()  # the first token expired hours ago
    assert sbx.create().status_code == 429
    sbx.clock.advance(1)
    assert sbx.create().status_code == 201


def test_daily_limit_is_counted_per_host() -> None:
    sbx = make_sandbox(daily_limit=1)
    sbx.create_ok(HOST1)
    assert sbx.create(HOST1).status_code == 429
    assert sbx.create(HOST2).status_code == 201


def test_seeded_meetings_bypass_every_limit() -> None:
    sbx = make_sandbox(daily_limit=1, medium_limit=1)
    for _ in range(3):
        answer = sbx.client.post("/_sandbox/meetings", json={"host": "sbx_user_1"})
        assert answer.status_code == 201
    stats = sbx.stats()
    assert stats["live_meetings"] == 3
    assert stats["creates"] == 0
    assert sbx.create().status_code == 201
