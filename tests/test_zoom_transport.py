"""The HTTP choke point: OAuth exchange, 401 handling, 429 and 5xx retries, error bodies, logs."""

from __future__ import annotations

import base64
import logging
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from urllib.parse import parse_qs

import pytest
import requests
import responses
import time_machine
from zoom_support import (
    API,
    DAILY_LIMIT_MESSAGE,
    HOST,
    MEETING_ID,
    OAUTH,
    PER_SECOND_MESSAGE,
    SETTINGS,
    START_URL,
    TOKEN,
    TRACKING_ID,
    FakeTime,
    add_token,
    api_calls,
    make_client,
    meeting_json,
    settings,
    zoom_error,
)

from zoomsvc.zoom import (
    DailyLimitReached,
    FieldError,
    NewMeeting,
    ZoomAuthError,
    ZoomNotFound,
    ZoomOutcomeUnknown,
    ZoomRateLimited,
    ZoomUnavailable,
    ZoomValidationError,
)
from zoomsvc.zoom.transport import (
    next_utc_midnight,
    retry_after_moment,
    retry_after_seconds,
)

MEETING_URL = f"{API}/meetings/{MEETING_ID}"
CREATE_URL = f"{API}/users/{HOST}/meetings"
NEW = NewMeeting("Rapat Koordinasi", datetime(2026, 11, 25, 1, 0, tzinfo=UTC), 60)


@pytest.fixture
def client(fake):
    return make_client(fake)


def backoff_range(attempt: int) -> tuple[float, float]:
    """Where the jittered back-off after ``attempt`` must land (half to full ceiling)."""
    ceiling = min(20.0, 0.5 * 2 ** (attempt - 1))
    return ceiling / 2, ceiling


# --- OAuth -----------------------------------------------------------------------------------


def test_the_token_request_sends_basic_auth_and_account_credentials(rsps, client):
    rsps.add(responses.GET, MEETING_URL, json=meeting_json())
    client.get_meeting(MEETING_ID)
    oauth = [c for c in rsps.calls if c.request.url.startswith(OAUTH)]
    assert len(oauth) == 1
    request = oauth[0].request
    assert request.method == "POST"
    expected = base64.b64encode(b"sandbox-client:sandbox-secret").decode()
    assert request.headers["Authorization"] == f"Basic {expected}"
    sent = parse_qs(request.body if isinstance(request.body, str) else request.body.decode())
    assert sent == {"grant_type": ["account_credentials"], "account_id": ["sandbox-account"]}
    assert api_calls(rsps)[0].request.headers["Authorization"] == f"Bearer {TOKEN}"


@pytest.mark.parametrize("status", [400, 401])
def test_bad_credentials_raise_zoom_auth_error_and_no_api_call_is_made(fake, status):
    with responses.RequestsMock(assert_all_requests_are_fired=False) as mock:
        mock.add(responses.POST, OAUTH, status=status,
                 json={"reason": "Invalid client_id or client_secret", "error": "invalid_client"})
        mock.add(responses.GET, MEETING_URL, json=meeting_json())
        with pytest.raises(ZoomAuthError) as caught:
            make_client(fake).get_meeting(MEETING_ID)
        assert caught.value.status == status
        assert "Invalid client_id or client_secret" in str(caught.value)
        assert caught.value.retryable is False
        assert api_calls(mock) == []
        assert len(mock.calls) == 1


def test_a_token_answer_without_access_token_is_an_auth_error(fake):
    with responses.RequestsMock(assert_all_requests_are_fired=False) as mock:
        mock.add(responses.POST, OAUTH, status=200, json={"token_type": "bearer"})
        with pytest.raises(ZoomAuthError):
            make_client(fake).get_meeting(MEETING_ID)


def test_an_oauth_server_error_is_retried_then_the_token_is_used(fake):
    with responses.RequestsMock() as mock:
        mock.add(responses.POST, OAUTH, status=503, body="<html>busy</html>")
        add_token(mock)
        mock.add(responses.GET, MEETING_URL, json=meeting_json())
        assert make_client(fake).get_meeting(MEETING_ID).id == MEETING_ID
        low, high = backoff_range(1)
        assert len(fake.sleeps) == 1
        assert low <= fake.sleeps[0] <= high


