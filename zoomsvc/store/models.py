"""The tables: requests (permohonan), their Zoom meetings, the audit trail and counters.

All datetimes are stored in UTC and come back timezone-aware (:class:`UTCDateTime`); Zoom meeting
ids are BIGINT. A meeting row exists *before* Zoom is called (status ``intent``), carrying the
request's marker and an unguessable owner tag, so a crash between Zoom and the database can always
be repaired by looking on Zoom for the meeting whose agenda ends with exactly that marker.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any, ClassVar

from sqlalchemy import (
    BigInteger,
    Date,
    DateTime,
    Dialect,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    TypeDecorator,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship, validates

from zoomsvc.letter_key import letter_key as key_of_letter
from zoomsvc.store.statuses import MeetingStatus


class UTCDateTime(TypeDecorator[datetime]):
    """An aware datetime stored as UTC (naive UTC on SQLite, timestamptz on PostgreSQL)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime refused: store aware datetimes only")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


class Base(DeclarativeBase):
    """Declarative base of every table."""

    type_annotation_map: ClassVar[dict[Any, Any]] = {datetime: UTCDateTime, date: Date}


class Request(Base):
    """A permohonan: one incoming letter of one agency (OPD) asking for a Zoom meeting."""

    __tablename__ = "requests"
    __table_args__ = (
        # One request per letter of an agency, however the number was typed (0007).
        UniqueConstraint("agency", "letter_key", name="uq_request_letter_key"),
        # The request list and the portal: filter by agency and/or state, newest meeting first,
        # answered from the index alone (migration 0005).
        Index("ix_requests_agency_state_start", "agency", "state", "start_at"),
        Index("ix_requests_state_start", "state", "start_at"),
        Index("ix_requests_agency_start", "agency", "start_at"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    code: Mapped[str] = mapped_column(String(20), unique=True)
    agency: Mapped[str] = mapped_column(String(200), index=True)
    letter_number: Mapped[str] = mapped_column(String(100))  # as typed, for printing
    letter_key: Mapped[str] = mapped_column(String(220))  # see zoomsvc.letter_key
    letter_date: Mapped[date]
    subject: Mapped[str] = mapped_column(String(300))
    srikandi_agenda: Mapped[str | None] = mapped_column(String(100))
    letter_file_sha256: Mapped[str | None] = mapped_column(String(64))
    topic: Mapped[str] = mapped_column(String(200))
    agenda: Mapped[str] = mapped_column(Text, default="")
    start_at: Mapped[datetime] = mapped_column(index=True)
    end_at: Mapped[datetime]
    participants: Mapped[int] = mapped_column(Integer)
    contact_name: Mapped[str] = mapped_column(String(200))
    contact_phone: Mapped[str] = mapped_column(String(50))
    contact_email: Mapped[str] = mapped_column(String(200))
    state: Mapped[str] = mapped_column(String(20), index=True)
    state_since: Mapped[datetime]
    full_reason: Mapped[str | None] = mapped_column(String(40))
    alternatives_json: Mapped[str | None] = mapped_column(Text)
    last_error: Mapped[str | None] = mapped_column(Text)
    # Why staff let this request fall on a holiday or in a break (migration 0008); None: not.
    holiday_override: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime]

    meetings: Mapped[list[Meeting]] = relationship(back_populates="request",
                                                   order_by="Meeting.id")

    @property
    def live_meeting(self) -> Meeting | None:
        """The request's meeting that exists on Zoom now, if any (at most one: see the
        meetings table's partial unique index)."""
        return next((m for m in self.meetings if m.status == MeetingStatus.LIVE), None)

    @validates("letter_number")
    def _key_follows_number(self, _name: str, value: str) -> str:
        # Whoever sets the number (recording, tests, tools) gets the matching key.
        self.letter_key = key_of_letter(value)
        return value


class Meeting(Base):
    """A Zoom meeting of a request, from intent (before the Zoom call) to deletion."""

    __tablename__ = "meetings"
    __table_args__ = (
        # The database itself refuses a second live (or pending) meeting for one request.
        Index("uq_meeting_active_request", "request_id", unique=True,
              sqlite_where=text("status IN ('intent', 'live')"),
              postgresql_where=text("status IN ('intent', 'live')")),
        Index("ix_meeting_host_time", "host", "start_at", "end_at"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    # Indexed (0005): a request's page loads its meetings by request_id; the partial unique
    # index below covers only pending and live meetings.
    request_id: Mapped[int] = mapped_column(ForeignKey("requests.id"), index=True)
    marker: Mapped[str] = mapped_column(String(20), index=True)
    # The unguessable half of the agenda marker (zoomsvc.marker); None on rows made before
    # 0006 and on meetings staff linked by hand. Only a meeting carrying it is ever adopted.
    owner_tag: Mapped[str | None] = mapped_column(String(64))
    host: Mapped[str] = mapped_column(String(200))
    status: Mapped[str] = mapped_column(String(20))  # a MeetingStatus
    zoom_id: Mapped[int | None] = mapped_column(BigInteger, unique=True)
    zoom_uuid: Mapped[str | None] = mapped_column(String(100))
    passcode: Mapped[str | None] = mapped_column(String(20))
    join_url: Mapped[str | None] = mapped_column(Text)
    start_at: Mapped[datetime]
    end_at: Mapped[datetime]
    created_at: Mapped[datetime]
    deleted_at: Mapped[datetime | None]

    request: Mapped[Request] = relationship(back_populates="meetings")


class AuditEvent(Base):
    """One transition of one request; append-only and chained by hash across the whole table."""

    __tablename__ = "audit_events"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    seq: Mapped[int] = mapped_column(Integer, unique=True)
    request_id: Mapped[int] = mapped_column(ForeignKey("requests.id"), index=True)
    at: Mapped[datetime]
    actor: Mapped[str] = mapped_column(String(200))
    role: Mapped[str] = mapped_column(String(20))
    from_state: Mapped[str | None] = mapped_column(String(20))
    to_state: Mapped[str] = mapped_column(String(20))
    note: Mapped[str] = mapped_column(Text, default="")
    sop_step: Mapped[str] = mapped_column(String(20), default="")
    elapsed_seconds: Mapped[int | None] = mapped_column(Integer)
    sla_seconds: Mapped[int | None] = mapped_column(Integer)
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64))
    # How ``hash`` was computed: 1 plain SHA-256 (events before 0007), 2 HMAC-SHA256 under
    # the audit key of the configuration.
    chain: Mapped[int] = mapped_column(Integer, server_default=text("1"))


class Letter(Base):
    """A Surat Tanggapan of a request: its number, drafts, review, signed file and delivery.

    A number, once given, stays with its letter; a voided letter keeps its number so that the
    register shows the gap instead of reusing it. The signed PDF is kept by its SHA-256 and
    never replaced.
    """

    __tablename__ = "letters"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    request_id: Mapped[int] = mapped_column(ForeignKey("requests.id"), index=True)
    kind: Mapped[str] = mapped_column(String(20))  # scheduled | full
    status: Mapped[str] = mapped_column(String(20))  # a LetterStatus
    number: Mapped[str] = mapped_column(String(120), unique=True)
    number_source: Mapped[str] = mapped_column(String(20))  # minted | srikandi
    year: Mapped[int] = mapped_column(Integer)
    sequence: Mapped[int | None] = mapped_column(Integer)
    letter_date: Mapped[date]
    verify_token: Mapped[str] = mapped_column(String(64), unique=True)
    draft_sha256: Mapped[str | None] = mapped_column(String(64))
    rendered_at: Mapped[datetime | None]
    review_note: Mapped[str | None] = mapped_column(Text)
    signed_sha256: Mapped[str | None] = mapped_column(String(64), unique=True)
    signed_at: Mapped[datetime | None]
    signed_by: Mapped[str | None] = mapped_column(String(200))
    # How it was signed (0008): "tte" (checked electronic signature) or "basah" (wet ink), the
    # signer certificate's subject, and what the check found, as shown on the verification page.
    signature_kind: Mapped[str | None] = mapped_column(String(10))
    signer_subject: Mapped[str | None] = mapped_column(Text)
    signature_note: Mapped[str | None] = mapped_column(Text)
    sent_at: Mapped[datetime | None]
    sent_to: Mapped[str | None] = mapped_column(String(300))
    created_at: Mapped[datetime]

    request: Mapped[Request] = relationship()


class Download(Base):
    """Who downloaded which file of a letter, and when (SOP step 10 is the OPD's download)."""

    __tablename__ = "downloads"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    letter_id: Mapped[int] = mapped_column(ForeignKey("letters.id"), index=True)
    what: Mapped[str] = mapped_column(String(20))  # draft_docx | record_docx | signed | ics
    actor: Mapped[str] = mapped_column(String(200))
    role: Mapped[str] = mapped_column(String(20))
    at: Mapped[datetime]


class User(Base):
    """A person who signs in to the web application, with one role (and an agency for OPD)."""

    __tablename__ = "users"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    username: Mapped[str] = mapped_column(String(80), unique=True)
    full_name: Mapped[str] = mapped_column(String(200))
    password_hash: Mapped[str] = mapped_column(String(300))
    role: Mapped[str] = mapped_column(String(20))
    agency: Mapped[str | None] = mapped_column(String(200))
    active: Mapped[bool] = mapped_column(default=True)
    failed_logins: Mapped[int] = mapped_column(Integer, default=0)
    locked_until: Mapped[datetime | None]
    created_at: Mapped[datetime]
    email: Mapped[str | None] = mapped_column(String(200))
    # E-mail me when something lands in my "Tugas saya" inbox (0009; only when SMTP is set).
    notify_by_email: Mapped[bool] = mapped_column(default=True, server_default=text("true"))


class ChangeRequest(Base):
    """An agency's request, from its portal, to reschedule (``ubah``) or cancel (``batal``) one
    of its requests; open until staff act on it (0009)."""

    __tablename__ = "change_requests"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    request_id: Mapped[int] = mapped_column(ForeignKey("requests.id"), index=True)
    kind: Mapped[str] = mapped_column(String(20))
    note: Mapped[str] = mapped_column(Text)
    created_by: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[datetime]
    resolved_at: Mapped[datetime | None]
    resolved_by: Mapped[str | None] = mapped_column(String(200))


class ApiToken(Base):
    """A bearer token of the JSON API: the signed token carries ``jti``; revoking is recorded
    here so a leaked token can be stopped before it expires."""

    __tablename__ = "api_tokens"

    jti: Mapped[str] = mapped_column(String(64), primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    scopes: Mapped[str] = mapped_column(String(300))
    agency: Mapped[str | None] = mapped_column(String(200))
    created_by: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[datetime]
    expires_at: Mapped[datetime]
    revoked_at: Mapped[datetime | None]


class Counter(Base):
    """Named yearly sequences (request codes, letter numbers): atomic, never reused."""

    __tablename__ = "counters"

    name: Mapped[str] = mapped_column(String(40), primary_key=True)
    year: Mapped[int] = mapped_column(Integer, primary_key=True)
    value: Mapped[int] = mapped_column(Integer, default=0)


class JobLock(Base):
    """Who runs a maintenance job now (cleanup, reconcile): one runner at a time on all hosts.

    Taken in a serialized transaction; a holder that stops renewing ``expires_at`` (crashed,
    killed) loses the lock when it runs out. The row stays after release with the last result.
    """

    __tablename__ = "job_locks"

    name: Mapped[str] = mapped_column(String(40), primary_key=True)
    holder: Mapped[str] = mapped_column(String(200))
    acquired_at: Mapped[datetime]
    heartbeat_at: Mapped[datetime]
    expires_at: Mapped[datetime]
    released_at: Mapped[datetime | None]
    last_result: Mapped[str | None] = mapped_column(Text)


class WebhookEvent(Base):
    """One call to the Zoom webhook endpoint, accepted or refused (refused ones for forensics).

    ``dedup_key`` (event, event_ts, object id) is unique: a delivery Zoom repeats is applied once.
    """

    __tablename__ = "webhook_events"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    received_at: Mapped[datetime] = mapped_column(index=True)
    event: Mapped[str | None] = mapped_column(String(80))
    event_ts: Mapped[int | None] = mapped_column(BigInteger)
    zoom_id: Mapped[int | None] = mapped_column(BigInteger, index=True)
    dedup_key: Mapped[str | None] = mapped_column(String(200), unique=True)
    outcome: Mapped[str] = mapped_column(String(30))
    status_code: Mapped[int] = mapped_column(Integer)
    detail: Mapped[str] = mapped_column(Text, default="")
    remote: Mapped[str] = mapped_column(String(100), default="")
    meeting_id: Mapped[int | None] = mapped_column(ForeignKey("meetings.id"))


class MeetingSync(Base):
    """What Zoom last said about one of the service's meetings (webhooks and reconcile).

    The ``*_ts`` fields are Zoom's ``event_ts`` (ms) of the last applied event of each kind, so
    an event older than one already applied never overwrites the newer state.
    """

    __tablename__ = "meeting_sync"

    meeting_id: Mapped[int] = mapped_column(ForeignKey("meetings.id"), primary_key=True)
    last_change_ts: Mapped[int | None] = mapped_column(BigInteger)  # meeting.updated / deleted
    last_status_ts: Mapped[int | None] = mapped_column(BigInteger)  # meeting.started / ended
    zoom_status: Mapped[str | None] = mapped_column(String(20))  # started | ended
    started_at: Mapped[datetime | None]
    ended_at: Mapped[datetime | None]
    ended_count: Mapped[int] = mapped_column(Integer, default=0)
    zoom_topic: Mapped[str | None] = mapped_column(String(200))
    changed_at: Mapped[datetime | None]
    deleted_outside_at: Mapped[datetime | None]
    deleted_by: Mapped[str | None] = mapped_column(String(200))


class Attention(Base):
    """Something on Zoom that staff must look at: a meeting deleted or changed outside the
    service, a clash, a marker nobody owns, a released intent. Open until resolved."""

    __tablename__ = "attention_flags"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    key: Mapped[str] = mapped_column(String(120), index=True)  # kind + what it is about
    kind: Mapped[str] = mapped_column(String(30))
    request_id: Mapped[int | None] = mapped_column(ForeignKey("requests.id"), index=True)
    meeting_id: Mapped[int | None] = mapped_column(ForeignKey("meetings.id"))
    zoom_id: Mapped[int | None] = mapped_column(BigInteger)
    detail: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]
    resolved_at: Mapped[datetime | None]
    resolved_by: Mapped[str | None] = mapped_column(String(200))
