"""The forms (Flask-WTF, so each carries a CSRF token), with Indonesian labels and messages."""

from __future__ import annotations

from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import (
    BooleanField,
    DateField,
    IntegerField,
    PasswordField,
    SelectField,
    StringField,
    TextAreaField,
    TimeField,
)
from wtforms.validators import DataRequired, Length, NumberRange, Optional

REQUIRED = "Wajib diisi."


class LoginForm(FlaskForm):
    """Sign in."""

    username = StringField("Nama pengguna", validators=[DataRequired(REQUIRED), Length(max=80)])
    password = PasswordField("Kata sandi", validators=[DataRequired(REQUIRED), Length(max=200)])


class RequestForm(FlaskForm):
    """An approved request, as staff enter it from the letter (fields of REQUEST.json)."""

    agency = SelectField("Perangkat daerah (OPD)", validators=[DataRequired(REQUIRED)],
                         validate_choice=False)
    letter_number = StringField("Nomor surat permohonan",
                                validators=[DataRequired(REQUIRED), Length(max=100)])
    letter_date = DateField("Tanggal surat", validators=[DataRequired("Tanggal tidak sah.")])
    subject = StringField("Hal surat", validators=[DataRequired(REQUIRED), Length(max=300)])
    srikandi_agenda = StringField("Nomor agenda Srikandi", validators=[Optional(),
                                                                        Length(max=100)])
    topic = StringField("Acara (judul rapat)", validators=[DataRequired(REQUIRED),
                                                           Length(max=200)])
    agenda = TextAreaField("Agenda", validators=[Optional(), Length(max=1900)])
    day = DateField("Tanggal rapat", validators=[DataRequired("Tanggal tidak sah.")])
    start = TimeField("Mulai", validators=[DataRequired("Jam tidak sah.")])
    end = TimeField("Selesai", validators=[DataRequired("Jam tidak sah.")])
    participants = IntegerField("Perkiraan peserta", validators=[
        DataRequired("Isi jumlah peserta."), NumberRange(min=1, message="Minimal 1 peserta.")])
    contact_name = StringField("Nama narahubung", validators=[DataRequired(REQUIRED),
                                                               Length(max=200)])
    contact_phone = StringField("Telepon narahubung", validators=[DataRequired(REQUIRED),
                                                                   Length(max=50)])
    contact_email = StringField("E-mail narahubung", validators=[DataRequired(REQUIRED),
                                                                  Length(max=200)])
    host = SelectField("Akun Zoom", validators=[Optional()], validate_choice=False)
    override_holiday = BooleanField("Izinkan pada hari libur atau jam istirahat")
    override_reason = StringField("Alasan (wajib bila diizinkan; dicatat di jejak audit)",
                                  validators=[Optional(), Length(max=500)])
    scan = FileField("Pindaian surat permohonan (PDF)")  # the view adds the configured limit


class ReviewForm(FlaskForm):
    """Kabid's review of the draft: approve (paraf) or return with a note."""

    note = TextAreaField("Catatan", validators=[Optional(), Length(max=2000)])


class SignForm(FlaskForm):
    """Kadis's upload of the signed PDF."""

    signed = FileField("Surat bertanda tangan (PDF)")


class ActionForm(FlaskForm):
    """A button that changes something: only the CSRF token."""
