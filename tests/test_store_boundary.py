"""The store's boundary: queries live in ``zoomsvc.store``, statuses are enums stored as the same
words as before, a request names its live meeting, and what leaves a session is a plain copy."""

from __future__ import annotations

import ast
import dataclasses
from datetime import date, timedelta
from pathlib import Path

from sqlalchemy import text
from test_store import NOW, START, new_meeting, new_request

from zoomsvc.store import Database, listing
from zoomsvc.store import letters_records as lrec
from zoomsvc.store.letters_records import LetterRecord
from zoomsvc.store.models import Letter, Request
from zoomsvc.store.statuses import LetterStatus, MeetingStatus

PACKAGE = Path(__file__).resolve().parent.parent / "zoomsvc"
QUERY_BUILDERS = {"select", "update", "delete", "insert", "exists"}
SESSION_CALLS = {"scalars", "scalar", "execute"}


def _queries_in(path: Path) -> list[str]:
    """Where a module builds or runs a SQLAlchemy query itself (line: what)."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module == "sqlalchemy":
            found += [f"{node.lineno}: import {a.name}" for a in node.names
                      if a.name in QUERY_BUILDERS]
        if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
                and isinstance(node.func.value, ast.Name)
                and node.func.value.id.endswith("session")):
            continue
        if node.func.attr in SESSION_CALLS:
            found.append(f"{node.lineno}: session.{node.func.attr}")
        # session.get(Model, id) is a query; Flask's session.get("key") is not.
        if (node.func.attr == "get" and node.args and isinstance(node.args[0], ast.Name)
                and node.args[0].id[:1].isupper()):
            found.append(f"{node.lineno}: session.get({node.args[0].id})")
    return found


def test_no_module_outside_the_store_queries_the_database_itself() -> None:
    outside = [p for p in PACKAGE.rglob("*.py") if "store" not in p.relative_to(PACKAGE).parts]
    assert outside
    offenders = {str(p.relative_to(PACKAGE)): q for p in outside if (q := _queries_in(p))}
    assert offenders == {}


def test_the_query_check_sees_a_query() -> None:
    assert _queries_in(PACKAGE / "store" / "letters_records.py")


def test_statuses_are_stored_as_the_words_they_always_were(db: Database) -> None:
    with db.serialized_write() as session:
        request = new_request(session)
        for status in (MeetingStatus.DELETED, MeetingStatus.GONE_OUTSIDE, MeetingStatus.LIVE):
            session.add(new_meeting(request, status))
    with db.session() as session:
        stored = list(session.scalars(text("SELECT status FROM meetings ORDER BY id")))
        assert stored == ["deleted", "gone_outside", "live"]
        assert all(type(value) is str for value in stored)
        assert MeetingStatus("live") is MeetingStatus.LIVE
        assert LetterStatus("void") == "void"


def test_the_live_meeting_of_a_request_is_its_live_one(db: Database) -> None:
    with db.serialized_write() as session:
        request = new_request(session)
        session.add(new_meeting(request, MeetingStatus.DELETED, zoom_id=1))
        session.flush()
        assert request.live_meeting is None
        session.add(new_meeting(request, MeetingStatus.INTENT))
        session.flush()
        session.refresh(request)
        assert request.live_meeting is None  # an intent is not on Zoom yet
        request.meetings[-1].status = MeetingStatus.LIVE
        assert request.live_meeting is request.meetings[-1]


def _letter(request: Request, number: str, status: LetterStatus, **fields: object) -> Letter:
    values: dict[str, object] = {
        "request_id": request.id, "kind": "scheduled", "status": status, "number": number,
        "number_source": "minted", "year": 2026, "sequence": None,
        "letter_date": date(2026, 11, 23), "verify_token": f"token-{number}",
        "created_at": NOW}
    values.update(fields)
    return Letter(**values)


def _number(letter: Letter | None) -> str | None:
    return None if letter is None else letter.number


def test_letter_queries_answer_what_they_are_named_for(db: Database) -> None:
    with db.serialized_write() as session:
        request = new_request(session)
        request_id = request.id
        session.add(_letter(request, "1/2026", LetterStatus.VOID))
        session.add(_letter(request, "2/2026", LetterStatus.SIGNED, signed_sha256="ab" * 32))
        session.flush()
        assert lrec.open_letter(session, request_id) is None  # void and signed are closed
        session.add(_letter(request, "3/2026", LetterStatus.REVIEWED))
    with db.session() as session:
        assert lrec.open_letter(session, request_id) is lrec.latest_letter(session, request_id)
        assert _number(lrec.open_letter(session, request_id)) == "3/2026"
        signed = lrec.signed_letter_of_request(session, request_id)
        assert signed is not None
        assert signed.number == "2/2026"
        assert lrec.letter_with_signed_file(session, "ab" * 32) is signed
        assert lrec.letter_with_signed_file(session, "cd" * 32) is None
        assert _number(lrec.letter_by_verify_token(session, "token-1/2026")) == "1/2026"
        assert lrec.number_in_use(session, "1/2026")  # a void letter keeps its number
        assert not lrec.number_in_use(session, "4/2026")
        assert lrec.request_code_of_letter(session, request_id) == request.code
        assert lrec.request_code_of_letter(session, request_id + 1) == ""


def test_a_letter_leaves_the_session_as_a_plain_copy(db: Database) -> None:
    with db.serialized_write() as session:
        request = new_request(session)
        session.add(_letter(request, "5/2026", LetterStatus.DRAFT))
    with db.session() as session:
        record = lrec.record_of(lrec.latest_letter(session, request.id))
    assert isinstance(record, LetterRecord)
    assert record.status is LetterStatus.DRAFT
    assert record.number == "5/2026"
    assert dataclasses.asdict(record)["verify_token"] == "token-5/2026"
    assert {f.name for f in dataclasses.fields(LetterRecord)} == set(
        Letter.__table__.columns.keys())
    assert lrec.record_of(None) is None


def test_a_request_list_row_is_readable_after_its_session(db: Database) -> None:
    with db.serialized_write() as session:
        first = new_request(session, "440/1/2026")
        second = new_request(session, "440/2/2027", start_at=START + timedelta(days=1),
                             end_at=START + timedelta(days=1, hours=2))
        expected = [(r.code, r.start_at, r.end_at, r.state) for r in (second, first)]
    with db.session() as session:
        rows, total = listing.list_requests(session, listing.RequestFilter(), page=1,
                                            per_page=10)
    assert total == 2
    assert all(isinstance(row, listing.RequestRow) for row in rows)
    assert [(r.code, r.start_at, r.end_at, r.state) for r in rows] == expected
    assert rows[0].letter_number == "440/2/2027"
    assert rows[0].agency == "Dinas Kesehatan"
