"""The web application under test: an app over the sandbox and a migrated database, an account
for every role, and a test client that signs in and posts forms with their CSRF token (CSRF stays
on: every POST carries the token read from the page's hidden input).

Its fixtures (``web_factory``, ``web``) are loaded for every test module by ``tests/conftest.py``.
"""

from __future__ import annotations

import html
import re
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from conftest import Clock
from db_support import migrate_from_template
from flask import Flask
from flask.testing import FlaskClient
from werkzeug.datastructures import FileStorage
from werkzeug.test import TestResponse, encode_multipart

from zoomsvc.config import Config, build_config, demo_document
from zoomsvc.services import Services
from zoomsvc.store import Database, accounts, listing
from zoomsvc.tokens import issue_api_token
from zoomsvc.web import auth, create_app
from zoomsvc.workflow import Role
from zoomsvc.zoom.sandbox import SandboxServer

PASSWORD = "sandi-uji-yang-cukup-panjang"
SECRET_KEY = "kunci-rahasia-uji-" + "x" * 50  # 64+ bytes: long enough even for HS512
# Cheap on purpose: scrypt (production's) costs a quarter second per sign-in; the method is
# configuration, so the sign-in code under test is the same.
TEST_PASSWORD_HASH = "pbkdf2:sha256:1000"
AGENCY_A = "Dinas Kesehatan"
AGENCY_B = "Dinas Pendidikan"
OPD = [
    {"name": AGENCY_A, "head": "Kepala Dinas Kesehatan Kota Tarakan",
     "email": "dinkes@tarakankota.example.go.id"},
    {"name": AGENCY_B, "head": "Kepala Dinas Pendidikan Kota Tarakan",
     "email": "disdik@tarakankota.example.go.id"},
]


@dataclass(frozen=True)
class Account:
    """A test account: who signs in as which role."""

    username: str
    full_name: str
    role: Role
    agency: str | None = None


# Keyed by the names the tests use; "opd" belongs to agency A, "opd_b" to agency B.
ACCOUNTS = {
    "staf": Account("rina", "Rina Staf Aptika", Role.STAF),
    "subkoordinator": Account("budi", "Budi Sub Koordinator", Role.SUBKOORDINATOR),
    "kabid": Account("hendra", "Hendra Kabid Aptika", Role.KABID),
    "kadis": Account("kadis", "Kepala Dinas Kominfo", Role.KADIS),
    "opd": Account("dinkes", "Operator Dinas Kesehatan", Role.OPD, AGENCY_A),
    "opd_b": Account("disdik", "Operator Dinas Pendidikan", Role.OPD, AGENCY_B),
    "admin": Account("admin", "Administrator", Role.ADMIN),
}
CSRF_INPUT = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"'
                        r'|value="([^"]+)"[^>]*name="csrf_token"')


def csrf_token_in(page: str) -> str:
    """The value of the first ``csrf_token`` hidden input of a page."""
    found = CSRF_INPUT.search(page)
    assert found, "no csrf_token input on the page"
    return html.unescape(found.group(1) or found.group(2))


def text_of(response: TestResponse) -> str:
    """The page as text, entities decoded (for assertions on what a person reads)."""
    return html.unescape(response.get_data(as_text=True))


def minimal_pdf(text: str = "Surat Tanggapan ditandatangani", padding: int = 0) -> bytes:
    """A small but valid one-page PDF (correct xref offsets), different for different text;
    ``padding`` bytes of comment lines make it as large as a test needs."""
    stream = f"BT /F1 14 Tf 72 760 Td ({text}) Tj ET".encode("latin-1")
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    line = b"%" + b"0123456789" * 12 + b"\n"
    out += line * (padding // len(line) + (1 if padding else 0))
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    for offset in offsets:
        out += b"%010d 00000 n \n" % offset
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1, xref)
    return bytes(out)


def padded_pdf(size: int) -> bytes:
    """A valid PDF of at least ``size`` bytes."""
    return minimal_pdf(padding=size)