@pytest.mark.parametrize(("status", "expected"), [(503, ZoomUnavailable), (429, ZoomRateLimited)])
def test_an_oauth_outage_is_not_reported_as_bad_credentials(fake, status, expected):
    with responses.RequestsMock(assert_all_requests_are_fired=False) as mock:
        mock.add(responses.POST, OAUTH, status=status, body="<html>busy</html>")
        with pytest.raises(expected) as caught:
            make_client(fake).get_meeting(MEETING_ID)
        assert not isinstance(caught.value, ZoomAuthError)
        assert caught.value.retryable is True
        assert caught.value.status == status
        assert len(mock.calls) == SETTINGS.max_retries + 1
        assert api_calls(mock) == []


def test_an_oauth_429_is_retried_then_the_token_is_used(fake):
    with responses.RequestsMock() as mock:
        mock.add(responses.POST, OAUTH, status=429, json={"reason": "Too many requests"})
        add_token(mock)
        mock.add(responses.GET, MEETING_URL, json=meeting_json())
        assert make_client(fake).get_meeting(MEETING_ID).id == MEETING_ID
        assert len(fake.sleeps) == 1


def test_an_unreachable_oauth_endpoint_raises_unavailable_after_retries(fake):
    with responses.RequestsMock(assert_all_requests_are_fired=False) as mock:
        mock.add(responses.POST, OAUTH, body=requests.ConnectionError("refused"))
        with pytest.raises(ZoomUnavailable):
            make_client(fake).get_meeting(MEETING_ID)
        assert len(mock.calls) == SETTINGS.max_retries + 1


# --- 401 -------------------------------------------------------------------------------------


def test_an_invalid_token_124_causes_one_refresh_and_one_retry(rsps, client):
    add_token(rsps, "fresh-token")
    rsps.add(responses.GET, MEETING_URL, status=401,
             json=zoom_error(124, "Invalid access token."))
    rsps.add(responses.GET, MEETING_URL, json=meeting_json())
    assert client.get_meeting(MEETING_ID).id == MEETING_ID
    assert client.token_requests == 2
    headers = [c.request.headers["Authorization"] for c in api_calls(rsps)]
    assert headers == [f"Bearer {TOKEN}", "Bearer fresh-token"]


def test_a_second_124_in_a_row_raises_zoom_auth_error(rsps, client):
    add_token(rsps, "fresh-token")
    add_token(rsps, "never-used")
    rsps.add(responses.GET, MEETING_URL, status=401,
             json=zoom_error(124, "Invalid access token."))
    with pytest.raises(ZoomAuthError) as caught:
        client.get_meeting(MEETING_ID)
    assert caught.value.code == 124
    assert len(api_calls(rsps)) == 2
    assert client.token_requests == 2


def test_a_124_on_create_is_retried_because_zoom_refused_it_before_acting(rsps, client):
    add_token(rsps, "fresh-token")
    rsps.add(responses.POST, CREATE_URL, status=401,
             json=zoom_error(124, "Invalid access token."))
    rsps.add(responses.POST, CREATE_URL, status=201, json=meeting_json())
    assert client.create_meeting(HOST, NEW).id == MEETING_ID
    assert len(api_calls(rsps, "POST")) == 2


def test_a_missing_scope_4700_raises_zoom_auth_error_without_retry(rsps, client):
    rsps.add(responses.GET, MEETING_URL, status=401, json=zoom_error(
        4700, "Invalid access token, does not contain scopes:[meeting:read:meeting:admin]."))
    with pytest.raises(ZoomAuthError) as caught:
        client.get_meeting(MEETING_ID)
    assert caught.value.code == 4700
    assert caught.value.status == 401
    assert len(api_calls(rsps)) == 1
    assert client.token_requests == 1
    assert client.transport.tokens.get() == TOKEN  # the token itself was not thrown away


# --- 429 per second --------------------------------------------------------------------------


