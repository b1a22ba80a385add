"""The new-request form's handling: every refusal shown at once, the scan kept across refused
submissions, and the form given back (not an error page) after an expired session or a body
too large to read."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from flask import current_app, render_template
from werkzeug.datastructures import FileStorage

from zoomsvc.intake import Intake
from zoomsvc.uploads import UploadRefused, check_pdf
from zoomsvc.web.context import services
from zoomsvc.web.forms import RequestForm
from zoomsvc.web.pending_scan import PendingScans

# Where an input error of the request lands on the form.
FIELD_OF = {"start": "start", "end": "end", "contact.name": "contact_name",
            "contact.phone": "contact_phone", "contact.email": "contact_email",
            "(permohonan)": "topic", "override_holiday": "override_reason"}
# The fields as request_new.html lays them out.
DISPLAY_ORDER = ("agency", "letter_number", "letter_date", "subject", "srikandi_agenda", "scan",
                 "topic", "agenda", "day", "start", "end", "participants", "host",
                 "override_holiday", "override_reason", "contact_name", "contact_phone",
                 "contact_email")
SESSION_ENDED = "Sesi Anda berakhir; periksa lalu kirim ulang formulir."


def pending_scans() -> PendingScans:
    """The kept scans, with tokens that live as long as a session."""
    config = services().config
    return PendingScans(config.letters.files_dir, current_app.config["SECRET_KEY"],
                        config.web.session_hours * 3600)


def build_form(*, empty: bool = False) -> RequestForm:
    """The form with this configuration's agencies, hosts and limits, filled from the request
    (unless ``empty``: a body too large to read)."""
    config = services().config
    form = RequestForm(formdata=None) if empty else RequestForm()
    form.agency.choices = [(o.name, o.name) for o in config.opd] or None
    form.scan.label.text = (f"Pindaian surat permohonan (PDF, maks. "
                            f"{config.web.max_upload_mb} MB)")
    form.host.choices = [("", "Pilih otomatis")] + [(h.user, f"{h.label} ({h.capacity} peserta)")
                                                     for h in config.zoom.hosts]
    if config.zoom.hosts:
        form.participants.largest = max(h.capacity for h in config.zoom.hosts)
    return form


def take_scan(form: RequestForm) -> bytes | None:
    """The scan of this submission: a new upload (checked, and kept for a resubmission), or
    the one kept from an earlier refused submission; a refused file is an error on its field."""
    upload = form.scan.data
    if isinstance(upload, FileStorage) and upload.filename:
        content: bytes = upload.read()
        limit = services().config.web.max_upload_mb
        try:
            if len(content) > limit * 1024 * 1024:
                raise UploadRefused("scan", too_large())
            check_pdf(content, limit, "scan")
        except UploadRefused as exc:
            form.scan.errors = [*form.scan.errors, sentence(str(exc))]
            form.scan_kept.data = ""
            return None
        form.scan_kept.data = pending_scans().keep(content)
        return content
    if form.scan_kept.data:
        kept = pending_scans().take(form.scan_kept.data)
        if kept is None:
            form.scan_kept.data = ""
            form.scan.errors = [*form.scan.errors, "Pindaian yang diunggah sebelumnya sudah "
                                "tidak tersimpan; unggah lagi."]
        return kept
    return None


def too_large() -> str:
    """The sentence for a scan over the configured limit."""
    return f"Berkas terlalu besar (maks. {services().config.web.max_upload_mb} MB)."


def sentence(message: str) -> str:
    """A service's phrase as a sentence: capital first letter, full stop."""
    message = message.strip()
    return f"{message[:1].upper()}{message[1:]}" + ("" if message.endswith(".") else ".")


def request_data(form: RequestForm) -> dict[str, Any]:
    """The form's values in the shape the domain validates."""
    day, start, end = form.day.data, form.start.data, form.end.data
    assert day is not None
    assert start is not None
    assert end is not None
    return {
        "agency": form.agency.data, "letter_number": form.letter_number.data,
        "letter_date": form.letter_date.data.isoformat() if form.letter_date.data else "",
        "subject": form.subject.data, "topic": form.topic.data,
        "agenda": form.agenda.data or "",
        "start": datetime.combine(day, start).isoformat(),
        "end": datetime.combine(day, end).isoformat(),
        "participants": form.participants.data,
        "contact": {"name": form.contact_name.data, "phone": form.contact_phone.data,
                    "email": form.contact_email.data},
        **({"srikandi_agenda": form.srikandi_agenda.data} if form.srikandi_agenda.data else {}),
    }


def add_error(form: RequestForm, field: str, message: str) -> None:
    """Show a service's refusal under the field it names (the topic when it names none)."""
    target = getattr(form, FIELD_OF.get(field, field), None) or form.topic
    target.errors = [*target.errors, sentence(message)]


def add_time_problems(form: RequestForm, intake: Intake) -> None:
    """When other fields are wrong, the meeting's time is still checked, so that its problems
    appear with theirs (the service checks everything again on a valid submission)."""
    day, start, end = form.day.data, form.start.data, form.end.data
    if day is None or start is None or end is None or form.day.errors:
        return
    for problem in intake.time_problems(datetime.combine(day, start), datetime.combine(day, end),
                                        bool(form.override_holiday.data)):
        target = getattr(form, FIELD_OF.get(problem.field, problem.field), None)
        if target is not None and not target.errors:
            add_error(form, problem.field, problem.message)


def error_summary(form: RequestForm) -> list[tuple[str, str, str]]:
    """(field id, label, message) of every error, in the order the page shows the fields."""
    return [(f.id, str(f.label.text), message) for f in
            (form[name] for name in DISPLAY_ORDER) for message in f.errors]


def render(form: RequestForm, status: int, notice: str | None = None) -> tuple[str, int]:
    """The form page with its errors summarised at the top."""
    return render_template("request_new.html", form=form, errors=error_summary(form),
                           notice=notice), status


def refill_after(notice: str, status: int, *, readable: bool = True) -> tuple[str, int]:
    """The form again with ``notice``, filled with what was sent when the body was
    ``readable`` (a body over the size cap is never read)."""
    form = build_form(empty=not readable)
    if readable:
        take_scan(form)
    return render(form, status, notice)