class Browser:
    """A test client that follows the rules a browser does: it reads the CSRF token from the
    form's page and sends it back with the POST."""

    def __init__(self, client: FlaskClient) -> None:
        self.client = client

    def get(self, url: str, **kwargs: Any) -> TestResponse:
        """GET a page, read whole (so a file the app sends, e.g. a static one, is closed)."""
        kwargs.setdefault("buffered", True)
        return self.client.get(url, **kwargs)

    def csrf(self, page: str = "/masuk") -> str:
        """The CSRF token of a form on ``page`` (the sign-in form is on every session's path)."""
        answer = self.client.get(page)
        assert answer.status_code == 200, (page, answer.status_code)
        return csrf_token_in(answer.get_data(as_text=True))

    def post(self, url: str, data: dict[str, Any] | None = None, *, form_page: str | None = None,
             csrf: bool = True, **kwargs: Any) -> TestResponse:
        """POST a form; the token comes from ``form_page`` (default: the sign-in page)."""
        fields = dict(data or {})
        if csrf and "csrf_token" not in fields:
            fields["csrf_token"] = self.csrf(form_page or "/masuk")
        if any(isinstance(value, tuple) for value in fields.values()):
            # Encoded here, in memory: werkzeug's test client spools a body over 500 KB to a
            # temporary file it never closes (a ResourceWarning once the test is over).
            boundary, body = encode_multipart({
                name: FileStorage(value[0], filename=value[1]) if isinstance(value, tuple)
                else value for name, value in fields.items()})
            kwargs["content_type"] = f"multipart/form-data; boundary={boundary}"
            return self.client.post(url, data=body, **kwargs)
        return self.client.post(url, data=fields, **kwargs)

    def login(self, username: str, password: str = PASSWORD, *, next_url: str | None = None
              ) -> TestResponse:
        """Sign in through the form."""
        url = "/masuk" + (f"?next={next_url}" if next_url is not None else "")
        return self.post(url, {"username": username, "password": password}, form_page=url)


@dataclass
class WebEnv:
    """The application, its services and clock, the sandbox, and the accounts."""

    app: Flask
    services: Services
    clock: Clock
    sandbox: SandboxServer
    tmp_path: Path
    _sessions: dict[str, Browser] = field(default_factory=dict)

    @property
    def config(self) -> Config:
        """The configuration the app runs with."""
        return self.services.config

    def browser(self, address: str = "127.0.0.1") -> Browser:
        """A fresh, signed-out client (``address`` is its REMOTE_ADDR)."""
        client = self.app.test_client()
        client.environ_base["REMOTE_ADDR"] = address
        return Browser(client)

    def as_role(self, key: str | None) -> Browser:
        """A client signed in as the account of ``key`` (None: anonymous), made fresh."""
        browser = self.browser()
        if key is not None:
            answer = browser.login(ACCOUNTS[key].username)
            assert answer.status_code == 302, (key, answer.status_code)
        return browser

    def signed_in(self, key: str | None) -> Browser:
        """Like :meth:`as_role`, but reused across calls."""
        name = key or "-"
        if name not in self._sessions:
            self._sessions[name] = self.as_role(key)
        return self._sessions[name]

    def submit(self, body: dict[str, Any], actor: str = "rina") -> str:
        """Provision a request through the service (fast set-up); its code."""
        result, _ = self.services.intake.submit(body, actor=actor, role=Role.STAF)
        return result.code

    def state_of(self, code: str) -> str:
        """The request's state in the database."""
        with self.services.db.session() as session:
            found = listing.request_detail(session, code)
            assert found is not None
            return found.state

    def to_signed(self, code: str, pdf: bytes | None = None) -> bytes:
        """Kabid approves and Kadis signs (through the service); the signed PDF."""
        pdf = pdf or minimal_pdf(f"Surat {code}")
        letters = self.services.letters
        letters.review(code, approve=True, note="", actor="hendra", role=Role.KABID)
        letters.sign(code, pdf, actor="kadis", role=Role.KADIS)
        return pdf

    def to_sent(self, code: str) -> bytes:
        """Approve, sign and send the request's letter; the signed PDF."""
        pdf = self.to_signed(code)
        self.services.letters.send(code, actor="rina", role=Role.STAF)
        return pdf

    def api_token(self, *scopes: str, agency: str | None = None, days: float = 30,
                  issued: datetime | None = None) -> str:
        """A recorded API token (as ``zoomsvc token create`` makes it), on the app's clock."""
        now = issued or self.clock()
        expires = now + timedelta(days=days)
        jti = uuid.uuid4().hex
        with self.services.db.session() as session:
            accounts.add_token(session, jti=jti, name="uji", scopes=" ".join(scopes),
                               agency=agency, created_by="test", now=now, expires_at=expires)
        return issue_api_token(SECRET_KEY, jti=jti, scopes=scopes or ("requests:read",),
                               agency=agency, issued_at=now, expires_at=expires)

    def verify_token(self, code: str) -> str:
        """The QR verification token of the request's current letter."""
        letter = self.services.letters.current(code)
        assert letter is not None
        return letter.verify_token


