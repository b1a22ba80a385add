"""Sending the signed letter by e-mail (``zoomsvc.letters.mail`` through ``LetterService.send``)
against a real SMTP server on loopback (aiosmtpd), and what happens when the server refuses."""

from __future__ import annotations

import contextlib
import email
import socket
from collections.abc import Callable, Iterator
from email.message import EmailMessage
from email.policy import default as default_policy
from pathlib import Path
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP, Envelope, Session
from icalendar import Calendar
from test_letters_service import events_of, minimal_pdf, request_state, to_signed

from zoomsvc.config import Config
from zoomsvc.intake import Intake
from zoomsvc.letters.mail import MailFailed
from zoomsvc.letters.service import LetterRefused, LetterService
from zoomsvc.provisioning import Provisioner
from zoomsvc.store import Database
from zoomsvc.workflow import Role

SENDER = "zoom@diskominfo.tarakankota.go.id"
CONTACT = "rina@dinkes.example.go.id"


class Inbox:
    """An aiosmtpd handler that keeps every message; refuses recipients when told to."""

    def __init__(self) -> None:
        self.envelopes: list[Envelope] = []
        self.refuse = False

    async def handle_RCPT(self, server: SMTP, session: Session, envelope: Envelope,
                          address: str, rcpt_options: list[str]) -> str:
        if self.refuse:
            return "550 5.7.1 Penerima ditolak"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:
        self.envelopes.append(envelope)
        return "250 Message accepted for delivery"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


@pytest.fixture
def smtp_server() -> Iterator[tuple[Controller, Inbox]]:
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=free_port())
    controller.start()
    try:
        yield controller, inbox
    finally:
        with contextlib.suppress(AssertionError):  # a test may have stopped it already
            controller.stop()


@pytest.fixture
def config_document(config_document: dict[str, Any], tmp_path: Path,
                    smtp_server: tuple[Controller, Inbox]) -> dict[str, Any]:
    controller, _ = smtp_server
    config_document["letters"] = {**config_document.get("letters", {}),
                                  "output_dir": str(tmp_path / "letters"),
                                  "files_dir": str(tmp_path / "files")}
    config_document["smtp"] = {"host": "127.0.0.1", "port": controller.port, "sender": SENDER,
                               "starttls": False, "timeout_seconds": 5.0}
    return config_document


@pytest.fixture
def signed(provisioner: Provisioner, letters: LetterService,
           make_request: Callable[..., dict[str, Any]]) -> tuple[str, bytes]:
    """A request whose letter the Kadis signed: its code and the signed PDF."""
    result, draft = Intake(provisioner, letters).submit(make_request(contact={
        "name": "Rina Handayani", "phone": "0812-5500-1234", "email": CONTACT}), actor="rina")
    assert draft is not None
    assert draft.error is None
    return result.code, to_signed(letters, result.code, minimal_pdf("Surat bertanda tangan"))


def parse(envelope: Envelope) -> EmailMessage:
    raw = envelope.original_content or envelope.content
    assert isinstance(raw, bytes)
    message = email.message_from_bytes(raw, policy=default_policy)
    assert isinstance(message, EmailMessage)
    return message


def test_the_signed_letter_and_the_invitation_reach_the_agencys_contact(
        letters: LetterService, db: Database, config: Config, provisioner: Provisioner,
        smtp_server: tuple[Controller, Inbox], signed: tuple[str, bytes]) -> None:
    code, pdf = signed
    _, inbox = smtp_server

    letter = letters.send(code, actor="rina", role=Role.STAF)

    assert len(inbox.envelopes) == 1
    envelope = inbox.envelopes[0]
    assert (envelope.mail_from, envelope.rcpt_tos) == (SENDER, [CONTACT])
    message = parse(envelope)
    assert message["To"] == CONTACT
    assert message["From"] == SENDER
    assert message["Subject"] == f"{letter.number} - {config.letters.hal}"
    assert letter.number.startswith("000.8.3.3/0001/")
    body = message.get_body(preferencelist=("plain",))
    assert body is not None
    assert code in body.get_content()
    attachments = {part.get_filename(): part for part in message.iter_attachments()}
    assert set(attachments) == {f"{code}-surat-tanggapan.pdf", f"{code}.ics"}
    assert attachments[f"{code}-surat-tanggapan.pdf"].get_content_type() == "application/pdf"
    assert attachments[f"{code}-surat-tanggapan.pdf"].get_content() == pdf
    ics = attachments[f"{code}.ics"]
    assert ics.get_content_type() == "text/calendar"
    meeting = provisioner.status(code).meeting
    assert meeting is not None
    event = Calendar.from_ical(ics.get_payload(decode=True)).walk("VEVENT")[0]
    assert str(event["uid"]) == f"zoom-{meeting.zoom_id}@zoomsvc"
    assert event.decoded("dtstart") == meeting.start
    # Recorded as sent, to the contact.
    assert (letter.status, letter.sent_to) == ("sent", CONTACT)
    assert request_state(db, code) == "sent"
    assert events_of(db, code)[-1].note == f"dikirim ke {CONTACT}"


def test_a_letter_already_sent_is_not_mailed_twice(
        letters: LetterService, smtp_server: tuple[Controller, Inbox],
        signed: tuple[str, bytes]) -> None:
    code, _ = signed
    letters.send(code, actor="rina", role=Role.STAF)
    with pytest.raises(LetterRefused, match="belum ditandatangani"):
        letters.send(code, actor="rina", role=Role.STAF)
    assert len(smtp_server[1].envelopes) == 1


@pytest.mark.parametrize("failure", ["refuses-recipient", "server-stopped"])
def test_a_mail_server_that_refuses_fails_the_send_and_the_letter_stays_unsent(
        letters: LetterService, db: Database, smtp_server: tuple[Controller, Inbox],
        signed: tuple[str, bytes], failure: str) -> None:
    code, _ = signed
    controller, inbox = smtp_server
    if failure == "refuses-recipient":
        inbox.refuse = True
    else:
        controller.stop()
    events = len(events_of(db, code))

    with pytest.raises(MailFailed) as failed:
        letters.send(code, actor="rina", role=Role.STAF)

    assert f"127.0.0.1:{controller.port}" in str(failed.value)
    assert CONTACT in str(failed.value)
    assert inbox.envelopes == []
    letter = letters.current(code)
    assert letter is not None
    assert (letter.status, letter.sent_to, letter.sent_at) == ("signed", None, None)
    assert request_state(db, code) == "signed"
    assert len(events_of(db, code)) == events
