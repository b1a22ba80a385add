"""Running the sandbox: in a background thread for tests and benchmarks, or in the foreground."""

from __future__ import annotations

import sys
import threading
from types import TracebackType

from werkzeug.serving import BaseWSGIServer, WSGIRequestHandler, make_server

from zoomsvc.config.model import is_loopback_url
from zoomsvc.zoom.sandbox.app import create_sandbox_app
from zoomsvc.zoom.sandbox.options import SandboxOptions
from zoomsvc.zoom.sandbox.state import SandboxState


class QuietRequestHandler(WSGIRequestHandler):
    """werkzeug's handler without the per-request access log (tests send thousands)."""

    def log_request(self, code: int | str = "-", size: int | str = "-") -> None:
        """Log nothing."""


def _url(host: str, port: int) -> str:
    return f"http://[{host}]:{port}" if ":" in host else f"http://{host}:{port}"


# How often the serving thread looks for a stop request; werkzeug's 0.5 s makes every stop slow.
SHUTDOWN_POLL_S = 0.02


class SandboxServer:
    """The sandbox on a werkzeug threaded server in a daemon thread; ``port=0`` picks a free port.

    Use as a context manager (``with SandboxServer() as sandbox: ... sandbox.url``) or call
    :meth:`start` and :meth:`stop`.
    """

    def __init__(self, options: SandboxOptions | None = None, host: str = "127.0.0.1",
                 port: int = 0, *, state: SandboxState | None = None, quiet: bool = True) -> None:
        self.state = state or SandboxState(options)
        self.options = self.state.options
        self.app = create_sandbox_app(state=self.state)
        self.host = host
        self.port = port
        self.quiet = quiet
        self._server: BaseWSGIServer | None = None
        self._thread: threading.Thread | None = None

    @property
    def url(self) -> str:
        """Base URL, e.g. ``http://127.0.0.1:54321`` (the API is under ``/v2``)."""
        return _url(self.host, self.port)

    def start(self) -> SandboxServer:
        """Bind and start serving in a daemon thread."""
        if self._server is not None:
            return self
        handler = QuietRequestHandler if self.quiet else WSGIRequestHandler
        self._server = make_server(self.host, self.port, self.app, threaded=True,
                                   request_handler=handler)
        self.port = self._server.server_port
        self._thread = threading.Thread(target=self._server.serve_forever, args=(SHUTDOWN_POLL_S,),
                                        name=f"zoom-sandbox-{self.port}", daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        """Stop serving and release the port."""
        server, thread = self._server, self._thread
        self._server = self._thread = None
        if server is not None:
            server.shutdown()
            server.server_close()
        if thread is not None:
            thread.join(timeout=5)

    def __enter__(self) -> SandboxServer:
        return self.start()

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.stop()


def run_sandbox(host: str = "127.0.0.1", port: int = 9901,
                options: SandboxOptions | None = None) -> None:
    """Serve the sandbox in the foreground until interrupted (for a CLI command)."""
    url = _url(host, port)
    if not is_loopback_url(url):
        # Admin endpoints have no authentication: anyone who can reach the port controls it.
        print(f"WARNING: the sandbox listens on {host}, not loopback; its /_sandbox admin "
              "endpoints are open to the network.", file=sys.stderr)
    server = make_server(host, port, create_sandbox_app(options), threaded=True)
    print(f"zoomsvc Zoom sandbox (NOT Zoom) on {_url(host, server.server_port)} "
          f"- API at /v2, OAuth at /oauth/token; Ctrl+C stops it.", file=sys.stderr)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
