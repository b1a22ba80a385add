"""Start-up settings of the local Zoom sandbox (a development/test stand-in, never Zoom itself)."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from zoomsvc.config.load import DEMO_CREDENTIALS, demo_document
from zoomsvc.config.model import PLAN_RATE_LIMITS

RetryAfterForm = Literal["seconds", "timestamp", "none"]
RATE_LABELS = ("light", "medium", "heavy")
DEFAULT_USER_TIMEZONE = "Asia/Singapore"


@dataclass(frozen=True)
class SandboxUser:
    """One Zoom user of the sandbox account; ``type`` 2 = Licensed, 1 = Basic."""

    id: str
    email: str
    type: int = 2
    first_name: str = ""
    last_name: str = ""
    timezone: str = DEFAULT_USER_TIMEZONE


def default_users() -> tuple[SandboxUser, ...]:
    """The hosts of the built-in demo configuration, as sandbox users ``sbx_user_1``, ..."""
    users = []
    for index, host in enumerate(demo_document()["zoom"]["hosts"], start=1):
        first, _, last = str(host.get("label", f"Host {index}")).partition(" ")
        users.append(SandboxUser(
            id=f"sbx_user_{index}",
            email=str(host["user"]),
            type=2 if host.get("licensed", True) else 1,
            first_name=first,
            last_name=last,
        ))
    return tuple(users)


@dataclass
class SandboxOptions:
    """Everything the sandbox is started with; the fault fields can change later at runtime.

    ``plan`` picks Zoom's per-second limits (``pro``: 30/20/10, ``business``: 80/60/40 for
    light/medium/heavy); ``light_limit``/``medium_limit``/``heavy_limit`` override one label.
    ``retry_after`` is the form of the ``Retry-After`` header on per-second 429s: ``"seconds"``,
    ``"timestamp"`` (HTTP-date) or ``"none"`` (absent, the default, since Zoom does not send it
    reliably). ``clock`` returns epoch seconds; tests inject their own to move time.
    """

    account_id: str = DEMO_CREDENTIALS["account_id"]
    client_id: str = DEMO_CREDENTIALS["client_id"]
    client_secret: str = field(default=DEMO_CREDENTIALS["client_secret"], repr=False)
    users: tuple[SandboxUser, ...] = field(default_factory=default_users)
    # The demo configuration declares a business account; matching it avoids spurious 429s.
    plan: str = "business"
    light_limit: float | None = None
    medium_limit: float | None = None
    heavy_limit: float | None = None
    daily_limit: int = 100
    retry_after: RetryAfterForm = "none"
    token_ttl: int = 3600
    page_token_ttl: int = 15 * 60
    fail_next: int = 0
    error_rate: float = 0.0
    delay_ms: int = 0
    drop_next_create: int = 0
    drop_delay_s: float = 30.0
    seed: int | None = None
    state_file: Path | str | None = None
    public_url: str | None = None
    clock: Callable[[], float] = time.time

    def __post_init__(self) -> None:
        if self.plan not in PLAN_RATE_LIMITS:
            raise ValueError(f"plan must be one of {sorted(PLAN_RATE_LIMITS)}, not {self.plan!r}")
        if self.retry_after not in ("seconds", "timestamp", "none"):
            raise ValueError(f"retry_after: seconds, timestamp or none, not {self.retry_after!r}")
        if not self.users:
            raise ValueError("the sandbox needs at least one user")
        if self.daily_limit < 1 or self.token_ttl < 1:
            raise ValueError("daily_limit and token_ttl must be positive")

    def rate_limits(self) -> dict[str, float]:
        """Requests per second allowed per rate-limit label (lower-case label names)."""
        limits = dict(PLAN_RATE_LIMITS[self.plan])
        for label in RATE_LABELS:
            override: float | None = getattr(self, f"{label}_limit")
            if override is not None:
                limits[label] = override
        return limits
