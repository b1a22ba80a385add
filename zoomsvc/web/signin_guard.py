"""The sign-in throttle: which attempts must wait, counted on failures only.

Three counts, none of which can keep a person with the right password out because of someone
else's failures:

- **Per account** (known accounts in the ``users`` row, so it holds across workers and restarts;
  unknown user names in memory, so that both behave alike and nobody learns which names exist):
  after ``login_max_failures`` failures each further attempt must first wait 2, 4, 8 … seconds,
  at most ``login_lockout_minutes``. The attempt is answered 429 without looking at the password.
  A delay, never a hard lock, so an attacker cannot shut a named official out for good.
- **Per device**: a successful sign-in leaves a long-lived signed cookie naming the account. An
  attempt carrying a valid one for that account skips the account's delay and only counts its own
  failures; after ``login_max_failures`` of them the cookie is ignored until the next success
  (which issues a new one). So the official signs in from their usual browser during an attack.
- **Per address**: an address with ``ADDRESS_LIMIT`` failures in the last minute is refused for
  accounts that have failures of their own and no trusted device; an account without failures
  still gets through, because behind a reverse proxy many people share one address.

The device and address counts and the unknown names live in this process's memory: with
several gunicorn workers each keeps its own (an attacker gets up to that many times the address
and device allowance) and a restart forgets them. Each map is bounded and its entries expire, so
spraying user names or addresses cannot grow memory.
"""

from __future__ import annotations

import math
import secrets
import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from cachetools import TLRUCache, TTLCache
from itsdangerous import BadSignature, TimestampSigner, URLSafeTimedSerializer

ADDRESS_LIMIT = 20  # failed sign-ins per address per ADDRESS_WINDOW
ADDRESS_WINDOW = 60.0  # seconds
# Failures of an account are forgotten this long after its last wait ended.
FORGET_AFTER = timedelta(days=1)
DEVICE_DAYS = 180
DEVICE_COOKIE = "zoomsvc_perangkat_{user_id}"
MAX_ENTRIES = 10_000  # per in-memory map; the least recently used go first
WAIT_MESSAGE = "Terlalu banyak percobaan masuk yang gagal; tunggu {wait} lalu coba lagi."


@dataclass(frozen=True)
class Failures:
    """An account's consecutive failed sign-ins and when the next attempt may be made (set at
    every failure, so it also tells when the last one was)."""

    count: int = 0
    next_attempt: datetime | None = None

    def current(self, now: datetime) -> Failures:
        """These failures, or none once they are old enough to forget."""
        if self.next_attempt is None or now >= self.next_attempt + FORGET_AFTER:
            return Failures()
        return self

    def after_failure(self, now: datetime, threshold: int, longest: timedelta) -> Failures:
        """The failures after one more: from the ``threshold``-th on, the wait doubles."""
        count = self.current(now).count + 1
        wait = timedelta(0)
        if count >= threshold:
            # min() before 2**n would overflow a timedelta after a few hundred failures.
            wait = timedelta(seconds=min(2.0 ** min(count - threshold + 1, 64),
                                         longest.total_seconds()))
        return Failures(count, now + wait)


@dataclass(frozen=True)
class Refusal:
    """An attempt that must wait: the answer's text and its Retry-After in seconds."""

    message: str
    retry_after: int


def wait_text(seconds: int) -> str:
    """A wait in Indonesian words ("30 detik", "4 menit")."""
    return f"{seconds} detik" if seconds < 120 else f"{math.ceil(seconds / 60)} menit"


