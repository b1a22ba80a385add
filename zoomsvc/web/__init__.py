"""The web application: staff form, review and signing, agency portal, verification page,
JSON API. Server-rendered pages in Indonesian; no JavaScript framework."""

from __future__ import annotations

import secrets
from datetime import timedelta
from typing import Any

from flask import Flask
from werkzeug.middleware.proxy_fix import ProxyFix

from zoomsvc.config import Config, load_config
from zoomsvc.services import Services
from zoomsvc.web import (
    actions,
    api,
    auth,
    calendar_view,
    changes,
    context,
    downloads,
    inbox,
    pages,
    portal,
    security,
    verify,
)
from zoomsvc.web.context import install_template_helpers
from zoomsvc.web.webhook import webhook_blueprint


def create_app(config: Config | None = None, services: Services | None = None,
               test_config: dict[str, Any] | None = None) -> Flask:
    """Build the Flask application for a configuration (read from the usual places if None)."""
    config = config or (services.config if services else load_config())
    app = Flask(__name__)
    web = config.web
    app.config.update(
        # Without a configured key every start invents one: sessions and links then end at a
        # restart, which is safe, merely inconvenient.
        SECRET_KEY=web.secret_key or secrets.token_urlsafe(48),
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        SESSION_COOKIE_SECURE=web.session_cookie_secure,
        SESSION_COOKIE_NAME="zoomsvc_session",
        PERMANENT_SESSION_LIFETIME=timedelta(hours=web.session_hours),
        MAX_CONTENT_LENGTH=(web.max_upload_mb + 1) * 1024 * 1024,
        WTF_CSRF_TIME_LIMIT=web.session_hours * 3600,
    )
    if test_config:
        app.config.update(test_config)
    app.extensions["zoomsvc"] = services = services or Services(config)
    if web.trusted_proxies:
        # The client's address and scheme as the proxies saw them; only as many hops as are
        # trusted, so a client cannot claim another address by sending the header itself.
        app.wsgi_app = ProxyFix(  # type: ignore[method-assign]
            app.wsgi_app, x_for=web.trusted_proxies, x_proto=web.trusted_proxies)
    security.install(app)
    auth.install_signin_guard(app, services)
    install_template_helpers(app)
    webhooks = webhook_blueprint(context.services)
    for blueprint in (auth.bp, pages.bp, actions.bp, calendar_view.bp, portal.bp, verify.bp,
                      downloads.bp, api.bp, webhooks):
        app.register_blueprint(blueprint)
    # These authenticate every call themselves (bearer token, Zoom's signature); no cookies.
    changes.install(app)
    inbox.install(app)
    security.exempt_from_csrf(app, api.bp)
    security.exempt_from_csrf(app, webhooks)
    return app
