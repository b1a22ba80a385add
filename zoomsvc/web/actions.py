"""The buttons on a request's page: each one SOP step, for the roles the SOP names.

Every action is a POST with a CSRF token; the role is checked here and again by the workflow,
which refuses a step that is not the current one.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import Blueprint, flash, make_response, redirect, request, url_for
from flask.typing import ResponseReturnValue
from werkzeug.datastructures import FileStorage

from zoomsvc.calendar import CalendarRejected
from zoomsvc.letters.assemble import OfficialDataMissing
from zoomsvc.letters.mail import MailFailed
from zoomsvc.letters.render import TemplateCheckError
from zoomsvc.letters.service import LetterConflict, LetterRefused, UnacceptableFile
from zoomsvc.provisioning import ProvisioningFailed
from zoomsvc.store.models import Letter
from zoomsvc.web.auth import current_user, require_roles
from zoomsvc.web.context import services
from zoomsvc.web.forms import ActionForm, ReviewForm, SignForm
from zoomsvc.web.pages import detail
from zoomsvc.workflow import Role, TransitionRefused

bp = Blueprint("actions", __name__, url_prefix="/permohonan/<code>")
ENTRY_ROLES = (Role.STAF, Role.SUBKOORDINATOR)


class RefusedUpload(Exception):
    """The uploaded signed letter is refused for what it is (not when it was sent); ``status``
    is the HTTP answer: 400 for a bad file, 409 for a file that is another letter's."""

    def __init__(self, message: str, status: int) -> None:
        super().__init__(message)
        self.status = status


class SlotTaken(Exception):
    """The proposed slot was taken since it was proposed; the request is full again."""


FAILURES = (LetterRefused, OfficialDataMissing, TemplateCheckError, TransitionRefused,
            ProvisioningFailed, MailFailed, CalendarRejected, SlotTaken)


def _back(code: str) -> ResponseReturnValue:
    return redirect(url_for("pages.detail", code=code))


def _run(code: str, step: Callable[[str, Role], object],
         done: str | Callable[[Any], str]) -> ResponseReturnValue:
    """Run one step as the signed-in user; its refusal is shown, never a server error.
    ``done`` is the sentence of success, or makes it from what the step returned."""
    user = current_user()
    assert user is not None
    try:
        outcome = step(user.username, user.role)
    except FAILURES as exc:
        problems = getattr(exc, "problems", None)
        message = "; ".join(p.message for p in problems) if problems else str(exc)
        flash(f"Tidak dapat diproses: {message}", "error")
    else:
        flash(done if isinstance(done, str) else done(outcome), "success")
    return _back(code)


@bp.post("/ulang")
@require_roles(*ENTRY_ROLES)
def retry(code: str) -> ResponseReturnValue:
    """Run provisioning again for a request left waiting by a Zoom failure."""
    if not ActionForm().validate_on_submit():
        return _back(code)
    intake = services().intake

    def step(actor: str, role: Role) -> None:
        result = intake.provisioner.provision(code, actor=actor, role=role)
        draft = intake.draft_if_due(code, result.state, actor=actor, role=role)
        if draft is not None and draft.error:
            flash(f"Draf surat belum dapat disusun: {draft.error}", "error")

    return _run(code, step, "Permohonan diproses ulang.")


@bp.post("/alternatif/<int:index>")
@require_roles(*ENTRY_ROLES)
def use_slot(code: str, index: int) -> ResponseReturnValue:
    """The agency accepted a proposed slot: check it again and provision it."""
    if not ActionForm().validate_on_submit():
        return _back(code)
    intake = services().intake

    def step(actor: str, role: Role) -> None:
        result, draft = intake.use_alternative(code, index, actor=actor, role=role)
        if draft is not None and draft.error:
            flash(f"Draf surat belum dapat disusun: {draft.error}", "error")
        if result.outcome == "full":
            # Checked again and found taken: say so, not "processed".
            raise SlotTaken(f"waktu alternatif {index + 1} sudah terpakai sejak diusulkan; "
                            "jadwal penuh lagi dan alternatif baru sudah disiapkan")

    return _run(code, step, f"Waktu alternatif {index + 1} dipakai: rapat Zoom dibuat.")


