"""Everything that talks to Zoom: the client (the only HTTP to Zoom), its errors, the sandbox."""

from zoomsvc.zoom.client import ZoomClient
from zoomsvc.zoom.errors import (
    DailyLimitReached,
    FieldError,
    ZoomAuthError,
    ZoomError,
    ZoomNotFound,
    ZoomOutcomeUnknown,
    ZoomRateLimited,
    ZoomUnavailable,
    ZoomValidationError,
)
from zoomsvc.zoom.models import NewMeeting, ZoomMeeting, ZoomUser

__all__ = [
    "DailyLimitReached",
    "FieldError",
    "NewMeeting",
    "ZoomAuthError",
    "ZoomClient",
    "ZoomError",
    "ZoomMeeting",
    "ZoomNotFound",
    "ZoomOutcomeUnknown",
    "ZoomRateLimited",
    "ZoomUnavailable",
    "ZoomUser",
    "ZoomValidationError",
]