def test_a_per_second_429_with_retry_after_seconds_waits_that_long(rsps, client, fake):
    rsps.add(responses.GET, MEETING_URL, status=429, json=zoom_error(429, PER_SECOND_MESSAGE),
             headers={"Retry-After": "2", "X-RateLimit-Type": "QPS"})
    rsps.add(responses.GET, MEETING_URL, json=meeting_json())
    assert client.get_meeting(MEETING_ID).id == MEETING_ID
    assert fake.sleeps == [2.0]
    assert len(api_calls(rsps)) == 2


@time_machine.travel(datetime(2026, 11, 24, 8, 0, 0, tzinfo=UTC), tick=False)
def test_a_per_second_429_with_an_http_date_retry_after_waits_until_that_moment(rsps, client,
                                                                                 fake):
    moment = datetime.now(UTC) + timedelta(seconds=3)
    rsps.add(responses.GET, MEETING_URL, status=429, json=zoom_error(429, PER_SECOND_MESSAGE),
             headers={"Retry-After": format_datetime(moment, usegmt=True)})
    rsps.add(responses.GET, MEETING_URL, json=meeting_json())
    assert client.get_meeting(MEETING_ID).id == MEETING_ID
    assert fake.sleeps == [3.0]


def test_per_second_429s_without_retry_after_back_off_with_growing_jitter(rsps, client, fake):
    for _ in range(3):
        rsps.add(responses.GET, MEETING_URL, status=429, json=zoom_error(429, PER_SECOND_MESSAGE))
    rsps.add(responses.GET, MEETING_URL, json=meeting_json())
    assert client.get_meeting(MEETING_ID).id == MEETING_ID
    assert len(fake.sleeps) == 3
    for attempt, slept in enumerate(fake.sleeps, start=1):
        low, high = backoff_range(attempt)
        assert low <= slept <= high, (attempt, slept)
    assert fake.sleeps == sorted(fake.sleeps)
    assert fake.sleeps[2] > fake.sleeps[0]


def test_the_jitter_differs_between_clients_with_different_random_sources(rsps, fake):
    waits = []
    for seed in (1, 2):
        rsps.add(responses.GET, MEETING_URL, status=429, json=zoom_error(429, PER_SECOND_MESSAGE))
        rsps.add(responses.GET, MEETING_URL, json=meeting_json())
        own = FakeTime()
        make_client(own, seed=seed).get_meeting(MEETING_ID)
        waits.append(own.sleeps[0])
    assert waits[0] != waits[1]


class RecordingPacer:
    """Stands in for the pacer to show what the transport asks of it."""

    def __init__(self) -> None:
        self.waits: list[str] = []
        self.holds: list[tuple[str, float]] = []

    def wait(self, label: str) -> None:
        self.waits.append(label)

    def hold(self, label: str, seconds: float) -> None:
        self.holds.append((label, seconds))


def test_a_per_second_429_pushes_back_the_shared_pacer_for_every_caller(rsps, client):
    pacer = RecordingPacer()
    client.transport.pacer = pacer
    rsps.add(responses.GET, MEETING_URL, status=429, json=zoom_error(429, PER_SECOND_MESSAGE),
             headers={"Retry-After": "5"})
    rsps.add(responses.GET, MEETING_URL, json=meeting_json())
    client.get_meeting(MEETING_ID)
    assert pacer.holds == [("light", 5.0)]
    assert pacer.waits == ["light", "light"]


def test_a_server_error_does_not_hold_the_pacer(rsps, client):
    pacer = RecordingPacer()
    client.transport.pacer = pacer
    rsps.add(responses.DELETE, MEETING_URL, status=503)
    rsps.add(responses.DELETE, MEETING_URL, status=204)
    client.delete_meeting(MEETING_ID)
    assert pacer.holds == []
    assert pacer.waits == ["light", "light"]


