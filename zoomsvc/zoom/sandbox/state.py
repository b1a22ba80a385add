"""Everything the sandbox remembers, behind one lock; optionally mirrored to a JSON file."""

from __future__ import annotations

import base64
import json
import os
import random
import secrets
import tempfile
import threading
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from zoomsvc.zoom.sandbox.limits import DailyLimiter, QpsLimiter
from zoomsvc.zoom.sandbox.meetings import is_expired, is_visible
from zoomsvc.zoom.sandbox.options import SandboxOptions, SandboxUser

STATE_VERSION = 1


@dataclass
class Faults:
    """Injected misbehaviour; set at start from the options, changed at runtime by admin calls."""

    fail_next: int = 0
    error_rate: float = 0.0
    delay_ms: int = 0
    drop_next_create: int = 0
    drop_delay_s: float = 30.0
    token_ttl: int = 3600

    @classmethod
    def from_options(cls, options: SandboxOptions) -> Faults:
        """The fault settings an options object starts with."""
        return cls(options.fail_next, options.error_rate, options.delay_ms,
                   options.drop_next_create, options.drop_delay_s, options.token_ttl)

    def as_dict(self) -> dict[str, Any]:
        """JSON view for the admin endpoint."""
        return asdict(self)


def new_stats() -> dict[str, Any]:
    """Zeroed counters."""
    return {"token_requests": 0, "requests": {}, "creates": 0, "updates": 0, "deletes": 0,
            "rate_limited": {"qps": 0, "daily": 0}, "injected_5xx": 0, "drops": 0}


