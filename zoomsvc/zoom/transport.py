"""The one place where HTTP requests to Zoom are sent: timeouts, token, pacing, retries, errors.

Departure from a plain ``urllib3.Retry`` on the adapter: Zoom's retry rules depend on the answer's
body (a daily-limit 429 must never be retried, a per-second one may; a 401 code 124 wants a fresh
token), and a create must never be repeated once it may have reached Zoom. So the adapter's Retry
only repeats failed *connection attempts* (nothing was sent, safe for every method) and the rest is
decided here.

Logged per call: method, path, status, milliseconds, attempt and Zoom's ``x-zm-trackingid``.
Never logged: headers, bodies, query strings, tokens, secrets, passcodes or ``start_url``.
"""

from __future__ import annotations

import base64
import html
import logging
import random
import re
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from email.utils import parsedate_to_datetime
from typing import Any

import requests
from requests.adapters import HTTPAdapter
from urllib3.exceptions import ConnectTimeoutError, NewConnectionError
from urllib3.util.retry import Retry

from zoomsvc import __version__
from zoomsvc.config.model import ZoomSettings
from zoomsvc.zoom.auth import TokenCache
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
from zoomsvc.zoom.pacing import Pacer

log = logging.getLogger("zoomsvc.zoom")
USER_AGENT = f"zoomsvc/{__version__} (+layanan zoom meeting)"
BACKOFF_BASE_S = 0.5
BACKOFF_CAP_S = 20.0
# Failed connection attempts the adapter repeats by itself (nothing was sent, so always safe).
ADAPTER_CONNECT_RETRIES = 2
DAILY_LIMIT_PATTERN = re.compile(r"daily rate limit", re.IGNORECASE)


@dataclass(frozen=True)
class Call:
    """One logical API call: what to send and how it may be retried."""

    method: str
    path: str
    label: str
    params: dict[str, Any] | None = None
    body: dict[str, Any] | None = None
    host: str = ""
    creates: bool = False  # a create is never repeated once it may have reached Zoom


@dataclass(frozen=True)
class Reply:
    """A successful answer: status and parsed JSON (empty for 204)."""

    status: int
    data: dict[str, Any]


