"""The Flask blueprint of ``POST /zoom/webhook``: reads the raw body and hands it to
:func:`~zoomsvc.lifecycle.webhooks.handle_webhook`.

Zoom cannot send a CSRF token: the application must exempt this blueprint from CSRF protection
(``csrf.exempt(blueprint)`` with Flask-WTF's ``CSRFProtect``); the HMAC signature protects it.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Protocol

from flask import Blueprint, Response, jsonify, request

from zoomsvc.config import Config
from zoomsvc.lifecycle.drift import PoolFacts
from zoomsvc.lifecycle.refusals import RefusalCounter
from zoomsvc.lifecycle.webhooks import MAX_BODY_BYTES, handle_webhook
from zoomsvc.store import Database


class WebhookServices(Protocol):
    """What the route needs from the application's services object."""

    @property
    def config(self) -> Config:
        """The configuration (the webhook secret token, hosts, agency zone)."""

    @property
    def db(self) -> Database:
        """The database."""

    @property
    def clock(self) -> Callable[[], datetime]:
        """The service's clock (aware UTC)."""

    @property
    def webhook_refusals(self) -> RefusalCounter:
        """Where calls refused before the database are counted."""


def webhook_blueprint(get_services: Callable[[], WebhookServices]) -> Blueprint:
    """A blueprint serving ``POST /zoom/webhook``; exempt it from CSRF when registering it."""
    blueprint = Blueprint("zoom_webhook", __name__)

    @blueprint.post("/zoom/webhook")
    def zoom_webhook() -> tuple[Response, int]:
        services = get_services()
        if (request.content_length or 0) > MAX_BODY_BYTES:
            services.webhook_refusals.refuse("too_large", request.remote_addr or "")
            return jsonify({"error": "badan permintaan terlalu besar"}), 413
        config = services.config
        status, body = handle_webhook(
            request.get_data(cache=False), dict(request.headers.items()),
            secret=config.zoom.webhook_secret_token, db=services.db, clock=services.clock,
            facts=PoolFacts.from_config(config), remote=request.remote_addr or "",
            refusals=services.webhook_refusals)
        return jsonify(body), status

    return blueprint
