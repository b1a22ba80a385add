"""The forms (Flask-WTF, so each carries a CSRF token), with Indonesian labels and messages."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date, time
from decimal import Decimal, InvalidOperation
from typing import Any

from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import (
    BooleanField,
    DateField,
    Field,
    HiddenField,
    PasswordField,
    SelectField,
    StringField,
    TextAreaField,
    TimeField,
)
from wtforms.validators import DataRequired, InputRequired, Length, Optional, StopValidation
from wtforms.widgets import NumberInput

from zoomsvc import formatting
from zoomsvc.input_bounds import PARTICIPANTS_MAX

REQUIRED = "Wajib diisi."
TOO_LONG = "Paling banyak %(max)d karakter."


def _length(limit: int) -> Length:
    return Length(max=limit, message=TOO_LONG)


class DayField(DateField):
    """A date: empty is "wajib diisi" (by its validator), unreadable is "tidak sah"."""

    def process_formdata(self, valuelist: Sequence[Any]) -> None:
        if not valuelist or not str(valuelist[0]).strip():
            self.data = None
            return
        try:
            self.data = date.fromisoformat(str(valuelist[0]).strip())
        except ValueError:
            self.data = None
            raise ValueError("Tanggal tidak sah; isi seperti 24/11/2026.") from None


class ClockField(TimeField):
    """A time of day: empty is "wajib diisi" (by its validator), unreadable is "tidak sah"."""

    def process_formdata(self, valuelist: Sequence[Any]) -> None:
        if not valuelist or not str(valuelist[0]).strip():
            self.data = None
            return
        try:
            self.data = time.fromisoformat(str(valuelist[0]).strip())
        except ValueError:
            self.data = None
            raise ValueError("Jam tidak sah; isi seperti 09.00.") from None


class CountField(Field):
    """A whole number of participants, read without int() limits so that "1e28" or thousands
    of digits get a sentence about their size; ``largest`` is the pool's largest host."""

    widget = NumberInput(min=1)
    largest = PARTICIPANTS_MAX

    def __init__(self, label: str, **kwargs: Any) -> None:
        super().__init__(label, **kwargs)
        self.flags.required = True  # checked in pre_validate; the "*" mark of the label

    def _value(self) -> str:
        return "" if self.raw_data is None else str(self.raw_data[0] if self.raw_data else "")

    def pre_validate(self, form: object) -> None:
        raw = str(self.raw_data[0] if self.raw_data else "").strip()
        self.data = None
        if not raw:
            raise StopValidation("Jumlah peserta wajib diisi.")
        try:
            value = Decimal(raw)
        except InvalidOperation:
            raise StopValidation("Jumlah peserta harus bilangan bulat, mis. 150.") from None
        if not value.is_finite() or value != value.to_integral_value():
            raise StopValidation("Jumlah peserta harus bilangan bulat, mis. 150.")
        if value < 1:
            raise StopValidation("Jumlah peserta minimal 1.")
        if value > self.largest:
            raise StopValidation("Jumlah peserta terlalu besar: melebihi kapasitas akun Zoom "
                                 f"terbesar ({formatting.number(self.largest)} peserta).")
        self.data = int(value)


class LoginForm(FlaskForm):
    """Sign in."""

    username = StringField("Nama pengguna", validators=[DataRequired(REQUIRED), _length(80)])
    password = PasswordField("Kata sandi", validators=[DataRequired(REQUIRED), _length(200)])


def _required(what: str) -> InputRequired:
    return InputRequired(f"{what} wajib diisi.")


def _filled(what: str) -> Callable[[object, Field], None]:
    """For a date or a time: empty (blanks only included) is "wajib diisi"; an unreadable
    value keeps its own "tidak sah"."""
    def check(form: object, field: Field) -> None:
        if field.data is None and not field.process_errors:
            raise StopValidation(f"{what} wajib diisi.")
    check.field_flags = {"required": True}  # type: ignore[attr-defined]  # the "*" mark
    return check


class RequestForm(FlaskForm):
    """An approved request, as staff enter it from the letter (fields of REQUEST.json)."""

    agency = SelectField("Perangkat daerah (OPD)", validators=[_required("Perangkat daerah")],
                         validate_choice=False)
    letter_number = StringField("Nomor surat permohonan",
                                validators=[_required("Nomor surat"), _length(100)])
    letter_date = DayField("Tanggal surat", validators=[_filled("Tanggal")])
    subject = StringField("Hal surat", validators=[_required("Hal surat"), _length(300)])
    srikandi_agenda = StringField("Nomor agenda Srikandi", validators=[Optional(),
                                                                        _length(100)])
    topic = StringField("Acara (judul rapat)", validators=[_required("Acara"), _length(200)])
    agenda = TextAreaField("Agenda", validators=[Optional(), _length(1900)])
    day = DayField("Tanggal rapat", validators=[_filled("Tanggal")])
    start = ClockField("Mulai", validators=[_filled("Jam mulai")])
    end = ClockField("Selesai", validators=[_filled("Jam selesai")])
    participants = CountField("Perkiraan peserta")
    contact_name = StringField("Nama narahubung", validators=[_required("Nama narahubung"),
                                                               _length(200)])
    contact_phone = StringField("Telepon narahubung", validators=[
        _required("Telepon narahubung"), _length(50)])
    contact_email = StringField("Surel narahubung", validators=[_required("Surel narahubung"),
                                                                 _length(200)])
    host = SelectField("Akun Zoom", validators=[Optional()], validate_choice=False)
    override_holiday = BooleanField("Izinkan pada hari libur atau jam istirahat")
    override_reason = StringField("Alasan (wajib bila diizinkan; dicatat di jejak audit)",
                                  validators=[Optional(), _length(500)])
    scan = FileField("Pindaian surat permohonan (PDF)")  # the view adds the configured limit
    # A scan accepted on an earlier, refused submission (a signed token of its hash).
    scan_kept = HiddenField()


class ReviewForm(FlaskForm):
    """Kabid's review of the draft: approve (paraf) or return with a note."""

    note = TextAreaField("Catatan", validators=[Optional(), _length(2000)])


class SignForm(FlaskForm):
    """Kadis's upload of the signed PDF."""

    signed = FileField("Surat bertanda tangan (PDF)")


class ActionForm(FlaskForm):
    """A button that changes something: only the CSRF token."""