def web_document(sandbox_url: str, db_url: str, tmp_path: Path, *,
                 web: dict[str, Any] | None = None, letters: dict[str, Any] | None = None,
                 zoom: dict[str, Any] | None = None,
                 smtp: dict[str, Any] | None = None) -> dict[str, Any]:
    """The demo configuration with a signing key, letter folders in ``tmp_path`` and two OPD;
    ``web``, ``letters``, ``zoom`` and ``smtp`` change settings of those sections."""
    document = demo_document(sandbox_url)
    if smtp:
        document["smtp"] = {**document.get("smtp", {}), **smtp}
    document["zoom"].update(zoom or {})
    document["database"] = {"url": db_url}
    document["web"] = {"secret_key": SECRET_KEY, "base_url": "http://zoom.test",
                       "password_hash": TEST_PASSWORD_HASH, **(web or {})}
    document["letters"] = {**document["letters"], "output_dir": str(tmp_path / "letters"),
                           "files_dir": str(tmp_path / "files"), **(letters or {})}
    document["opd"] = [dict(entry) for entry in OPD]
    return document


def add_accounts(db: Database, clock: Clock, method: str = "scrypt") -> None:
    """One account per role, all with :data:`PASSWORD` hashed by ``method``."""
    password_hash = auth.hash_password(PASSWORD, method)
    with db.session() as session:
        for account in ACCOUNTS.values():
            accounts.add_user(session, username=account.username, full_name=account.full_name,
                              password_hash=password_hash, role=account.role.value,
                              agency=account.agency, now=clock())


@contextmanager
def web_environment(document: dict[str, Any], sandbox: SandboxServer, clock: Clock,
                    tmp_path: Path) -> Iterator[WebEnv]:
    """Build the app of ``document`` with a migrated database and the accounts."""
    config = build_config(document, {}, source="test")
    migrate_from_template(config.database.url)
    services = Services(config, clock=clock)
    add_accounts(services.db, clock, config.web.password_hash)
    app = create_app(services=services)
    yield WebEnv(app, services, clock, sandbox, tmp_path)
    services.db.dispose()


WebFactory = Callable[..., WebEnv]


@pytest.fixture
def web_factory(sandbox: SandboxServer, db_url: str, clock: Clock, tmp_path: Path
                ) -> Iterator[WebFactory]:
    """Build the app, optionally with ``web=`` / ``letters=`` / ``zoom=`` settings changed (once
    per test)."""
    stack: list[Any] = []

    def build(**sections: dict[str, Any]) -> WebEnv:
        assert not stack, "one web app per test"
        document = web_document(sandbox.url, db_url, tmp_path, **sections)
        manager = web_environment(document, sandbox, clock, tmp_path)
        stack.append(manager)
        return manager.__enter__()

    yield build
    for manager in stack:
        manager.__exit__(None, None, None)


@pytest.fixture
def web(web_factory: WebFactory) -> WebEnv:
    """The web application with the default settings."""
    return web_factory()


def form_fields(**overrides: Any) -> dict[str, Any]:
    """The new-request form filled for Tuesday 24 November 2026, 09.00–12.00 WITA."""
    fields: dict[str, Any] = {
        "agency": AGENCY_A,
        "letter_number": "440/123/DINKES/2026",
        "letter_date": "2026-11-20",
        "subject": "Permohonan Fasilitasi Zoom Meeting",
        "srikandi_agenda": "",
        "topic": "Rapat Koordinasi Percepatan Penurunan Stunting",
        "agenda": "Koordinasi lintas sektor",
        "day": "2026-11-24",
        "start": "09:00",
        "end": "12:00",
        "participants": "150",
        "contact_name": "Rina Handayani",
        "contact_phone": "0812-5500-1234",
        "contact_email": "rina@dinkes.example.go.id",
        "host": "",
    }
    fields.update(overrides)
    return fields


def code_from_location(response: TestResponse) -> str:
    """The request code of a redirect to its detail page."""
    location = response.headers["Location"]
    found = re.search(r"/permohonan/([^/?#]+)$", location)
    assert found, location
    return found.group(1)
