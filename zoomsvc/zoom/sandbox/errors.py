"""Error answers shaped like Zoom's: JSON ``{"code", "message"[, "errors"]}`` or, sometimes, XML."""

from __future__ import annotations

import json
from typing import Any
from xml.sax.saxutils import escape


class SandboxHttpError(Exception):
    """An HTTP error answer; raised anywhere in a handler and rendered by the app."""

    def __init__(self, status: int, body: dict[str, Any] | str,
                 content_type: str = "application/json",
                 headers: dict[str, str] | None = None) -> None:
        super().__init__(f"{status}: {body}")
        self.status = status
        self.body = body
        self.content_type = content_type
        self.headers = dict(headers or {})

    def payload(self) -> str:
        """The response body as text."""
        return self.body if isinstance(self.body, str) else json.dumps(self.body)


def zoom_error(status: int, code: int, message: str,
               errors: list[dict[str, str]] | None = None,
               headers: dict[str, str] | None = None) -> SandboxHttpError:
    """Zoom's usual JSON error body."""
    body: dict[str, Any] = {"code": code, "message": message}
    if errors:
        body["errors"] = errors
    return SandboxHttpError(status, body, headers=headers)


def validation_error(field: str, message: str) -> SandboxHttpError:
    """400 code 300 naming one invalid field, as Zoom's validation failures do."""
    return zoom_error(400, 300, "Validation Failed.", [{"field": field, "message": message}])


def xml_error(code: int, message: str, status: int = 400) -> SandboxHttpError:
    """A non-JSON error body; real Zoom answers some passcode failures like this."""
    body = ('<?xml version="1.0" encoding="UTF-8"?>'
            f"<result><code>{code}</code><message>{escape(message)}</message></result>")
    return SandboxHttpError(status, body, content_type="application/xml")


def html_error(status: int) -> SandboxHttpError:
    """A gateway-style HTML page, the body a load balancer in front of Zoom answers with."""
    reason = {500: "Internal Server Error", 502: "Bad Gateway", 503: "Service Unavailable",
              504: "Gateway Timeout"}.get(status, "Error")
    body = (f"<html><head><title>{status} {reason}</title></head><body><center><h1>{status} "
            f"{reason}</h1></center><hr><center>zoomsvc sandbox</center></body></html>")
    return SandboxHttpError(status, body, content_type="text/html; charset=utf-8")


def user_not_found(user_id: str) -> SandboxHttpError:
    """404 code 1001."""
    return zoom_error(404, 1001, f"User does not exist: {user_id}.")


def meeting_not_found(meeting_id: str | int) -> SandboxHttpError:
    """404 code 3001."""
    return zoom_error(404, 3001, f"Meeting does not exist: {meeting_id}.")
