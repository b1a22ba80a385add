"""The statuses a meeting row and a letter row can be in.

Both are ``StrEnum``: a member is equal to (and stored as) its plain string, so the values in
the database are the same words as before and no migration is needed.
"""

from __future__ import annotations

from enum import StrEnum


class MeetingStatus(StrEnum):
    """Where a Zoom meeting of a request stands in the service's records."""

    INTENT = "intent"  # recorded before Zoom is called; the call may not have happened yet
    LIVE = "live"  # exists on Zoom and is the request's meeting
    DELETED = "deleted"  # deleted by the service (or its deletion confirmed)
    GONE_OUTSIDE = "gone_outside"  # deleted on Zoom by someone outside the service
    MOVING = "moving"  # the old meeting of a move to another host, deleted once the new is live


class LetterStatus(StrEnum):
    """Where a Surat Tanggapan stands, from its first draft to delivery (or voided)."""

    DRAFT = "draft"
    REVIEWED = "reviewed"
    SIGNED = "signed"
    SENT = "sent"
    VOID = "void"  # replaced by another letter; keeps its number so the register shows the gap


# A request may hold one of these at a time (the partial unique index of the meetings table).
ACTIVE_MEETING = (MeetingStatus.INTENT, MeetingStatus.LIVE)
# A letter still being drafted or reviewed, which a new draft replaces or re-renders.
OPEN_LETTER = (LetterStatus.DRAFT, LetterStatus.REVIEWED)