def test_per_second_429s_beyond_max_retries_raise_zoom_rate_limited(rsps, fake):
    client = make_client(fake, settings(max_retries=2))
    rsps.add(responses.GET, MEETING_URL, status=429, json=zoom_error(429, PER_SECOND_MESSAGE))
    with pytest.raises(ZoomRateLimited) as caught:
        client.get_meeting(MEETING_ID)
    assert not isinstance(caught.value, DailyLimitReached)
    assert caught.value.retryable is True
    assert len(api_calls(rsps)) == 3
    assert len(fake.sleeps) == 2


def test_a_per_second_429_on_create_is_retried(rsps, client, fake):
    rsps.add(responses.POST, CREATE_URL, status=429, json=zoom_error(429, PER_SECOND_MESSAGE),
             headers={"Retry-After": "1"})
    rsps.add(responses.POST, CREATE_URL, status=201, json=meeting_json())
    assert client.create_meeting(HOST, NEW).id == MEETING_ID
    assert len(api_calls(rsps, "POST")) == 2
    assert fake.sleeps == [1.0]


# --- 429 daily limit -------------------------------------------------------------------------


@time_machine.travel(datetime(2026, 11, 24, 22, 15, 0, tzinfo=UTC), tick=False)
@pytest.mark.parametrize("headers", [{}, {"X-RateLimit-Type": "Daily-limit"}],
                         ids=["message-only", "with-header"])
def test_a_daily_limit_429_raises_daily_limit_reached_without_retry(rsps, client, fake, headers):
    rsps.add(responses.POST, CREATE_URL, status=429, json=zoom_error(429, DAILY_LIMIT_MESSAGE),
             headers={**headers, "x-zm-trackingid": TRACKING_ID})
    rsps.add(responses.POST, CREATE_URL, status=201, json=meeting_json())
    with pytest.raises(DailyLimitReached) as caught:
        client.create_meeting(HOST, NEW)
    error = caught.value
    assert error.host == HOST
    assert error.resets_at == datetime(2026, 11, 25, 0, 0, tzinfo=UTC)
    assert error.retryable is False
    assert error.tracking_id == TRACKING_ID
    assert "daily rate limit (100)" in error.message
    assert len(api_calls(rsps, "POST")) == 1
    assert fake.sleeps == []


@time_machine.travel(datetime(2026, 11, 24, 22, 15, 0, tzinfo=UTC), tick=False)
def test_the_daily_limit_header_alone_is_enough(rsps, client):
    rsps.add(responses.PATCH, MEETING_URL, status=429,
             json=zoom_error(429, "Too many requests."),
             headers={"X-RateLimit-Type": "Daily-limit"})
    with pytest.raises(DailyLimitReached) as caught:
        client.update_meeting(MEETING_ID, topic="Baru", host=HOST)
    assert caught.value.host == HOST
    assert caught.value.resets_at == datetime(2026, 11, 25, tzinfo=UTC)
    assert len(api_calls(rsps)) == 1


def test_a_daily_limit_retry_after_timestamp_sets_resets_at(rsps, client):
    reset = datetime(2026, 11, 26, 0, 0, tzinfo=UTC)
    rsps.add(responses.POST, CREATE_URL, status=429, json=zoom_error(429, DAILY_LIMIT_MESSAGE),
             headers={"Retry-After": format_datetime(reset, usegmt=True)})
    with pytest.raises(DailyLimitReached) as caught:
        client.create_meeting(HOST, NEW)
    assert caught.value.resets_at == reset


def test_next_utc_midnight_is_the_start_of_the_next_utc_day():
    assert next_utc_midnight(datetime(2026, 12, 31, 23, 59, 59, tzinfo=UTC)) == datetime(
        2027, 1, 1, tzinfo=UTC)
    assert next_utc_midnight(datetime(2026, 3, 1, 0, 0, 0, tzinfo=UTC)) == datetime(
        2026, 3, 2, tzinfo=UTC)


def test_retry_after_is_read_as_seconds_or_as_a_timestamp():
    now = datetime(2026, 11, 24, 8, 0, 0, tzinfo=UTC)
    assert retry_after_seconds("2") == 2.0
    assert retry_after_seconds(" 1.5 ") == 1.5
    assert retry_after_seconds("Tue, 24 Nov 2026 08:00:04 GMT", now=now) == 4.0
    assert retry_after_seconds("2026-11-24T08:00:07Z", now=now) == 7.0
    assert retry_after_seconds("Tue, 24 Nov 2026 07:00:00 GMT", now=now) == 0.0
    assert retry_after_seconds("soon") is None
    assert retry_after_seconds(None) is None
    assert retry_after_moment("2026-11-25T00:00:00") == datetime(2026, 11, 25, tzinfo=UTC)


