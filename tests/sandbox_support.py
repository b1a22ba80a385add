"""Shared helpers for the sandbox tests (no tests here): a movable clock and a signed-in client."""

from __future__ import annotations

import base64
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from flask.testing import FlaskClient
from werkzeug.test import TestResponse

from zoomsvc.config.load import DEMO_CREDENTIALS
from zoomsvc.zoom.sandbox import SandboxOptions, SandboxState, create_sandbox_app

# Tuesday 2030-03-05 01:00 UTC: far from midnight, so daily-limit tests control the reset.
START = datetime(2030, 3, 5, 1, 0, tzinfo=UTC).timestamp()
HOST1 = "zoom1@kominfo.tarakankota.go.id"
HOST2 = "zoom2@kominfo.tarakankota.go.id"
BASE = "http://localhost"


class FakeClock:
    """A clock the tests move by hand instead of sleeping."""

    def __init__(self, start: float = START) -> None:
        self.now = start

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


def basic_auth(client_id: str = DEMO_CREDENTIALS["client_id"],
               secret: str = DEMO_CREDENTIALS["client_secret"]) -> dict[str, str]:
    raw = base64.b64encode(f"{client_id}:{secret}".encode()).decode()
    return {"Authorization": f"Basic {raw}"}


def token_query(account: str = DEMO_CREDENTIALS["account_id"],
                grant: str = "account_credentials") -> str:
    return f"/oauth/token?grant_type={grant}&account_id={account}"


@dataclass
class Sandbox:
    """A Flask test client on a fresh sandbox, with a valid bearer token."""

    client: FlaskClient
    state: SandboxState
    clock: FakeClock
    token: str = ""
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def auth(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token}"}

    def sign_in(self) -> str:
        answer = self.client.post(token_query(), headers=basic_auth())
        assert answer.status_code == 200, answer.get_data(as_text=True)
        self.token = answer.get_json()["access_token"]
        return self.token

    def get(self, path: str, **kwargs: Any) -> TestResponse:
        return self.client.get(path, headers=self.auth, **kwargs)

    def create(self, host: str = HOST1, **body: Any) -> TestResponse:
        body.setdefault("topic", "Rapat koordinasi")
        body.setdefault("type", 2)
        body.setdefault("start_time", "2030-03-06T02:00:00Z")
        body.setdefault("duration", 60)
        body.setdefault("timezone", "Asia/Singapore")
        return self.client.post(f"/v2/users/{host}/meetings", json=body, headers=self.auth)

    def create_ok(self, host: str = HOST1, **body: Any) -> dict[str, Any]:
        answer = self.create(host, **body)
        assert answer.status_code == 201, answer.get_data(as_text=True)
        data: dict[str, Any] = answer.get_json()
        return data

    def patch(self, meeting_id: int | str, body: Any) -> TestResponse:
        return self.client.patch(f"/v2/meetings/{meeting_id}", json=body, headers=self.auth)

    def delete(self, meeting_id: int | str, query: str = "") -> TestResponse:
        return self.client.delete(f"/v2/meetings/{meeting_id}{query}", headers=self.auth)

    def faults(self, **faults: Any) -> TestResponse:
        return self.client.post("/_sandbox/faults", json=faults)

    def stats(self) -> dict[str, Any]:
        data: dict[str, Any] = self.client.get("/_sandbox/stats").get_json()
        return data


def make_sandbox(sign_in: bool = True, **options: Any) -> Sandbox:
    """A sandbox on a :class:`FakeClock` with ``options``; signed in unless told not to."""
    clock = options.pop("clock", None) or FakeClock()
    state = SandboxState(SandboxOptions(clock=clock, seed=options.pop("seed", 7), **options))
    app = create_sandbox_app(state=state)
    sandbox = Sandbox(client=app.test_client(), state=state, clock=clock)
    if sign_in:
        sandbox.sign_in()
    return sandbox
