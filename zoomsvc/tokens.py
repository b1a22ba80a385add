"""Signed tokens (PyJWT, HS256): JSON API bearer tokens and short-lived download links.

Each kind has its own audience, so a download link can never be used as an API token or the
other way round; only HS256 is accepted, so a token claiming ``alg: none`` (or any other
algorithm) is refused; every token must carry an expiry.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

import jwt

ALGORITHM = "HS256"
API_AUDIENCE = "zoomsvc-api"
DOWNLOAD_AUDIENCE = "zoomsvc-unduh"
SCOPES = frozenset({"requests:read", "requests:write"})
DOWNLOADS = frozenset({"draf", "pdf", "ttd", "ics", "pindaian"})


class TokenInvalid(ValueError):
    """The token is malformed, forged, expired or of the wrong kind."""


@dataclass(frozen=True)
class ApiClaims:
    """What an API token grants."""

    jti: str
    scopes: frozenset[str]
    agency: str | None


@dataclass(frozen=True)
class DownloadClaims:
    """What a download link opens, and for whom it was made."""

    code: str
    what: str
    role: str


def _decode(secret: str, token: str, audience: str, now: datetime | None) -> dict[str, object]:
    if not secret:
        raise TokenInvalid("kunci penandatangan belum diatur (web.secret_key)")
    # With ``now``, expiry is judged on the service's clock (the one the token was issued with),
    # below; without it, PyJWT judges it on the wall clock.
    wall_clock = now is None
    try:
        claims: dict[str, object] = jwt.decode(
            token, secret, algorithms=[ALGORITHM], audience=audience,
            options={"require": ["exp", "iat", "aud"], "verify_exp": wall_clock,
                     "verify_iat": wall_clock})
    except jwt.ExpiredSignatureError as exc:
        raise TokenInvalid("token sudah kedaluwarsa") from exc
    except jwt.InvalidTokenError as exc:
        raise TokenInvalid("token tidak sah") from exc
    if now is not None:
        expires = claims.get("exp")
        if not isinstance(expires, int | float) or isinstance(expires, bool):
            raise TokenInvalid("token tidak sah")
        if expires <= now.timestamp():
            raise TokenInvalid("token sudah kedaluwarsa")
    return claims


def issue_api_token(secret: str, *, jti: str, scopes: Iterable[str], agency: str | None,
                    issued_at: datetime, expires_at: datetime) -> str:
    """A bearer token for the JSON API."""
    granted = sorted(set(scopes))
    unknown = set(granted) - SCOPES
    if unknown or not granted:
        raise ValueError(f"scope tidak dikenal: {', '.join(sorted(unknown)) or '(kosong)'}")
    payload: dict[str, object] = {"jti": jti, "scope": " ".join(granted), "aud": API_AUDIENCE,
                                  "iat": issued_at, "exp": expires_at}
    if agency:
        payload["agency"] = agency
    return jwt.encode(payload, secret, algorithm=ALGORITHM)


def read_api_token(secret: str, token: str, now: datetime | None = None) -> ApiClaims:
    """The claims of a valid API token (revocation is checked by the caller, in the store);
    expiry against ``now`` (the service's clock), or the wall clock when None."""
    claims = _decode(secret, token, API_AUDIENCE, now)
    jti, scope, agency = claims.get("jti"), claims.get("scope"), claims.get("agency")
    if not isinstance(jti, str) or not isinstance(scope, str):
        raise TokenInvalid("token tidak sah")
    return ApiClaims(jti, frozenset(scope.split()) & SCOPES,
                     agency if isinstance(agency, str) else None)


def issue_download_token(secret: str, *, code: str, what: str, role: str,
                         issued_at: datetime, expires_at: datetime) -> str:
    """A link token that opens one file of one request until it expires."""
    if what not in DOWNLOADS:
        raise ValueError(f"unduhan tidak dikenal: {what}")
    return jwt.encode({"sub": code, "what": what, "role": role, "aud": DOWNLOAD_AUDIENCE,
                       "iat": issued_at, "exp": expires_at}, secret, algorithm=ALGORITHM)


def read_download_token(secret: str, token: str, now: datetime | None = None
                        ) -> DownloadClaims:
    """The file a valid download link opens (expiry as for :func:`read_api_token`)."""
    claims = _decode(secret, token, DOWNLOAD_AUDIENCE, now)
    code, what, role = claims.get("sub"), claims.get("what"), claims.get("role")
    if not (isinstance(code, str) and isinstance(what, str) and isinstance(role, str)) or \
            what not in DOWNLOADS:
        raise TokenInvalid("token tidak sah")
    return DownloadClaims(code, what, role)
