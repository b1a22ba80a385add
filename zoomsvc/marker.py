"""The service's marker: the one line at the end of a Zoom meeting's agenda that proves the
meeting was made by the service for one request.

The line carries the request's code and the intent's owner tag, an unguessable value stored only
in the service's database: ``[zoomsvc ZM-2026-0001 3q0VxN...]``. Request codes are predictable
and agenda text comes from requesters, so a code alone proves nothing; a meeting is the service's
only when its agenda ends with exactly the line of the intent waiting for it. Requester text may
not carry anything shaped like a marker at all (:func:`marker_like`), so a marker never appears
where the service did not write it.

This module is pure (no imports from the rest of the service): input validation uses it too.
"""

from __future__ import annotations

import re
import secrets
import unicodedata
from dataclasses import dataclass

# Anything a reader could take for a marker: "[ZM-2026-0001", "[ zm - 2026 - 1", "[zoomsvc".
_MARKER_LIKE = re.compile(r"\[\s*(?:zoomsvc\b|zm\s*-\s*\d)", re.IGNORECASE)
# Exactly the line the service writes; the tag is what :func:`new_owner_tag` makes.
_MARKER_LINE = re.compile(r"\[zoomsvc (ZM-\d{4}-\d{4,}) ([A-Za-z0-9_-]{16,64})\]")
# The marker of versions before owner tags: the code alone, anywhere in the agenda.
_LEGACY = re.compile(r"\[(ZM-\d{4}-\d{4,})\]")


@dataclass(frozen=True)
class Marker:
    """What the last line of an agenda says: the request code and the owner tag."""

    code: str
    tag: str


def new_owner_tag() -> str:
    """A fresh owner tag for an intent (144 random bits, URL-safe)."""
    return secrets.token_urlsafe(18)


def marker_line(code: str, tag: str) -> str:
    """The agenda line that marks the meeting of ``code``'s intent with owner ``tag``."""
    return f"[zoomsvc {code} {tag}]"


def agenda_with_marker(agenda: str, code: str, tag: str) -> str:
    """The agenda sent to Zoom: the requester's text, then the marker as its last line."""
    line = marker_line(code, tag)
    return f"{agenda}\n\n{line}" if agenda else line


def last_line(agenda: str) -> str:
    """The agenda's last non-empty line, without surrounding spaces (Zoom may trim them)."""
    lines = [line.strip() for line in agenda.replace("\r", "\n").split("\n") if line.strip()]
    return lines[-1] if lines else ""


def read_marker(agenda: str) -> Marker | None:
    """The marker in the agenda's last line, if that line is exactly one; nothing else counts."""
    match = _MARKER_LINE.fullmatch(last_line(agenda))
    return Marker(match.group(1), match.group(2)) if match else None


def carries_marker(agenda: str, code: str, tag: str) -> bool:
    """Whether the agenda ends with exactly the marker of ``code`` and ``tag``."""
    return secrets.compare_digest(last_line(agenda).encode(), marker_line(code, tag).encode())


def legacy_codes(agenda: str) -> list[str]:
    """Request codes written as old code-only markers (``[ZM-2026-0001]``), in order."""
    return _LEGACY.findall(agenda)


def marker_like(text: object) -> bool:
    """Whether requester text contains something shaped like a service marker (also when
    written with full-width or other look-alike characters)."""
    if not isinstance(text, str):
        return False
    return _MARKER_LIKE.search(unicodedata.normalize("NFKC", text)) is not None