# --- 5xx and network failures ----------------------------------------------------------------


@pytest.mark.parametrize(("method", "call", "status"), [
    (responses.GET, lambda c: c.get_meeting(MEETING_ID), 200),
    (responses.DELETE, lambda c: c.delete_meeting(MEETING_ID), 204),
    (responses.PATCH, lambda c: c.update_meeting(MEETING_ID, topic="Baru"), 204),
], ids=["get", "delete", "patch"])
def test_a_server_error_on_a_repeatable_call_is_retried_then_succeeds(rsps, client, fake, method,
                                                                        call, status):
    rsps.add(method, MEETING_URL, status=503, json=zoom_error(503, "Service unavailable"))
    rsps.add(method, MEETING_URL, status=502, body="<html><body>Bad Gateway</body></html>",
             content_type="text/html")
    if status == 200:
        rsps.add(method, MEETING_URL, status=200, json=meeting_json())
    else:
        rsps.add(method, MEETING_URL, status=204)
    call(client)
    assert len(api_calls(rsps, method)) == 3
    assert len(fake.sleeps) == 2
    for attempt, slept in enumerate(fake.sleeps, start=1):
        low, high = backoff_range(attempt)
        assert low <= slept <= high


def test_a_server_error_on_create_is_not_retried_and_the_outcome_is_unknown(rsps, client, fake):
    rsps.add(responses.POST, CREATE_URL, status=500, json=zoom_error(500, "Internal error"),
             headers={"x-zm-trackingid": TRACKING_ID})
    rsps.add(responses.POST, CREATE_URL, status=201, json=meeting_json())
    with pytest.raises(ZoomOutcomeUnknown) as caught:
        client.create_meeting(HOST, NEW)
    assert caught.value.status == 500
    assert caught.value.tracking_id == TRACKING_ID
    assert len(api_calls(rsps, "POST")) == 1
    assert fake.sleeps == []


def test_a_read_timeout_on_create_means_the_outcome_is_unknown(rsps, client):
    rsps.add(responses.POST, CREATE_URL, body=requests.ReadTimeout("read timed out"))
    rsps.add(responses.POST, CREATE_URL, status=201, json=meeting_json())
    with pytest.raises(ZoomOutcomeUnknown):
        client.create_meeting(HOST, NEW)
    assert len(api_calls(rsps, "POST")) == 1


def test_a_dropped_connection_on_create_means_the_outcome_is_unknown(rsps, client):
    rsps.add(responses.POST, CREATE_URL,
             body=requests.ConnectionError("Connection aborted: RemoteDisconnected"))
    with pytest.raises(ZoomOutcomeUnknown):
        client.create_meeting(HOST, NEW)
    assert len(api_calls(rsps, "POST")) == 1


def test_a_connect_timeout_on_create_is_unavailable_because_nothing_was_sent(rsps, client):
    rsps.add(responses.POST, CREATE_URL, body=requests.ConnectTimeout("connect timed out"))
    with pytest.raises(ZoomUnavailable) as caught:
        client.create_meeting(HOST, NEW)
    assert not isinstance(caught.value, ZoomOutcomeUnknown)
    assert len(api_calls(rsps, "POST")) == 1


def test_a_connection_error_on_get_is_retried_then_raises_unavailable(rsps, client, fake):
    rsps.add(responses.GET, MEETING_URL, body=requests.ConnectionError("connection reset"))
    with pytest.raises(ZoomUnavailable) as caught:
        client.get_meeting(MEETING_ID)
    assert caught.value.retryable is True
    assert len(api_calls(rsps)) == SETTINGS.max_retries + 1
    assert len(fake.sleeps) == SETTINGS.max_retries
    assert fake.sleeps == sorted(fake.sleeps)


