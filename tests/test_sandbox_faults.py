"""The Zoom sandbox's injected faults, admin endpoints, state file and real threaded server."""

from __future__ import annotations

import json
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
import requests
from sandbox_support import HOST1, FakeClock, Sandbox, basic_auth, make_sandbox, token_query

from zoomsvc.zoom.sandbox import SandboxOptions, SandboxServer, SandboxState
from zoomsvc.zoom.sandbox.options import SandboxUser


@pytest.fixture
def sbx() -> Sandbox:
    return make_sandbox()


def server_session(server: SandboxServer) -> requests.Session:
    session = requests.Session()
    answer = session.post(f"{server.url}/oauth/token", timeout=5, auth=(
        "sandbox-client", "sandbox-secret"), params={"grant_type": "account_credentials",
                                                     "account_id": "sandbox-account"})
    session.headers["Authorization"] = f"Bearer {answer.json()['access_token']}"
    return session


# Faults -----------------------------------------------------------------------------------------

def test_fail_next_answers_5xx_with_an_html_body_and_does_nothing() -> None:
    sbx = make_sandbox(fail_next=3)
    answers = [sbx.create() for _ in range(3)]
    assert [a.status_code for a in answers] == [500, 502, 503]
    for answer in answers:
        assert answer.mimetype == "text/html"
        with pytest.raises(json.JSONDecodeError):
            json.loads(answer.get_data(as_text=True))
    assert sbx.stats()["live_meetings"] == 0
    assert sbx.stats()["injected_5xx"] == 3
    assert sbx.create().status_code == 201


def test_fail_next_comes_before_the_token_check(sbx: Sandbox) -> None:
    sbx.faults(fail_next=1)
    assert sbx.client.get("/v2/users").status_code == 500
    assert sbx.client.get("/v2/users").status_code == 401


def test_error_rate_fails_that_fraction_of_requests_with_a_seeded_rng() -> None:
    def statuses(seed: int) -> list[int]:
        sbx = make_sandbox(error_rate=0.5, seed=seed, medium_limit=1000)
        return [sbx.get("/v2/users").status_code for _ in range(200)]

    first = statuses(11)
    failures = sum(1 for s in first if s >= 500)
    assert 60 <= failures <= 140
    assert set(first) <= {200, 500, 502, 503}
    assert statuses(11) == first
    assert all(s == 200 for s in [make_sandbox(error_rate=0.0).get("/v2/users").status_code])


def test_delay_ms_adds_latency_to_api_requests_only() -> None:
    sbx = make_sandbox(delay_ms=150)
    began = time.perf_counter()
    sbx.client.get("/")
    assert time.perf_counter() - began < 0.1
    began = time.perf_counter()
    assert sbx.get("/v2/users").status_code == 200
    assert time.perf_counter() - began >= 0.15


def test_dropped_create_stores_the_meeting_but_the_client_sees_a_connection_error() -> None:
    with SandboxServer(SandboxOptions(drop_next_create=1)) as server:
        session = server_session(server)
        body = {"topic": "Hilang", "type": 2, "start_time": "2031-01-06T02:00:00Z",
                "duration": 30}
        began = time.perf_counter()
        with pytest.raises(requests.ConnectionError):
            session.post(f"{server.url}/v2/users/{HOST1}/meetings", json=body, timeout=5)
        assert time.perf_counter() - began < 2  # shut down at once, not a read timeout
        stored = session.get(f"{server.url}/_sandbox/meetings", timeout=5).json()["meetings"]
        assert [m["topic"] for m in stored] == ["Hilang"]
        assert server.state.stats_view()["drops"] == 1
        second = session.post(f"{server.url}/v2/users/{HOST1}/meetings", json=body, timeout=5)
        assert second.status_code == 201


def test_dropped_create_under_the_test_client_sleeps_then_answers_504() -> None:
    sbx = make_sandbox(drop_next_create=1, drop_delay_s=0.05)
    answer = sbx.create()
    assert answer.status_code == 504
    assert sbx.stats()["live_meetings"] == 1


# Admin endpoints --------------------------------------------------------------------------------

def test_faults_endpoint_sets_and_reports_the_fault_settings(sbx: Sandbox) -> None:
    answer = sbx.faults(fail_next=2, error_rate=0.25, delay_ms=0, drop_next_create=1,
                        token_ttl=60)
    assert answer.status_code == 200
    assert answer.get_json() == {"fail_next": 2, "error_rate": 0.25, "delay_ms": 0,
                                 "drop_next_create": 1, "drop_delay_s": 30.0, "token_ttl": 60}
    assert sbx.client.get("/_sandbox/faults").get_json()["fail_next"] == 2
    new_token = sbx.client.post(token_query(), headers=basic_auth()).get_json()
    assert new_token["expires_in"] == 60


@pytest.mark.parametrize("body", [{"explode": 1}, {"error_rate": 2}, {"fail_next": -1},
                                  {"fail_next": 1.5}, {"expire_tokens": "yes"}, [1]])
def test_faults_endpoint_refuses_unknown_keys_and_bad_values(sbx: Sandbox, body: object) -> None:
    answer = sbx.client.post("/_sandbox/faults", json=body)
    assert answer.status_code == 400
    assert "error" in answer.get_json()
    assert sbx.client.get("/_sandbox/faults").get_json()["fail_next"] == 0


