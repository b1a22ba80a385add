"""Sending the signed letter to the agency by e-mail, with the meeting invitation (.ics)."""

from __future__ import annotations

import smtplib
import ssl
from dataclasses import dataclass
from email.message import EmailMessage

from zoomsvc.config import Config, SmtpSettings


class MailFailed(RuntimeError):
    """The mail server refused or could not be reached."""


@dataclass(frozen=True)
class Attachment:
    """A file to attach: name, MIME type and content."""

    filename: str
    mime: str
    content: bytes


def send_mail(smtp: SmtpSettings, *, to: str, subject: str, body: str,
              attachments: tuple[Attachment, ...]) -> None:
    """Send one message through the configured SMTP server."""
    message = EmailMessage()
    message["From"] = smtp.sender
    message["To"] = to
    message["Subject"] = subject
    message.set_content(body)
    for item in attachments:
        maintype, _, subtype = item.mime.partition("/")
        message.add_attachment(item.content, maintype=maintype, subtype=subtype,
                               filename=item.filename)
    try:
        with smtplib.SMTP(smtp.host, smtp.port, timeout=smtp.timeout_seconds) as server:
            if smtp.starttls:
                server.starttls(context=ssl.create_default_context())
            if smtp.username:
                server.login(smtp.username, smtp.password)
            server.send_message(message)
    except (OSError, smtplib.SMTPException) as exc:
        # The message names the server, never the password.
        raise MailFailed(f"e-mail ke {to} gagal dikirim lewat {smtp.host}:{smtp.port}: "
                         f"{type(exc).__name__}") from exc


def signed_letter_body(config: Config, code: str) -> str:
    """The e-mail text that accompanies a signed letter."""
    return (f"Yth. Bapak/Ibu,\n\nBersama ini kami sampaikan Surat Tanggapan atas permohonan "
            f"fasilitasi Zoom Meeting ({code}) yang telah ditandatangani, beserta undangan "
            f"kalender rapat.\n\nHormat kami,\n{config.agency.name}\n"
            f"{config.agency.government}\n")