class Transport:
    """Sends :class:`Call` objects to Zoom with the retry and error rules of docs/zoom-facts.md."""

    def __init__(
        self,
        settings: ZoomSettings,
        *,
        session: requests.Session | None = None,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
        rng: random.Random | None = None,
    ) -> None:
        self.settings = settings
        self.session = session or _new_session()
        self.tokens = TokenCache(self._fetch_token, clock=clock)
        limits = {label: settings.rate_limits.for_label(label)
                  for label in ("light", "medium", "heavy")}
        self.pacer = Pacer(limits, clock=clock, sleep=sleep)
        self._sleep = sleep
        self._rng = rng or random.Random()  # noqa: S311 - jitter, not security
        self._timeout = (settings.connect_timeout, settings.read_timeout)

    def send(self, call: Call) -> Reply:
        """Send ``call``, retrying what is safe to retry; raise a :class:`ZoomError` otherwise."""
        refreshed = False
        attempt = 0
        while True:
            attempt += 1
            token = self.tokens.get()
            self.pacer.wait(call.label)
            try:
                response = self._http(call, token, attempt)
            except requests.RequestException as exc:
                failure = self._network_failure(call, exc)
                if attempt > self.settings.max_retries or call.creates:
                    raise failure from exc
                self._sleep(self._backoff(attempt))
                continue
            if response.status_code < 400:
                return Reply(response.status_code, _json_object(response))
            error = interpret_error(response, call)
            if (isinstance(error, ZoomAuthError) and error.code == 124 and not refreshed):
                refreshed = True  # the token died early: one fresh token, one more try
                self.tokens.invalidate(token)
                continue
            if not self._may_retry(error, call, attempt):
                raise error
            wait = retry_after_seconds(response.headers.get("Retry-After"))
            if wait is not None and wait > BACKOFF_CAP_S:
                raise error  # a wait of minutes is no per-second limit: let the caller decide
            delay = wait if wait else self._backoff(attempt)
            if isinstance(error, ZoomRateLimited):
                self.pacer.hold(call.label, delay)
            self._sleep(delay)

    def _may_retry(self, error: ZoomError, call: Call, attempt: int) -> bool:
        if attempt > self.settings.max_retries or isinstance(error, DailyLimitReached):
            return False
        if isinstance(error, ZoomRateLimited):
            return True  # a per-second 429 did nothing on Zoom, even for a create
        return isinstance(error, ZoomUnavailable) and not call.creates

    def _network_failure(self, call: Call, exc: requests.RequestException) -> ZoomError:
        never_sent = isinstance(exc, requests.ConnectTimeout) or _is_refused(exc)
        kind = type(exc).__name__
        log.warning("zoom %s %s failed: %s", call.method, call.path, kind)
        if call.creates and not never_sent:
            return ZoomOutcomeUnknown(f"Zoom did not answer the create ({kind}); the meeting "
                                      "may exist")
        return ZoomUnavailable(f"Zoom could not be reached ({kind})")

    def _backoff(self, attempt: int) -> float:
        ceiling = min(BACKOFF_CAP_S, BACKOFF_BASE_S * 2.0 ** (attempt - 1))
        return ceiling / 2 + self._rng.uniform(0, ceiling / 2)

    def _http(self, call: Call, token: str, attempt: int) -> requests.Response:
        url = self.settings.api_base_url.rstrip("/") + call.path
        started = time.perf_counter()
        response = self.session.request(
            call.method, url, params=call.params, json=call.body, timeout=self._timeout,
            headers={"Authorization": f"Bearer {token}", "User-Agent": USER_AGENT},
        )
        log.info("zoom %s %s -> %s in %.0f ms (attempt %d, trackingid %s)", call.method,
                 call.path, response.status_code, (time.perf_counter() - started) * 1000,
                 attempt, response.headers.get("x-zm-trackingid", "-"))
        return response

    def _fetch_token(self) -> tuple[str, float]:
        """Ask Zoom's OAuth endpoint for an account-credentials token."""
        s = self.settings
        basic = base64.b64encode(f"{s.client_id}:{s.client_secret}".encode()).decode()
        for attempt in range(1, s.max_retries + 2):
            try:
                response = self.session.post(
                    s.oauth_url, timeout=self._timeout,
                    data={"grant_type": "account_credentials", "account_id": s.account_id},
                    headers={"Authorization": f"Basic {basic}", "User-Agent": USER_AGENT},
                )
            except requests.RequestException as exc:
                if attempt > s.max_retries:
                    raise ZoomUnavailable(f"Zoom OAuth unreachable ({type(exc).__name__})"
                                          ) from exc
                self._sleep(self._backoff(attempt))
                continue
            log.info("zoom POST oauth/token -> %s (trackingid %s)", response.status_code,
                     response.headers.get("x-zm-trackingid", "-"))
            status = response.status_code
            if status >= 500 or status == 429:
                # Zoom busy or down, not a verdict on the credentials: retry, then say so.
                if attempt <= s.max_retries:
                    self._sleep(self._backoff(attempt))
                    continue
                tracking = response.headers.get("x-zm-trackingid")
                if status == 429:
                    raise ZoomRateLimited("Zoom OAuth rate-limited the token request",
                                          status=status, tracking_id=tracking)
                raise ZoomUnavailable(f"Zoom OAuth answered HTTP {status}", status=status,
                                      tracking_id=tracking)
            data = _json_object(response)
            token = data.get("access_token")
            if response.status_code != 200 or not isinstance(token, str):
                reason = data.get("reason") or data.get("error") or f"HTTP {response.status_code}"
                raise ZoomAuthError(f"Zoom refused the credentials: {reason}",
                                    status=response.status_code)
            expires_in = data.get("expires_in")
            lifetime = float(expires_in) if isinstance(expires_in, int | float) else 3600.0
            return token, lifetime
        raise ZoomUnavailable("Zoom OAuth kept failing")


