"""Reading the letters (Surat Tanggapan) of requests, and what leaves the store about them.

The query functions take an open session and return rows for use inside it; the layers above
get a :class:`LetterRecord`, a plain copy that stays valid after the session is closed.
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from zoomsvc.store.models import Letter, Request
from zoomsvc.store.statuses import OPEN_LETTER, LetterStatus


@dataclass(frozen=True)
class LetterRecord:
    """A letter as it stood when it was read: the columns of :class:`~.models.Letter`."""

    id: int
    request_id: int
    kind: str
    status: LetterStatus
    number: str
    number_source: str
    year: int
    sequence: int | None
    letter_date: date
    verify_token: str
    draft_sha256: str | None
    rendered_at: datetime | None
    review_note: str | None
    signed_sha256: str | None
    signed_at: datetime | None
    signed_by: str | None
    signature_kind: str | None
    signer_subject: str | None
    signature_note: str | None
    sent_at: datetime | None
    sent_to: str | None
    created_at: datetime

    @classmethod
    def of(cls, row: Letter) -> LetterRecord:
        """The copy of a letter row (its pending changes flushed or not)."""
        values = {f.name: getattr(row, f.name) for f in fields(cls)}
        values["status"] = LetterStatus(row.status)
        return cls(**values)


def record_of(row: Letter | None) -> LetterRecord | None:
    """The copy of a letter row, or None for no row."""
    return None if row is None else LetterRecord.of(row)


def letter_by_id(session: Session, letter_id: int) -> Letter:
    """The letter with this id (it must exist)."""
    return session.get_one(Letter, letter_id)


def open_letter(session: Session, request_id: int) -> Letter | None:
    """The request's letter still being drafted or reviewed, if any."""
    return session.scalars(select(Letter).where(
        Letter.request_id == request_id, Letter.status.in_(OPEN_LETTER))).first()


def latest_letter(session: Session, request_id: int) -> Letter | None:
    """The request's newest letter (in any status), if any."""
    return session.scalars(select(Letter).where(Letter.request_id == request_id)
                           .order_by(Letter.id.desc())).first()


def signed_letter_of_request(session: Session, request_id: int) -> Letter | None:
    """The request's letter that carries a signed file, if one was signed."""
    return session.scalars(select(Letter).where(
        Letter.request_id == request_id, Letter.signed_sha256.is_not(None))).first()


def letter_with_signed_file(session: Session, sha256: str) -> Letter | None:
    """The letter whose signed file has this SHA-256 (at most one: the column is unique)."""
    return session.scalars(select(Letter).where(Letter.signed_sha256 == sha256)).first()


def letter_by_verify_token(session: Session, token: str) -> Letter | None:
    """The letter a verification token (from the QR code) names."""
    return session.scalars(select(Letter).where(Letter.verify_token == token)).one_or_none()


def number_in_use(session: Session, number: str) -> bool:
    """Whether some letter (voided ones included) already holds this number."""
    return session.scalars(select(Letter.id).where(Letter.number == number)).first() is not None


def request_code_of_letter(session: Session, request_id: int) -> str:
    """The code of the request with this id; "" when there is none."""
    request = session.get(Request, request_id)
    return request.code if request else ""


def request_letters(session: Session, request_id: int) -> list[Letter]:
    """Every letter of a request, newest first."""
    return list(session.scalars(select(Letter).where(Letter.request_id == request_id)
                                .order_by(Letter.id.desc())))
