"""Server-to-Server OAuth: one cached access token per process, shared by all threads.

The token is refreshed a minute before it expires (as Zoom's own SDKs do) and, after a 401 with
code 124, once more on demand. A hundred calls cost one token request.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

# Refresh this long before the announced expiry so no call goes out with a dying token.
REFRESH_MARGIN_S = 60.0


@dataclass(frozen=True)
class AccessToken:
    """An access token and the monotonic time after which it must not be used."""

    value: str
    usable_until: float


class TokenCache:
    """Caches the account's access token; ``fetch`` asks Zoom for a new one."""

    def __init__(
        self,
        fetch: Callable[[], tuple[str, float]],
        *,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._fetch = fetch
        self._clock = clock
        self._lock = threading.Lock()
        self._token: AccessToken | None = None
        self.requests = 0

    def get(self) -> str:
        """A token valid for at least the refresh margin, fetched only when needed."""
        with self._lock:
            token = self._token
            if token is None or self._clock() >= token.usable_until:
                token = self._refresh()
            return token.value

    def invalidate(self, rejected: str) -> None:
        """Forget ``rejected`` (Zoom said 124), unless another thread already replaced it."""
        with self._lock:
            if self._token is not None and self._token.value == rejected:
                self._token = None

    def _refresh(self) -> AccessToken:
        value, expires_in = self._fetch()
        self.requests += 1
        margin = min(REFRESH_MARGIN_S, expires_in / 2)
        self._token = AccessToken(value, self._clock() + expires_in - margin)
        return self._token