def test_a_connection_error_on_get_then_success_returns_the_meeting(rsps, client):
    rsps.add(responses.GET, MEETING_URL, body=requests.ConnectionError("connection reset"))
    rsps.add(responses.GET, MEETING_URL, json=meeting_json())
    assert client.get_meeting(MEETING_ID).id == MEETING_ID


def test_an_html_502_body_is_handled_and_reported_plainly(rsps, fake):
    client = make_client(fake, settings(max_retries=1))
    page = "<html><head><title>502 Bad Gateway</title></head><body>nginx</body></html>"
    rsps.add(responses.GET, MEETING_URL, status=502, body=page, content_type="text/html")
    with pytest.raises(ZoomUnavailable) as caught:
        client.get_meeting(MEETING_ID)
    assert caught.value.status == 502
    assert caught.value.code is None
    assert "<html" not in str(caught.value)
    assert "502" in str(caught.value)
    assert len(api_calls(rsps)) == 2


# --- error bodies ----------------------------------------------------------------------------


def test_an_xml_error_body_for_a_bad_passcode_is_parsed_into_a_validation_error(rsps, client):
    xml = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?><error><code>300</code>'
           "<message>Passcode may only contain the following characters: [a-z A-Z 0-9 @ - _ *]"
           " and can have a maximum of 10 characters.</message></error>")
    rsps.add(responses.POST, CREATE_URL, status=400, body=xml, content_type="application/xml")
    with pytest.raises(ZoomValidationError) as caught:
        client.create_meeting(HOST, NEW, passcode="x" * 11)
    assert caught.value.code == 300
    assert caught.value.message.startswith("Passcode may only contain")
    assert caught.value.message.endswith("maximum of 10 characters.")
    assert len(api_calls(rsps)) == 1


def test_an_xml_error_with_escaped_characters_is_unescaped(rsps, client):
    xml = ("<result><code>3000</code><message>Passcode &amp; settings don&apos;t meet "
           "&lt;policy&gt;</message></result>")
    rsps.add(responses.POST, CREATE_URL, status=400, body=xml, content_type="application/xml")
    with pytest.raises(ZoomValidationError) as caught:
        client.create_meeting(HOST, NEW)
    assert caught.value.code == 3000
    assert caught.value.message == "Passcode & settings don't meet <policy>"


def test_a_json_validation_error_lists_the_rejected_fields(rsps, client):
    rsps.add(responses.POST, CREATE_URL, status=400, json=zoom_error(
        300, "Validation Failed.", errors=[
            {"field": "topic", "message": "Topic is too long."},
            {"field": "settings.auto_recording", "message": "Invalid value."},
            "not-a-dict",
        ]))
    with pytest.raises(ZoomValidationError) as caught:
        client.create_meeting(HOST, NEW)
    assert caught.value.code == 300
    assert caught.value.status == 400
    assert caught.value.errors == (
        FieldError("topic", "Topic is too long."),
        FieldError("settings.auto_recording", "Invalid value."),
    )
    assert caught.value.retryable is False


def test_an_empty_error_body_still_gives_a_useful_message(rsps, client):
    rsps.add(responses.GET, MEETING_URL, status=403, body="")
    with pytest.raises(Exception) as caught:  # noqa: PT011 - the type is asserted below
        client.get_meeting(MEETING_ID)
    assert type(caught.value).__name__ == "ZoomError"
    assert caught.value.status == 403
    assert "HTTP 403" in str(caught.value)


def test_a_meeting_that_does_not_exist_raises_not_found_with_code_3001(rsps, client, fake):
    rsps.add(responses.GET, MEETING_URL, status=404,
             json=zoom_error(3001, "Meeting does not exist: 81234567890123."))
    with pytest.raises(ZoomNotFound) as caught:
        client.get_meeting(MEETING_ID)
    assert caught.value.code == 3001
    assert len(api_calls(rsps)) == 1
    assert fake.sleeps == []