@bp.post("/buat-ulang")
@require_roles(*ENTRY_ROLES)
def recreate(code: str) -> ResponseReturnValue:
    """The meeting was deleted in Zoom outside the service: make it again (same slot if free,
    else alternatives) and draft the letter again."""
    if not ActionForm().validate_on_submit():
        return _back(code)
    intake = services().intake

    def step(actor: str, role: Role) -> str:
        result, draft = intake.recreate(code, actor=actor, role=role)
        if draft is not None and draft.error:
            flash(f"Draf surat belum dapat disusun: {draft.error}", "error")
        return result.outcome

    return _run(code, step, lambda outcome: (
        "Jadwal semula sudah terpakai: jadwal penuh, alternatif waktu sudah disiapkan."
        if outcome == "full" else "Rapat Zoom dibuat ulang dan draf surat disusun ulang."))


@bp.post("/susun")
@require_roles(*ENTRY_ROLES)
def rerender(code: str) -> ResponseReturnValue:
    """Render the draft again (after the configuration or template changed); number kept."""
    if not ActionForm().validate_on_submit():
        return _back(code)
    letters = services().letters
    return _run(code, lambda actor, role: letters.draft(code, actor=actor, role=role),
                "Draf surat disusun ulang; nomor surat tetap.")


@bp.post("/periksa")
@require_roles(Role.KABID)
def review(code: str) -> ResponseReturnValue:
    """Kabid approves (paraf) or returns the draft with a note (SOP step 8)."""
    form = ReviewForm()
    if not form.validate_on_submit():
        return _back(code)
    approve = request.form.get("keputusan") == "setuju"
    letters = services().letters
    return _run(code, lambda actor, role: letters.review(
        code, approve=approve, note=form.note.data or "", actor=actor, role=role),
        "Draf diparaf." if approve else "Draf dikembalikan dengan catatan.")


@bp.post("/tandatangan")
@require_roles(Role.KADIS)
def sign(code: str) -> ResponseReturnValue:
    """Kadis uploads the signed PDF (SOP step 9)."""
    form = SignForm()
    if not form.validate_on_submit():
        return _back(code)
    upload = form.signed.data
    if not isinstance(upload, FileStorage) or not upload.filename:
        flash("Pilih berkas PDF yang sudah ditandatangani.", "error")
        return _back(code)
    content = upload.read()
    letters = services().letters

    def step(actor: str, role: Role) -> None:
        try:
            letters.sign(code, content, actor=actor, role=role)
        except LetterConflict as exc:
            raise RefusedUpload(str(exc), 409) from exc
        except UnacceptableFile as exc:
            raise RefusedUpload(str(exc), 400) from exc

    try:
        return _run(code, step, "Surat bertanda tangan tersimpan.")
    except RefusedUpload as exc:
        # The file itself is refused (no signature, altered, already another letter's): the
        # request's page again with the reason, not a redirect as if a step had been taken.
        flash(f"Tidak dapat diproses: {exc}", "error")
        response = make_response(detail(code))
        response.status_code = exc.status
        return response


@bp.post("/kirim")
@require_roles(Role.STAF, Role.SUBKOORDINATOR, Role.KADIS)
def send(code: str) -> ResponseReturnValue:
    """Send the signed letter to the agency (SOP step 9)."""
    if not ActionForm().validate_on_submit():
        return _back(code)
    letters = services().letters
    return _run(code, lambda actor, role: letters.send(code, actor=actor, role=role),
                _sent_sentence)


def _sent_sentence(letter: Letter) -> str:
    """Say what happened: an e-mail to an address, or only a record of the hand-over."""
    if letter.sent_to and "@" in letter.sent_to:
        return f"Surat terkirim ke alamat {letter.sent_to}."
    return "Surat ditandai diserahkan (tanpa surel)."


@bp.post("/perhatian/<int:flag_id>/selesai")
@require_roles(Role.STAF, Role.SUBKOORDINATOR, Role.KABID, Role.ADMIN)
def resolve_flag(code: str, flag_id: int) -> ResponseReturnValue:
    """Staff have looked at a flag (meeting changed or deleted outside, clash): close it."""
    if not ActionForm().validate_on_submit():
        return _back(code)
    user = current_user()
    assert user is not None
    closed = services().attention.resolve(flag_id, by=user.username)
    flash("Catatan perhatian ditandai selesai." if closed else "Catatan itu sudah ditutup.",
          "success" if closed else "info")
    return _back(code) if code != "-" else redirect(url_for("pages.dashboard"))
