"""The agencies' open asks to change or cancel a request (``change_requests``)."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from zoomsvc.store.models import ChangeRequest


def open_asks(session: Session, request_id: int) -> list[ChangeRequest]:
    """The request's asks nobody has closed yet, oldest first."""
    return list(session.scalars(select(ChangeRequest).where(
        ChangeRequest.request_id == request_id, ChangeRequest.resolved_at.is_(None))
        .order_by(ChangeRequest.id)))


def ask_by_id(session: Session, ask_id: int) -> ChangeRequest | None:
    """One ask, by its id."""
    return session.get(ChangeRequest, ask_id)