class SandboxState:
    """Users, tokens, meetings, limits, faults and counters of one sandbox account.

    Callers take :attr:`lock` around every read-modify-write; it is re-entrant so helpers that
    lock can be called from code already holding it.
    """

    def __init__(self, options: SandboxOptions | None = None) -> None:
        self.options = options or SandboxOptions()
        self.lock = threading.RLock()
        self.clock = self.options.clock
        self.rng = random.Random(self.options.seed)  # noqa: S311 - ids and faults, not secrets
        self.faults = Faults.from_options(self.options)
        self.meetings: dict[int, dict[str, Any]] = {}
        self.tokens: dict[str, float] = {}
        self.page_tokens: dict[str, tuple[str, int, float]] = {}
        self.stats = new_stats()
        self.qps = QpsLimiter(self.options.rate_limits())
        self.daily = DailyLimiter(self.options.daily_limit)
        self.injected_count = 0
        self.state_file = Path(self.options.state_file) if self.options.state_file else None
        if self.state_file is not None and self.state_file.exists():
            self.load(self.state_file)

    def now(self) -> float:
        """The injected clock's time (epoch seconds)."""
        return float(self.clock())

    # Users -------------------------------------------------------------------------------

    def find_user(self, key: str) -> SandboxUser | None:
        """The user whose id or (case-insensitive) e-mail is ``key``."""
        for user in self.options.users:
            if key == user.id or key.lower() == user.email.lower():
                return user
        return None

    # Tokens ------------------------------------------------------------------------------

    def issue_token(self) -> tuple[str, int]:
        """A new access token and its lifetime in seconds."""
        with self.lock:
            now = self.now()
            for stale in [t for t, exp in self.tokens.items() if exp <= now]:
                del self.tokens[stale]
            token = secrets.token_urlsafe(32)
            ttl = self.faults.token_ttl
            self.tokens[token] = now + ttl
            self.save()
            return token, ttl

    def token_valid(self, token: str) -> bool:
        """Whether ``token`` was issued here and has not expired."""
        with self.lock:
            expires = self.tokens.get(token)
            return expires is not None and self.now() < expires

    def expire_tokens(self) -> None:
        """Invalidate every token issued so far."""
        with self.lock:
            self.tokens.clear()
            self.save()

    # Ids and pages -----------------------------------------------------------------------

    def new_meeting_ids(self) -> tuple[int, str]:
        """A fresh 11-digit meeting id and a Zoom-looking uuid (base64 of 16 bytes, ends ``==``)."""
        with self.lock:
            meeting_id = self.rng.randint(10**10, 10**11 - 1)
            while meeting_id in self.meetings:
                meeting_id = self.rng.randint(10**10, 10**11 - 1)
            uuid = base64.b64encode(self.rng.randbytes(16)).decode("ascii")
            return meeting_id, uuid

    def digits(self, count: int) -> str:
        """``count`` random decimal digits."""
        with self.lock:
            return "".join(self.rng.choice("0123456789") for _ in range(count))

    def new_page_token(self, scope: str, offset: int) -> str:
        """An opaque ``next_page_token`` for the page starting at ``offset`` of ``scope``."""
        with self.lock:
            now = self.now()
            ttl = self.options.page_token_ttl
            for stale in [t for t, (_, _, made) in self.page_tokens.items() if made + ttl <= now]:
                del self.page_tokens[stale]
            token = secrets.token_urlsafe(24)
            self.page_tokens[token] = (scope, offset, now)
            return token

    def page_offset(self, token: str, scope: str) -> int | None:
        """Where the page of ``token`` starts, or None if unknown, expired or for another list."""
        with self.lock:
            entry = self.page_tokens.get(token)
            if entry is None or entry[0] != scope:
                return None
            if entry[2] + self.options.page_token_ttl <= self.now():
                del self.page_tokens[token]
                return None
            return entry[1]

    # Meetings ----------------------------------------------------------------------------

    def visible_meeting(self, meeting_id: str) -> dict[str, Any] | None:
        """The stored meeting if it exists, is not deleted and has not expired."""
        if not meeting_id.isdigit():
            return None
        with self.lock:
            record = self.meetings.get(int(meeting_id))
            return record if record is not None and is_visible(record, self.now()) else None

    # Counters ----------------------------------------------------------------------------

    def bump(self, name: str, amount: int = 1) -> None:
        """Add to a top-level counter."""
        with self.lock:
            self.stats[name] += amount

    def stats_view(self) -> dict[str, Any]:
        """The counters plus the number of live (not deleted, not expired) meetings."""
        with self.lock:
            now = self.now()
            view = json.loads(json.dumps(self.stats))
            view["live_meetings"] = sum(
                1 for m in self.meetings.values() if not m["deleted"] and not is_expired(m, now))
            return dict(view)

    def reset(self) -> None:
        """Forget meetings, counters, limits and faults (tokens stay valid)."""
        with self.lock:
            self.meetings.clear()
            self.page_tokens.clear()
            self.stats = new_stats()
            self.qps.clear()
            self.daily.clear()
            self.faults = Faults(token_ttl=self.options.token_ttl,
                                 drop_delay_s=self.options.drop_delay_s)
            self.injected_count = 0
            self.save()

    # Persistence -------------------------------------------------------------------------

    def snapshot(self) -> dict[str, Any]:
        """What the state file holds."""
        with self.lock:
            return {"version": STATE_VERSION, "meetings": list(self.meetings.values()),
                    "tokens": dict(self.tokens), "daily": dict(self.daily.counts),
                    "stats": self.stats}

    def save(self) -> None:
        """Write the state file, if any, atomically (temp file then replace)."""
        if self.state_file is None:
            return
        with self.lock:
            text = json.dumps(self.snapshot(), indent=1, sort_keys=True)
            folder = self.state_file.parent
            folder.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(prefix=".sandbox-", suffix=".json", dir=folder)
            try:
                with os.fdopen(fd, "w", encoding="utf-8") as handle:
                    handle.write(text)
                os.replace(tmp, self.state_file)
            except BaseException:
                Path(tmp).unlink(missing_ok=True)
                raise

    def load(self, path: Path) -> None:
        """Read a state file written by :meth:`save`."""
        data = json.loads(path.read_text(encoding="utf-8"))
        if not isinstance(data, dict) or data.get("version") != STATE_VERSION:
            raise ValueError(f"{path}: not a zoomsvc sandbox state file (version {STATE_VERSION})")
        with self.lock:
            self.meetings = {int(m["id"]): m for m in data.get("meetings", [])}
            self.tokens = {str(k): float(v) for k, v in data.get("tokens", {}).items()}
            self.daily.counts = {str(k): int(v) for k, v in data.get("daily", {}).items()}
            self.stats = {**new_stats(), **data.get("stats", {})}
