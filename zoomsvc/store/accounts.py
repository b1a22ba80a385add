"""Web accounts and API tokens: creating, finding, disabling, counting failed sign-ins."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from zoomsvc.store.models import ApiToken, User


def find_user(session: Session, username: str) -> User | None:
    """The account with this user name (case-insensitive), if any."""
    return session.scalars(select(User).where(User.username == username.strip().lower())
                           ).one_or_none()


def user_by_id(session: Session, user_id: int) -> User | None:
    """The user with this id, if the account still exists."""
    return session.get(User, user_id)


def add_user(session: Session, *, username: str, full_name: str, password_hash: str, role: str,
             agency: str | None, now: datetime) -> User:
    """Create an account (user names are stored in lower case)."""
    user = User(username=username.strip().lower(), full_name=full_name.strip(),
                password_hash=password_hash, role=role, agency=agency, active=True,
                failed_logins=0, created_at=now)
    session.add(user)
    session.flush()
    return user


def notify_addresses(session: Session, roles: list[str]) -> list[str]:
    """The e-mail addresses of the active users of ``roles`` who asked to be told of new work."""
    return [u.email for u in session.scalars(select(User).where(
        User.role.in_(roles), User.active.is_(True), User.notify_by_email.is_(True),
        User.email.is_not(None))) if u.email]


def set_notification(session: Session, user_id: int, email: str | None, notify: bool) -> None:
    """A user's e-mail address and whether new work in their inbox is e-mailed to them."""
    user = session.get(User, user_id)
    if user is not None:
        user.email, user.notify_by_email = email, notify


def all_users(session: Session) -> list[User]:
    """Every account, by user name."""
    return list(session.scalars(select(User).order_by(User.username)))


def record_login_failure(user: User, failures: int, next_attempt: datetime | None) -> None:
    """Store the account's count of failed sign-ins and when it may try again (the sign-in
    throttle decides both)."""
    user.failed_logins = failures
    user.locked_until = next_attempt


def record_login_success(user: User) -> None:
    """Forget earlier failures after a good sign-in."""
    user.failed_logins = 0
    user.locked_until = None


def add_token(session: Session, *, jti: str, name: str, scopes: str, agency: str | None,
              created_by: str, now: datetime, expires_at: datetime) -> ApiToken:
    """Record an issued API token (its secret part is never stored)."""
    token = ApiToken(jti=jti, name=name, scopes=scopes, agency=agency, created_by=created_by,
                     created_at=now, expires_at=expires_at)
    session.add(token)
    return token


def find_token(session: Session, jti: str) -> ApiToken | None:
    """The record of an issued API token."""
    return session.get(ApiToken, jti)


def all_tokens(session: Session) -> list[ApiToken]:
    """Every issued API token, newest first."""
    return list(session.scalars(select(ApiToken).order_by(ApiToken.created_at.desc())))