class SigninGuard:
    """The throttle of one application (see the module's text); ``clock`` is the service's."""

    def __init__(self, clock: Callable[[], datetime], secret_key: str, *, threshold: int,
                 longest: timedelta, secure_cookie: bool) -> None:
        self.clock, self.threshold, self.longest = clock, threshold, longest
        self.secure_cookie = secure_cookie
        self._serializer = URLSafeTimedSerializer(secret_key, salt="zoomsvc.signin-device",
                                                  signer=self._signer_on_clock())
        timer = self._timestamp
        self._addresses: TTLCache[str, list[float]] = TTLCache(MAX_ENTRIES, ADDRESS_WINDOW,
                                                               timer=timer)
        self._unknown: TLRUCache[str, Failures] = TLRUCache(MAX_ENTRIES, self._forget_at,
                                                            timer=timer)
        self._devices: TTLCache[str, int] = TTLCache(MAX_ENTRIES, DEVICE_DAYS * 86400.0,
                                                     timer=timer)
        self._lock = threading.Lock()

    def _signer_on_clock(self) -> type[TimestampSigner]:
        """A cookie signer that dates and ages cookies by the service's clock."""
        guard = self

        class ClockSigner(TimestampSigner):
            def get_timestamp(self) -> int:
                return int(guard._timestamp())

        return ClockSigner

    def _timestamp(self) -> float:
        return self.clock().timestamp()

    @staticmethod
    def _forget_at(_name: str, failures: Failures, _now: float) -> float:
        assert failures.next_attempt is not None
        return (failures.next_attempt + FORGET_AFTER).timestamp()

    # --- who may try ------------------------------------------------------------------------

    def refusal(self, address: str, failures: Failures, trusted: bool) -> Refusal | None:
        """Why this attempt must wait, or None when its password may be checked."""
        if trusted:
            return None  # a known device only answers for its own failures
        now = self.clock()
        failures = failures.current(now)
        if failures.next_attempt is not None and failures.next_attempt > now:
            return self._wait((failures.next_attempt - now).total_seconds())
        if failures.count:
            with self._lock:
                recent = self._recent(address)
            if len(recent) >= ADDRESS_LIMIT:
                return self._wait(recent[-ADDRESS_LIMIT] + ADDRESS_WINDOW - now.timestamp())
        return None

    def _wait(self, seconds: float) -> Refusal:
        wait = max(1, math.ceil(seconds))
        return Refusal(WAIT_MESSAGE.format(wait=wait_text(wait)), wait)

    def _recent(self, address: str) -> list[float]:
        """The address's failures within the window (call with the lock held)."""
        now = self._timestamp()
        return [at for at in self._addresses.get(address, []) if now - at < ADDRESS_WINDOW]

    # --- what happened ----------------------------------------------------------------------

    def failed(self, address: str, device: str | None) -> None:
        """Count a failure of the address and, when it came with a trusted device, the device."""
        with self._lock:
            recent = self._recent(address)
            # Only the last ADDRESS_LIMIT matter, so a busy address keeps a short list.
            self._addresses[address] = [*recent, self._timestamp()][-ADDRESS_LIMIT:]
            if device is not None:
                self._devices[device] = self._devices.get(device, 0) + 1

    def succeeded(self, device: str | None) -> None:
        """Forget the device's failures (its cookie is replaced by a new one)."""
        if device is not None:
            with self._lock:
                self._devices.pop(device, None)

    def after_failure(self, failures: Failures) -> Failures:
        """An account's failures after one more that did not come from a trusted device."""
        return failures.after_failure(self.clock(), self.threshold, self.longest)

    def unknown_name(self, name: str) -> Failures:
        """The failures counted against a user name that has no account."""
        with self._lock:
            return self._unknown.get(name, Failures())

    def set_unknown_name(self, name: str, failures: Failures) -> None:
        """Store the failures of a user name that has no account."""
        with self._lock:
            self._unknown[name] = failures

    # --- the device cookie ------------------------------------------------------------------

    def trusted_device(self, cookies: Mapping[str, str], user_id: int) -> str | None:
        """The id of the device whose cookie vouches for this account, or None (no cookie, a
        forged or expired one, one for another account, or a device that failed too often)."""
        value = cookies.get(DEVICE_COOKIE.format(user_id=user_id))
        if not value:
            return None
        try:
            payload = self._serializer.loads(value, max_age=DEVICE_DAYS * 86400)
        except BadSignature:
            return None
        if not (isinstance(payload, list) and len(payload) == 2 and payload[0] == user_id
                and isinstance(payload[1], str)):
            return None
        device: str = payload[1]
        with self._lock:
            if self._devices.get(device, 0) >= self.threshold:
                return None
        return device

    def device_cookie(self, user_id: int) -> tuple[str, str, dict[str, Any]]:
        """A new device cookie for the account: name, value and ``set_cookie`` options."""
        value = self._serializer.dumps([user_id, secrets.token_urlsafe(16)])
        options = {"max_age": DEVICE_DAYS * 86400, "path": "/masuk", "httponly": True,
                   "secure": self.secure_cookie, "samesite": "Lax"}
        return DEVICE_COOKIE.format(user_id=user_id), value, options
