"""What ``zoomsvc demo --web`` adds to the demo: an account for every role with a fresh random
password, a few requests standing at different steps of the SOP, and the web application.

Each run is idempotent in its requests (the same letters are found again) and gives every demo
account a new password, printed once, so no password is ever fixed in the code.
"""

from __future__ import annotations

import io
import secrets
from dataclasses import dataclass
from datetime import date
from typing import Any

import click
from pyhanko.pdf_utils import generic
from pyhanko.pdf_utils.writer import PageObject, PdfFileWriter

from zoomsvc.letters.service import LetterRefused
from zoomsvc.services import Services
from zoomsvc.store import accounts
from zoomsvc.store import letters_records as lrec
from zoomsvc.store import records as rec
from zoomsvc.workflow import Role, State

DEMO_AGENCIES = ("Dinas Kesehatan", "Dinas Pendidikan", "Dinas Perhubungan",
                 "Badan Perencanaan Pembangunan Daerah")


@dataclass(frozen=True)
class DemoAccount:
    """A demo account: who signs in as which role."""

    username: str
    full_name: str
    role: Role
    agency: str | None = None


DEMO_ACCOUNTS = (
    DemoAccount("staf", "Contoh Staf Aptika", Role.STAF),
    DemoAccount("subkoordinator", "Contoh Sub Koordinator", Role.SUBKOORDINATOR),
    DemoAccount("kabid", "Contoh Kabid Aptika", Role.KABID),
    DemoAccount("kadis", "Contoh Kepala Dinas", Role.KADIS),
    DemoAccount("opd", "Contoh Operator Dinas Kesehatan", Role.OPD, DEMO_AGENCIES[0]),
    DemoAccount("admin", "Contoh Administrator", Role.ADMIN),
)


def demo_accounts(services: Services) -> dict[str, str]:
    """Create the demo accounts, or give them a new password; user name → password."""
    from zoomsvc.web.auth import hash_password

    passwords: dict[str, str] = {}
    now = services.clock()
    with services.db.session() as session:
        for account in DEMO_ACCOUNTS:
            password = secrets.token_urlsafe(12)
            hashed = hash_password(password, services.config.web.password_hash)
            row = accounts.find_user(session, account.username)
            if row is None:
                accounts.add_user(session, username=account.username,
                                  full_name=account.full_name, password_hash=hashed,
                                  role=account.role, agency=account.agency, now=now)
            else:
                row.password_hash, row.active, row.failed_logins = hashed, True, 0
            passwords[account.username] = password
    return passwords


def demo_pdf(text: str) -> bytes:
    """A one-page PDF standing in for a letter the Kadis signed by hand and scanned."""
    writer = PdfFileWriter()
    font = generic.DictionaryObject({
        generic.NameObject("/Type"): generic.NameObject("/Font"),
        generic.NameObject("/Subtype"): generic.NameObject("/Type1"),
        generic.NameObject("/BaseFont"): generic.NameObject("/Helvetica")})
    resources = generic.DictionaryObject({
        generic.NameObject("/Font"): generic.DictionaryObject(
            {generic.NameObject("/F1"): writer.add_object(font)})})
    # Latin-1 only, and the PDF string delimiters escaped.
    safe = text.encode("latin-1", "replace").decode("latin-1")
    safe = safe.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")
    stream = generic.StreamObject(
        stream_data=f"BT /F1 14 Tf 72 760 Td ({safe}) Tj ET".encode("latin-1"))
    writer.insert_page(PageObject(contents=writer.add_object(stream),
                                  media_box=(0, 0, 595, 842), resources=resources))
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def _request(agency: str, number: int, topic: str, day: date, start: str, end: str,
             participants: int) -> dict[str, Any]:
    return {
        "agency": agency, "letter_number": f"000/{number}/DEMO/2026",
        "letter_date": "2026-11-20", "subject": "Permohonan Fasilitasi Zoom Meeting",
        "srikandi_agenda": f"DEMO-{number}", "topic": topic,
        "agenda": f"{topic} (contoh demo)",
        "start": f"{day.isoformat()}T{start}", "end": f"{day.isoformat()}T{end}",
        "participants": participants,
        "contact": {"name": "Contoh Narahubung", "phone": "0812-0000-0000",
                    "email": "narahubung@contoh.example.go.id"},
    }


