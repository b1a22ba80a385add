"""The webhook blueprint in a Flask app with CSRF protection on, as the web application mounts
it: the raw body reaches the signature check, and the route must be exempted from CSRF."""

from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

import pytest
from conftest import NOW, Clock
from flask import Flask
from flask.testing import FlaskClient
from flask_wtf.csrf import CSRFProtect
from lifecycle_support import (
    SECRET,
    add_meeting,
    add_request,
    meeting_event,
    meeting_status,
    signed,
)

from zoomsvc.config import Config
from zoomsvc.lifecycle.refusals import RefusalCounter
from zoomsvc.store import Database
from zoomsvc.web.webhook import webhook_blueprint
from zoomsvc.workflow import State

START = datetime(2026, 11, 24, 1, 0, tzinfo=UTC)


@dataclass
class Services:
    config: Config
    db: Database
    clock: Clock
    webhook_refusals: RefusalCounter = field(default_factory=RefusalCounter)


def app_with(services: Services, *, exempt: bool) -> FlaskClient:
    app = Flask("test")
    app.config.update(SECRET_KEY="x" * 40, TESTING=True)
    csrf = CSRFProtect(app)
    blueprint = webhook_blueprint(lambda: services)
    if exempt:
        csrf.exempt(blueprint)
    app.register_blueprint(blueprint)
    return app.test_client()


@pytest.fixture
def services(config: Config, db: Database, clock: Clock) -> Services:
    return Services(config, db, clock)


def test_a_signed_event_through_the_route_is_applied(services: Services) -> None:
    code = add_request(services.db, state=State.SENT, start=START,
                       end=START + timedelta(hours=1), now=NOW)
    add_meeting(services.db, code, zoom_id=812345678, start=START,
                end=START + timedelta(hours=1), now=NOW)
    # Keys Zoom would never sort or space like json.dumps: the raw bytes are what is signed.
    raw, headers = signed(meeting_event("meeting.deleted", 812345678, 1_795_000_000_000),
                          at=services.clock.now)
    answer = app_with(services, exempt=True).post("/zoom/webhook", data=raw, headers=headers)
    assert answer.status_code == 200, answer.get_data(as_text=True)
    assert answer.get_json() == {"status": "applied"}
    assert meeting_status(services.db, code) == ["gone_outside"]


def test_the_url_validation_through_the_route(services: Services) -> None:
    raw, headers = signed(b'{"event":"endpoint.url_validation","payload":{"plainToken":"pt-1"}}',
                          at=services.clock.now)
    answer = app_with(services, exempt=True).post("/zoom/webhook", data=raw, headers=headers)
    expected = hmac.new(SECRET.encode(), b"pt-1", hashlib.sha256).hexdigest()
    assert answer.get_json() == {"plainToken": "pt-1", "encryptedToken": expected}


def test_without_the_csrf_exemption_zoom_is_turned_away(services: Services) -> None:
    raw, headers = signed(b'{"event":"endpoint.url_validation","payload":{"plainToken":"pt"}}',
                          at=services.clock.now)
    answer = app_with(services, exempt=False).post("/zoom/webhook", data=raw, headers=headers)
    assert answer.status_code == 400  # Flask-WTF: "The CSRF token is missing."


def test_a_forged_call_through_the_route_is_a_401(services: Services) -> None:
    raw, headers = signed(b'{"event":"meeting.deleted"}', secret="wrong", at=services.clock.now)
    answer = app_with(services, exempt=True).post("/zoom/webhook", data=raw, headers=headers)
    assert answer.status_code == 401
    assert services.webhook_refusals.by_reason() == {"bad_signature": 1}


def test_an_oversized_body_is_refused_by_its_length(services: Services) -> None:
    answer = app_with(services, exempt=True).post("/zoom/webhook", data=b"x" * 300_000)
    assert answer.status_code == 413
    assert services.webhook_refusals.by_reason() == {"too_large": 1}
