"""The change buttons of a request's page: new time, corrected data, cancellation (staff), and
the agency's asks and choice of an alternative (OPD). Each is a POST with a CSRF token; the
service refuses what the state or the input does not allow, and the page says why."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import Blueprint, Flask, abort, flash, redirect, request, url_for
from flask.typing import ResponseReturnValue

from zoomsvc.calendar import CalendarRejected
from zoomsvc.changes import EDITABLE
from zoomsvc.domain import InvalidInput
from zoomsvc.letters.assemble import OfficialDataMissing
from zoomsvc.letters.mail import MailFailed
from zoomsvc.letters.service import LetterRefused
from zoomsvc.provisioning import ProvisioningFailed
from zoomsvc.provisioning.outcome import ChangeRefused
from zoomsvc.store import change_requests
from zoomsvc.store import records as rec
from zoomsvc.store.models import ChangeRequest, Request
from zoomsvc.web.auth import current_user, require_roles
from zoomsvc.web.context import services
from zoomsvc.web.forms import ActionForm
from zoomsvc.workflow import RESCHEDULABLE, Role, State, TransitionRefused

bp = Blueprint("changes", __name__, url_prefix="/permohonan/<code>")
ENTRY_ROLES = (Role.STAF, Role.SUBKOORDINATOR)
CANCEL_ROLES = (Role.STAF, Role.SUBKOORDINATOR, Role.KABID, Role.ADMIN)
FAILURES = (ChangeRefused, InvalidInput, CalendarRejected, TransitionRefused,
            ProvisioningFailed, LetterRefused, OfficialDataMissing, MailFailed)
FIELD_LABELS = {"subject": "Hal surat", "topic": "Acara", "agenda": "Agenda",
                "participants": "Jumlah peserta", "contact_name": "Nama narahubung",
                "contact_phone": "Telepon narahubung", "contact_email": "Surel narahubung",
                "start": "Waktu mulai", "end": "Waktu selesai"}


def _back(code: str) -> ResponseReturnValue:
    return redirect(url_for("pages.detail", code=code))


def _message(exc: Exception) -> str:
    problems = getattr(exc, "problems", None)
    if problems:
        return "; ".join(p.message for p in problems)
    if isinstance(exc, InvalidInput):
        return f"{FIELD_LABELS.get(exc.field, exc.field)}: {exc.message}"
    return str(exc)


def _run(code: str, step: Callable[[str, Role], str]) -> ResponseReturnValue:
    """Run one change as the signed-in user; a refusal is flashed, never a server error."""
    user = current_user()
    assert user is not None
    if not ActionForm().validate_on_submit():
        flash("Formulir kedaluwarsa; muat ulang halaman lalu coba lagi.", "error")
        return _back(code)
    try:
        done = step(user.username, user.role)
    except FAILURES as exc:
        flash(f"Tidak dapat diproses: {_message(exc)}", "error")
    else:
        flash(done, "success")
    return _back(code)


def _field(name: str) -> str:
    return (request.form.get(name) or "").strip()


@bp.post("/jadwal-baru")
@require_roles(*ENTRY_ROLES)
def reschedule(code: str) -> ResponseReturnValue:
    """A new date and time for the meeting (the agency asked, or the office must move it)."""
    changes = services().changes

    def step(actor: str, role: Role) -> str:
        day = _field("day")
        if not day or not _field("start") or not _field("end"):
            raise ChangeRefused("start", "Tanggal, jam mulai dan jam selesai yang baru wajib "
                                "diisi.")
        outcome = changes.reschedule(code, f"{day}T{_field('start')}",
                                     f"{day}T{_field('end')}", reason=_field("reason"),
                                     actor=actor, role=role)
        if outcome.letter_error:
            flash(f"Draf surat belum dapat disusun ulang: {outcome.letter_error}", "error")
        if outcome.how == "full":
            return "Jadwal diubah, tetapi akun Zoom sudah penuh; rapat lama tetap ada."
        where = "pada akun Zoom yang sama" if outcome.how == "patched" else "di akun Zoom lain"
        return f"Jadwal diubah {where}; draf surat disusun ulang."

    return _run(code, step)


@bp.post("/ubah-data")
@require_roles(*ENTRY_ROLES)
def edit(code: str) -> ResponseReturnValue:
    """Corrected data of the request (before the Kabid's paraf); the draft follows."""
    changes = services().changes

    def step(actor: str, role: Role) -> str:
        values: dict[str, Any] = {k: request.form[k] for k in EDITABLE if k in request.form}
        if "participants" in values:
            text = str(values["participants"]).strip()
            values["participants"] = int(text) if text.isdigit() else text
        outcome = changes.edit(code, values, actor=actor, role=role)
        if outcome.letter_error:
            flash(f"Draf surat belum dapat disusun ulang: {outcome.letter_error}", "error")
        return "Data permohonan diubah; draf surat disusun ulang."

    return _run(code, step)


@bp.post("/batalkan")
@require_roles(*CANCEL_ROLES)
def cancel(code: str) -> ResponseReturnValue:
    """Cancel the request with a reason: the meeting is deleted, the letter voided."""
    cancellations = services().cancellations

    def step(actor: str, role: Role) -> str:
        outcome = cancellations.cancel(code, _field("reason"), actor=actor, role=role)
        if outcome.left:
            flash("Rapat Zoom belum terhapus karena Zoom gagal menjawab; tekan Batalkan lagi "
                  "untuk mencoba.", "error")
        return f"Permohonan dibatalkan; {outcome.informed or 'rapat Zoom dihapus'}."

    return _run(code, step)


@bp.post("/minta")
@require_roles(Role.OPD)
def ask(code: str) -> ResponseReturnValue:
    """The agency asks staff to reschedule or cancel its request."""
    svc = services()
    cancellations = svc.cancellations
    user = current_user()
    assert user is not None
    _own_agency(code, user.agency)

    def step(actor: str, _role: Role) -> str:
        cancellations.ask(code, _field("kind"), _field("note"), actor=actor,
                          agency=user.agency or "")
        return "Permintaan terkirim ke petugas; petugas akan menindaklanjutinya."

    return _run(code, step)


@bp.post("/permintaan/<int:ask_id>/tutup")
@require_roles(*ENTRY_ROLES)
def dismiss(code: str, ask_id: int) -> ResponseReturnValue:
    """Close an agency's ask without a change (answered otherwise), with a note."""
    cancellations = services().cancellations

    def step(actor: str, role: Role) -> str:
        cancellations.dismiss(code, ask_id, actor=actor, role=role, note=_field("note"))
        return "Permintaan OPD ditutup."

    return _run(code, step)


@bp.post("/pilih/<int:index>")
@require_roles(Role.OPD)
def choose(code: str, index: int) -> ResponseReturnValue:
    """The agency takes one of the proposed times itself: the service books it at once."""
    svc = services()
    user = current_user()
    assert user is not None
    _own_agency(code, user.agency)

    def step(actor: str, _role: Role) -> str:
        # Booked by the service on the agency's behalf: the workflow's booking steps are the
        # office's, and the audit names the agency's account as the one who chose.
        result, draft = svc.intake.use_alternative(code, index, actor=f"{actor} (OPD)",
                                                   role=Role.SYSTEM)
        if result.outcome == "full":
            raise ChangeRefused("index", "Waktu itu sudah terpakai sejak diusulkan; pilih "
                                "salah satu waktu baru yang disiapkan.")
        if draft is not None and draft.error:
            flash("Surat tanggapan akan disiapkan petugas.", "info")
        return f"Waktu alternatif {index + 1} dipilih; rapat Zoom sudah dipesan."

    return _run(code, step)


def _own_agency(code: str, agency: str | None) -> None:
    """Another agency's request does not exist as far as an OPD account can tell."""
    with services().db.session() as session:
        found = rec.request_by_code(session, code)
        if found is None or found.agency != agency:
            abort(404)


def open_asks(code: str) -> list[ChangeRequest]:
    """The agency's open asks about a request (for its page)."""
    with services().db.session() as session:
        found = rec.request_by_code(session, code)
        if found is None:
            return []
        return change_requests.open_asks(session, found.id)


def opd_sees_meeting(req: Request) -> bool:
    """Whether an agency account may see the meeting's link and passcode now."""
    if services().config.web.opd_sees_meeting == "scheduled":
        return req.state not in (State.CANCELLED, State.EXPIRED)
    return req.state in (State.SENT, State.RECEIVED, State.DONE)


def install(app: Flask) -> None:
    """Register the blueprint and what the change panel (``_changes.html``) reads."""
    app.register_blueprint(bp)
    app.jinja_env.globals.update(open_asks=open_asks, opd_sees_meeting=opd_sees_meeting,
                                 reschedulable=[s.value for s in RESCHEDULABLE]
                                 + [State.DRAFT_READY.value])
