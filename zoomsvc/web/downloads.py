"""Files of a request: draft DOCX, PDF, signed letter, invitation, scanned request letter.

Each download checks who may take it; a short-lived signed link opens one file without signing
in (for e-mails) and expires. File names are made here, never taken from what users typed.
"""

from __future__ import annotations

from datetime import timedelta
from io import BytesIO

from flask import Blueprint, abort, current_app, flash, redirect, send_file, url_for
from flask.typing import ResponseReturnValue

from zoomsvc.letters.converter import docx_to_pdf
from zoomsvc.letters.pdf import PdfUnavailable
from zoomsvc.store import listing
from zoomsvc.store.files import FileStore
from zoomsvc.tokens import TokenInvalid, issue_download_token, read_download_token
from zoomsvc.web.auth import STAFF_ROLES, current_user, require_roles
from zoomsvc.web.changes import opd_sees_meeting
from zoomsvc.web.context import services
from zoomsvc.web.forms import ActionForm
from zoomsvc.workflow import Role

bp = Blueprint("downloads", __name__)
# Which downloads the agency itself may take; drafts stay inside the office.
OPD_DOWNLOADS = frozenset({"ttd", "ics"})
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
MIME = {"draf": DOCX, "pdf": "application/pdf", "final": DOCX, "finalpdf": "application/pdf",
        "ttd": "application/pdf", "ics": "text/calendar", "pindaian": "application/pdf"}
# How each download is recorded (downloads.what); the signed letter's must be "signed", the
# name the letter service knows as SOP step 10.
RECORDED = {"draf": "draft_docx", "final": "record_docx", "ttd": "signed", "ics": "ics"}
NAMES = {"draf": "draf-surat-tanggapan.docx", "pdf": "draf-surat-tanggapan.pdf",
         "final": "surat-tanggapan-untuk-ditandatangani.docx",
         "finalpdf": "surat-tanggapan-untuk-ditandatangani.pdf",
         "ttd": "surat-tanggapan.pdf", "ics": "undangan-rapat.ics",
         "pindaian": "surat-permohonan.pdf"}


def _may_take(role: Role, user_agency: str | None, request_agency: str, what: str) -> bool:
    if role in STAFF_ROLES:
        return True
    return role == Role.OPD and user_agency == request_agency and what in OPD_DOWNLOADS


def _content(code: str, what: str) -> bytes | None:
    svc = services()
    letters = svc.letters
    if what in ("draf", "pdf", "final", "finalpdf"):
        # The draft (marked DRAF) is for the review; the letter of record, made at the Kabid's
        # approval, is the version the Kadis signs.
        path = letters.draft_path(code) if what in ("draf", "pdf") else letters.record_path(code)
        if not path.is_file():
            return None
        docx = path.read_bytes()
        return docx if what in ("draf", "final") else docx_to_pdf(docx, svc.config.letters)
    if what == "ics":
        return letters.invitation_of(code)
    files = FileStore(svc.config.letters.files_dir)
    if what == "ttd":
        letter = letters.current(code)
        return files.get(letter.signed_sha256) if letter and letter.signed_sha256 else None
    with svc.db.session() as session:
        found = listing.request_detail(session, code)
        sha = found.letter_file_sha256 if found else None
    return files.get(sha) if sha else None


def _serve(code: str, what: str, actor: str, role: Role) -> ResponseReturnValue:
    if what not in MIME:
        abort(404)
    try:
        content = _content(code, what)
    except PdfUnavailable as exc:
        flash(str(exc), "error")
        return redirect(url_for("pages.detail", code=code))
    if content is None:
        abort(404)
    if what in RECORDED:
        services().letters.record_download(code, RECORDED[what], actor=actor, role=role)
    return send_file(BytesIO(content), mimetype=MIME[what], as_attachment=True,
                     download_name=f"{code}-{NAMES[what]}")


def _request_agency(code: str) -> str:
    with services().db.session() as session:
        found = listing.request_detail(session, code)
        if found is None:
            abort(404)
        return found.agency


def _opd_may_see_meeting(code: str) -> bool:
    """The invitation carries the passcode: the agency gets it when its page shows it."""
    with services().db.session() as session:
        found = listing.request_detail(session, code)
        return found is not None and opd_sees_meeting(found)


@bp.get("/permohonan/<code>/unduh/<what>")
@require_roles(*STAFF_ROLES, Role.OPD)
def download(code: str, what: str) -> ResponseReturnValue:
    """A file of a request, for a signed-in user allowed to take it."""
    user = current_user()
    assert user is not None
    agency = _request_agency(code)
    if user.role == Role.OPD and user.agency != agency:
        abort(404)
    if not _may_take(user.role, user.agency, agency, what):
        abort(403)
    if user.role == Role.OPD and what == "ics" and not _opd_may_see_meeting(code):
        abort(403)
    return _serve(code, what, user.username, user.role)


@bp.post("/permohonan/<code>/tautan/<what>")
@require_roles(*STAFF_ROLES)
def make_link(code: str, what: str) -> ResponseReturnValue:
    """Make a signed link for the agency (signed letter or invitation) to open without login."""
    if what not in OPD_DOWNLOADS or not ActionForm().validate_on_submit():
        abort(400)
    _request_agency(code)
    svc = services()
    now = svc.clock()
    minutes = svc.config.web.download_link_minutes
    token = issue_download_token(str(current_app.secret_key), code=code, what=what,
                                 role=Role.OPD.value, issued_at=now,
                                 expires_at=now + timedelta(minutes=minutes))
    link = svc.config.web.base_url.rstrip("/") + url_for("downloads.by_link", token=token)
    flash(f"Tautan unduhan (berlaku {minutes} menit): {link}", "link")
    return redirect(url_for("pages.detail", code=code))


@bp.get("/unduh/<token>")
def by_link(token: str) -> ResponseReturnValue:
    """A file opened by a signed, unexpired link (no sign-in)."""
    try:
        claims = read_download_token(str(current_app.secret_key), token,
                                     now=services().clock())
    except TokenInvalid:
        abort(403)
    agency = _request_agency(claims.code)
    if not _may_take(Role(claims.role), agency, agency, claims.what):
        abort(403)
    return _serve(claims.code, claims.what, "tautan unduhan", Role(claims.role))