def interpret_error(response: requests.Response, call: Call) -> ZoomError:
    """Turn an error answer into the matching :class:`ZoomError` (JSON or not)."""
    status = response.status_code
    code, message, field_errors = _error_body(response)
    tracking = response.headers.get("x-zm-trackingid")
    message = message or f"HTTP {status} from Zoom"
    if status == 429:
        limit_type = response.headers.get("X-RateLimit-Type", "")
        if limit_type.lower() == "daily-limit" or DAILY_LIMIT_PATTERN.search(message):
            resets = retry_after_moment(response.headers.get("Retry-After")) or next_utc_midnight()
            return DailyLimitReached(call.host, resets, message, tracking_id=tracking)
        return ZoomRateLimited(message, status=status, code=code, tracking_id=tracking)
    kwargs: dict[str, Any] = {"status": status, "code": code, "tracking_id": tracking}
    if status == 401:
        return ZoomAuthError(message, **kwargs)
    if status == 404:
        return ZoomNotFound(message, **kwargs)
    if status == 400:
        return ZoomValidationError(message, errors=field_errors, **kwargs)
    if status >= 500:
        if call.creates:
            return ZoomOutcomeUnknown(f"Zoom answered {status} to the create; the meeting may "
                                      "exist", **kwargs)
        return ZoomUnavailable(message, **kwargs)
    return ZoomError(message, **kwargs)


def _error_body(response: requests.Response) -> tuple[int | None, str, tuple[FieldError, ...]]:
    data = _json_object(response)
    if data:
        code = data.get("code")
        errors = tuple(
            FieldError(str(e.get("field", "")), str(e.get("message", "")))
            for e in data.get("errors", []) if isinstance(e, dict)
        ) if isinstance(data.get("errors"), list) else ()
        return (code if isinstance(code, int) else None, str(data.get("message", "")), errors)
    # Zoom sometimes answers in XML (e.g. a passcode against policy); read it without a parser
    # so a hostile or broken body cannot do harm.
    text = response.text[:4000]
    code_match = re.search(r"<code>\s*(\d+)\s*</code>", text)
    message_match = re.search(r"<message>(.*?)</message>", text, re.DOTALL)
    return (int(code_match.group(1)) if code_match else None,
            html.unescape(message_match.group(1)).strip() if message_match else "", ())


def _json_object(response: requests.Response) -> dict[str, Any]:
    if not response.content:
        return {}
    try:
        data = response.json()
    except ValueError:
        return {}
    return data if isinstance(data, dict) else {}


def retry_after_seconds(value: str | None, now: datetime | None = None) -> float | None:
    """Seconds to wait from a ``Retry-After`` given as seconds or as a timestamp, or None."""
    if not value:
        return None
    value = value.strip()
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    moment = retry_after_moment(value)
    if moment is None:
        return None
    return max(0.0, (moment - (now or datetime.now(UTC))).total_seconds())


def retry_after_moment(value: str | None) -> datetime | None:
    """The instant a ``Retry-After`` timestamp names (HTTP-date or ISO 8601), or None."""
    if not value:
        return None
    try:
        moment = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        try:
            moment = datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
        except ValueError:
            return None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def next_utc_midnight(now: datetime | None = None) -> datetime:
    """When Zoom's per-host daily counters reset: the next 00:00 UTC."""
    now = now or datetime.now(UTC)
    return datetime(now.year, now.month, now.day, tzinfo=UTC) + timedelta(days=1)


def _is_refused(exc: requests.RequestException) -> bool:
    """Whether the connection itself failed, so nothing reached Zoom."""
    reason = getattr(exc.args[0], "reason", None) if exc.args else None
    return isinstance(reason, NewConnectionError | ConnectTimeoutError)


def _new_session() -> requests.Session:
    session = requests.Session()
    retry = Retry(total=ADAPTER_CONNECT_RETRIES, connect=ADAPTER_CONNECT_RETRIES, read=0,
                  status=0, other=0, redirect=0, backoff_factor=0.2, raise_on_status=False)
    adapter = HTTPAdapter(max_retries=retry, pool_connections=4, pool_maxsize=32)
    session.mount("https://", adapter)
    session.mount("http://", adapter)
    return session