def test_stats_count_requests_by_method_and_label(sbx: Sandbox) -> None:
    meeting_id = sbx.create_ok()["id"]
    sbx.get(f"/v2/meetings/{meeting_id}")
    sbx.patch(meeting_id, {"topic": "x"})
    sbx.get("/v2/users")
    sbx.delete(meeting_id)
    stats = sbx.stats()
    assert stats["requests"] == {"POST medium": 1, "GET light": 1, "PATCH light": 1,
                                 "GET medium": 1, "DELETE light": 1}
    assert (stats["creates"], stats["updates"], stats["deletes"]) == (1, 1, 1)
    assert stats["token_requests"] == 1
    assert stats["live_meetings"] == 0


def test_reset_clears_meetings_counters_limits_and_faults() -> None:
    sbx = make_sandbox(daily_limit=1)
    sbx.create_ok()
    sbx.faults(fail_next=5)
    answer = sbx.client.post("/_sandbox/reset")
    assert answer.status_code == 200
    stats = sbx.stats()
    assert (stats["creates"], stats["live_meetings"], stats["requests"]) == (0, 0, {})
    assert sbx.client.get("/_sandbox/faults").get_json()["fail_next"] == 0
    assert sbx.create().status_code == 201  # the daily counter was reset and the token kept


def test_admin_meeting_list_shows_deleted_meetings_with_a_flag(sbx: Sandbox) -> None:
    kept = sbx.create_ok()["id"]
    gone = sbx.create_ok(start_time="2030-03-07T02:00:00Z")["id"]
    sbx.delete(gone)
    listed = sbx.client.get("/_sandbox/meetings").get_json()["meetings"]
    assert [(m["id"], m["deleted"]) for m in listed] == [(kept, False), (gone, True)]


def test_seeding_a_meeting_needs_a_known_host_and_validates_the_body(sbx: Sandbox) -> None:
    assert sbx.client.post("/_sandbox/meetings", json={"topic": "x"}).status_code == 400
    unknown = sbx.client.post("/_sandbox/meetings", json={"host": "nobody"})
    assert unknown.get_json()["code"] == 1001
    long_topic = sbx.client.post("/_sandbox/meetings", json={"host": HOST1, "topic": "x" * 201})
    assert long_topic.status_code == 400
    seeded = sbx.client.post("/_sandbox/meetings", json={
        "host": HOST1, "topic": "Benih", "start_time": "2030-03-06T02:00:00Z", "duration": 30})
    assert sbx.get(f"/v2/meetings/{seeded.get_json()['id']}").get_json()["topic"] == "Benih"


# State file ---------------------------------------------------------------------------------------

def test_state_file_round_trip_keeps_meetings_tokens_and_daily_counts(tmp_path: Path) -> None:
    path = tmp_path / "sandbox-state.json"
    clock = FakeClock()
    sbx = make_sandbox(state_file=path, clock=clock, daily_limit=2)
    kept = sbx.create_ok()["id"]
    gone = sbx.create_ok(start_time="2030-03-07T02:00:00Z")["id"]
    sbx.delete(gone)
    assert json.loads(path.read_text())["version"] == 1
    assert sorted(p.name for p in tmp_path.iterdir()) == ["sandbox-state.json"]

    again = make_sandbox(sign_in=False, state_file=path, clock=clock, daily_limit=2)
    again.token = sbx.token
    assert again.get(f"/v2/meetings/{kept}").get_json()["id"] == kept
    assert again.get(f"/v2/meetings/{gone}").status_code == 404
    assert again.create().status_code == 429  # two creates already counted today


def test_a_state_file_of_another_kind_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "other.json"
    path.write_text('{"version": 99}')
    with pytest.raises(ValueError, match="not a zoomsvc sandbox state file"):
        SandboxState(SandboxOptions(state_file=path))


# Options and the real server ----------------------------------------------------------------------

def test_options_refuse_an_unknown_plan_or_retry_after_form() -> None:
    with pytest.raises(ValueError, match="plan"):
        SandboxOptions(plan="enterprise-plus")
    with pytest.raises(ValueError, match="retry_after"):
        SandboxOptions(retry_after="minutes")  # type: ignore[arg-type]


def test_custom_users_replace_the_demo_hosts() -> None:
    users = (SandboxUser(id="u1", email="a@example.org", type=1),)
    sbx = make_sandbox(users=users)
    assert [u["email"] for u in sbx.get("/v2/users").get_json()["users"]] == ["a@example.org"]


def test_server_picks_a_free_port_serves_concurrent_clients_and_stops() -> None:
    with SandboxServer() as server:
        assert server.port > 0
        assert server.url == f"http://127.0.0.1:{server.port}"
        session = server_session(server)
        home = requests.get(server.url, timeout=5)
        assert home.headers["X-Zoomsvc-Sandbox"] == "1"

        def create(index: int) -> int:
            body = {"topic": f"Paralel {index}", "type": 2, "duration": 30,
                    "start_time": "2031-01-06T02:00:00Z"}
            # One connection per call: requests.Session is not guaranteed thread-safe.
            answer = requests.post(f"{server.url}/v2/users/{HOST1}/meetings", json=body,
                                   headers=session.headers, timeout=10)
            assert answer.status_code == 201
            meeting_id: int = answer.json()["id"]
            assert answer.json()["join_url"].startswith(f"{server.url}/j/")
            return meeting_id

        with ThreadPoolExecutor(max_workers=8) as pool:
            ids = list(pool.map(create, range(24)))
        assert len(set(ids)) == 24
        assert server.state.stats_view()["creates"] == 24
        url = server.url
    with pytest.raises(requests.ConnectionError):
        requests.get(url, timeout=2)
