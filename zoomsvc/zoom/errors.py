"""What can go wrong talking to Zoom, as a small tree of exceptions.

::

    ZoomError                    status, code, message, retryable, tracking_id
     ├── ZoomAuthError           401 (code 124 bad token, 4700 missing scope) or OAuth refused
     ├── ZoomNotFound            404 (code 3001 meeting, 1001 user)
     ├── ZoomValidationError     400 (code 300 and others), with per-field errors
     ├── ZoomRateLimited         429 per-second limit still hit after the allowed retries
     │    └── DailyLimitReached  429 per-host daily create/update limit; resets at 00:00 UTC
     ├── ZoomUnavailable         5xx, timeout or connection failure on a call that is safe to repeat
     └── ZoomOutcomeUnknown      a create whose outcome is unknown (timeout, 5xx, dropped
                                 connection after sending): the meeting may exist; reconcile
                                 before creating again

``retryable`` tells a caller whether the same call may succeed later without a change; permanent
errors (auth, validation, not found, daily limit until reset) are not retryable.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True)
class FieldError:
    """One field Zoom rejected, as given in a validation error's ``errors`` list."""

    field: str
    message: str


class ZoomError(Exception):
    """A Zoom call failed; carries the HTTP status, Zoom's code and message."""

    retryable = False

    def __init__(
        self,
        message: str,
        *,
        status: int | None = None,
        code: int | None = None,
        tracking_id: str | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.status = status
        self.code = code
        self.tracking_id = tracking_id

    def __str__(self) -> str:
        parts = [self.message]
        if self.status is not None:
            parts.append(f"HTTP {self.status}")
        if self.code is not None:
            parts.append(f"code {self.code}")
        return " · ".join(parts)


class ZoomAuthError(ZoomError):
    """Credentials, token or scopes were refused."""


class ZoomNotFound(ZoomError):
    """The meeting (3001) or user (1001) does not exist."""


class ZoomValidationError(ZoomError):
    """Zoom rejected the request's content; ``errors`` names the fields when Zoom does."""

    def __init__(
        self,
        message: str,
        *,
        errors: tuple[FieldError, ...] = (),
        status: int | None = None,
        code: int | None = None,
        tracking_id: str | None = None,
    ) -> None:
        super().__init__(message, status=status, code=code, tracking_id=tracking_id)
        self.errors = errors


class ZoomRateLimited(ZoomError):
    """The per-second rate limit was still hit after the allowed retries."""

    retryable = True


class DailyLimitReached(ZoomRateLimited):
    """A host used its 100 meeting create/update requests for the UTC day."""

    retryable = False

    def __init__(
        self, host: str, resets_at: datetime, message: str, *, tracking_id: str | None = None
    ) -> None:
        super().__init__(message, status=429, code=429, tracking_id=tracking_id)
        self.host = host
        self.resets_at = resets_at


class ZoomUnavailable(ZoomError):
    """Zoom answered 5xx, timed out or could not be reached, on a call safe to repeat."""

    retryable = True


class ZoomOutcomeUnknown(ZoomError):
    """A create may or may not have happened on Zoom: look for it before trying again."""

    retryable = True
