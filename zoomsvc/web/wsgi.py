"""The WSGI entry point for production servers: ``gunicorn 'zoomsvc.web.wsgi:app'``.

The configuration comes from ``$ZOOMSVC_CONFIG`` (or ./zoomsvc.toml); each worker process builds
its own application, database pool and Zoom client.
"""

from __future__ import annotations

from zoomsvc.config import load_config
from zoomsvc.services import Services
from zoomsvc.store.migrate import require_schema
from zoomsvc.web import create_app

_services = Services(load_config())
require_schema(_services.db)
app = create_app(services=_services)