def _advance(services: Services, code: str, target: State) -> None:
    """Take a drafted request's letter on to ``target`` (reviewed, signed or sent)."""
    letters = services.letters
    steps = [State.REVIEWED, State.SIGNED, State.SENT]
    for step in steps[:steps.index(target) + 1]:
        with services.db.session() as session:
            request = rec.request_by_code(session, code)
            assert request is not None
            state = request.state
            signed = lrec.signed_letter_of_request(session, request.id)
        if step == State.REVIEWED and state == State.DRAFT_READY:
            letters.review(code, approve=True, note="", actor="kabid", role=Role.KABID)
        elif step == State.SIGNED and state == State.REVIEWED and signed is None:
            letters.sign(code, demo_pdf(f"Surat tanggapan {code} (contoh demo)"),
                         actor="kadis", role=Role.KADIS)
        elif step == State.SENT and state == State.SIGNED:
            letters.send(code, actor="staf", role=Role.STAF)


def demo_requests(services: Services, day: date) -> list[tuple[str, str]]:
    """A few requests on ``day`` at different steps; (code, what it shows) each."""
    pool = [
        (_request(DEMO_AGENCIES[1], 201, "Rapat Persiapan Asesmen Nasional", day, "09:00",
                  "11:00", 250), State.REVIEWED, "diparaf Kabid, menunggu tanda tangan Kadis"),
        (_request(DEMO_AGENCIES[2], 202, "Sosialisasi Aplikasi Srikandi", day, "13:00",
                  "15:00", 200), State.SIGNED, "ditandatangani, siap dikirim ke OPD"),
        (_request(DEMO_AGENCIES[0], 203, "Bimbingan Teknis Aplikasi e-PPGBM", day, "13:00",
                  "15:00", 200), State.SENT, "terkirim, siap diunduh OPD"),
        (_request(DEMO_AGENCIES[1], 204, "Rapat Evaluasi SPBE", day, "13:00", "15:00", 150),
         None, "draf surat siap diparaf"),
        (_request(DEMO_AGENCIES[2], 205, "Rapat Koordinasi Pengendalian Inflasi", day, "13:00",
                  "14:30", 120), None, "draf surat siap diparaf"),
        # Every account that can hold 250 people is taken at 13.00 by now.
        (_request(DEMO_AGENCIES[3], 206, "Forum Konsultasi Publik RKPD", day, "13:00",
                  "15:00", 250), None, "jadwal penuh, dengan jadwal alternatif"),
    ]
    made: list[tuple[str, str]] = []
    for body, target, shows in pool:
        result, _ = services.intake.submit(body, actor="staf", role=Role.STAF)
        if target is not None and result.outcome == "scheduled":
            try:
                _advance(services, result.code, target)
            except LetterRefused as exc:
                click.echo(f"Catatan: {result.code} tidak dapat dilanjutkan ({exc}).", err=True)
        made.append((result.code, shows if result.outcome == "scheduled"
                     else "jadwal penuh, dengan jadwal alternatif"))
    return made


def print_accounts(url: str, passwords: dict[str, str]) -> None:
    """The sign-in page and every demo account with its password of this run."""
    click.echo(f"\nAplikasi web demo: {url}/masuk  — Ctrl+C menghentikan web dan sandbox.",
               err=True)
    click.echo("Akun demo (kata sandi acak, berlaku untuk jalankan ini saja):", err=True)
    for account in DEMO_ACCOUNTS:
        click.echo(f"  {account.role.value:<15} {account.username:<15} "
                   f"{passwords[account.username]}", err=True)