def test_an_unknown_user_raises_not_found_with_code_1001(rsps, client):
    rsps.add(responses.POST, f"{API}/users/nobody@example.go.id/meetings", status=404,
             json=zoom_error(1001, "User does not exist: nobody@example.go.id."))
    with pytest.raises(ZoomNotFound) as caught:
        client.create_meeting("nobody@example.go.id", NEW)
    assert caught.value.code == 1001


def test_scheduling_refused_3161_is_a_validation_error_not_retried(rsps, client):
    rsps.add(responses.POST, CREATE_URL, status=400, json=zoom_error(
        3161, "Your user account is not allowed meeting hosting and scheduling capabilities."))
    with pytest.raises(ZoomValidationError) as caught:
        client.create_meeting(HOST, NEW)
    assert caught.value.code == 3161
    assert len(api_calls(rsps)) == 1


# --- logging ---------------------------------------------------------------------------------


def test_logs_carry_tracking_ids_but_never_tokens_secrets_passcodes_or_start_urls(rsps, fake,
                                                                                   caplog):
    passcode = "Pq7x@Kd2"
    created = meeting_json(password=passcode)
    track = {"x-zm-trackingid": TRACKING_ID}
    rsps.add(responses.POST, CREATE_URL, status=201, json=created, headers=track)
    rsps.add(responses.GET, MEETING_URL, json=created, headers=track)
    rsps.add(responses.GET, MEETING_URL, status=401, json=zoom_error(124, "Invalid access token."),
             headers=track)
    add_token(rsps, "second-" + TOKEN)
    rsps.add(responses.GET, MEETING_URL, json=created, headers=track)
    rsps.add(responses.PATCH, MEETING_URL, status=400, headers=track,
             body="<error><code>300</code><message>Invalid passcode.</message></error>")
    rsps.add(responses.DELETE, MEETING_URL, status=429, headers=track,
             json=zoom_error(429, PER_SECOND_MESSAGE))
    rsps.add(responses.DELETE, MEETING_URL, body=requests.ConnectionError(f"reset {TOKEN}"))
    rsps.add(responses.DELETE, MEETING_URL, status=204, headers=track)
    client = make_client(fake)
    with caplog.at_level(logging.DEBUG):
        meeting = client.create_meeting(HOST, NEW, passcode=passcode)
        url = client.start_url(MEETING_ID)
        client.get_meeting(MEETING_ID)
        with pytest.raises(ZoomValidationError):
            client.update_meeting(MEETING_ID, topic="Baru")
        client.delete_meeting(MEETING_ID)
    assert meeting.password == passcode
    assert url == START_URL
    text = "\n".join(
        f"{r.name} {r.levelname} {r.getMessage()} {r.__dict__}" for r in caplog.records)
    basic = base64.b64encode(b"sandbox-client:sandbox-secret").decode()
    for secret in (TOKEN, "sandbox-secret", basic, passcode, START_URL, "zak="):
        assert secret not in text, secret
    assert TRACKING_ID in text
    assert len(caplog.records) >= 8


@responses.activate
def test_a_429_asking_to_wait_minutes_is_raised_at_once_instead_of_sleeping() -> None:
    time = FakeTime()
    client = make_client(time)
    add_token(responses.mock)
    responses.add(responses.GET, f"{API}/meetings/{MEETING_ID}", status=429,
                  json={"code": 429, "message": "Too many requests."},
                  headers={"Retry-After": "600"})
    with pytest.raises(ZoomRateLimited):
        client.get_meeting(MEETING_ID)
    assert len([c for c in responses.calls if "/meetings/" in c.request.url]) == 1
    assert all(s < 60 for s in time.sleeps)


@responses.activate
def test_a_retry_after_of_zero_still_backs_off_a_little() -> None:
    time = FakeTime()
    client = make_client(time)
    add_token(responses.mock)
    url = f"{API}/meetings/{MEETING_ID}"
    responses.add(responses.GET, url, status=429, json={"code": 429, "message": "slow"},
                  headers={"Retry-After": "0"})
    responses.add(responses.GET, url, json=meeting_json())
    client.get_meeting(MEETING_ID)
    assert time.sleeps
    assert time.sleeps[0] > 0
