"""``zoomsvc letter ...``: the Surat Tanggapan from the command line (SOP steps 7–10)."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import click

from zoomsvc.cli.context import AppContext, Failure, Refused, pass_app
from zoomsvc.letters.assemble import OfficialDataMissing
from zoomsvc.letters.converter import docx_to_pdf
from zoomsvc.letters.mail import MailFailed
from zoomsvc.letters.pdf import PdfUnavailable, oneshot_pdf
from zoomsvc.letters.render import LetterRenderer, TemplateCheckError, check_template
from zoomsvc.letters.sample import sample_full_letter, sample_letter
from zoomsvc.letters.service import LetterConflict, LetterRefused
from zoomsvc.store.letters_records import LetterRecord
from zoomsvc.workflow import Role, TransitionRefused

ERRORS = (LetterRefused, OfficialDataMissing, TemplateCheckError, TransitionRefused,
          PdfUnavailable, MailFailed)


def _letter_json(app: AppContext, code: str) -> dict[str, object]:
    try:
        letter = app.letters.current(code)
    except LetterRefused as exc:  # an unknown request: one line, not a traceback
        raise Failure(str(exc)) from exc
    if letter is None:
        raise Failure(f"surat untuk {code} belum ada: jalankan 'zoomsvc letter render {code}'")
    return {"request": code, "number": letter.number, "kind": letter.kind,
            "status": letter.status, "date": letter.letter_date.isoformat(),
            "draft": str(app.letters.draft_path(code)), "draft_sha256": letter.draft_sha256,
            "record": (str(app.letters.record_path(code))
                       if app.letters.record_path(code).is_file() else None),
            "signed_sha256": letter.signed_sha256, "verify_token": letter.verify_token,
            "review_note": letter.review_note, "sent_to": letter.sent_to,
            "signature": signature_json(letter) if letter.signed_sha256 else None}


def signature_json(letter: LetterRecord) -> dict[str, str | None]:
    """How a signed letter was signed: ``tte`` (with the signer's subject) or ``basah``."""
    return {"kind": letter.signature_kind, "signer_subject": letter.signer_subject,
            "check": letter.signature_note}


@click.group("letter")
def letter() -> None:
    """Surat Tanggapan: susun, periksa, tanda tangani, kirim, verifikasi."""


@letter.command("render")
@click.argument("code")
@click.option("--number", help="Nomor surat dari Srikandi; nomor lain dari yang tercatat "
              "menggantikannya dan nomor lama dibatalkan.")
@pass_app
def letter_render(app: AppContext, code: str, number: str | None) -> None:
    """Susun (ulang) draf surat; nomor yang sudah diberikan tetap dipakai, kecuali --number
    lain diberikan: nomor lama lalu dibatalkan (tercatat di jejak audit)."""
    try:
        app.letters.draft(code, actor="cli", role=Role.STAF, number=number)
    except ERRORS as exc:
        raise Failure(str(exc)) from exc
    click.echo(json.dumps(_letter_json(app, code), ensure_ascii=False))


@letter.command("preview")
@click.option("--template", "template", required=True,
              type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="Berkas templat .docx yang akan dicoba.")
@click.option("--out", "out", type=click.Path(dir_okay=False, path_type=Path),
              help="Berkas DOCX hasil (bawaan: <nama templat>-contoh.docx di folder ini).")
@click.option("--pdf", "pdf", is_flag=True, help="Buat juga PDF-nya dengan LibreOffice.")
@click.option("--jenis", "kind", type=click.Choice(["terjadwal", "penuh"]),
              help="Data contoh: rapat terjadwal atau jadwal penuh dengan alternatif "
                   "(bawaan: menurut variabel yang dipakai templat).")
@click.option("--final", "record", is_flag=True,
              help="Versi yang ditandatangani (tanpa tanda DRAF, dengan kaki TTE).")
@click.option("--lambang", "emblem", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="Gambar lambang untuk kop (PNG/JPEG).")
def letter_preview(template: Path, out: Path | None, pdf: bool, kind: str | None,
                   record: bool, emblem: Path | None) -> None:
    """Coba templat surat yang diubah: periksa, lalu isi dengan data contoh."""
    try:
        check_template(template)
        renderer = LetterRenderer(template)
        full = kind == "penuh" if kind else "alternatif" in renderer.undeclared_variables()
        data = (sample_full_letter if full else sample_letter)(draft=not record)
        if emblem is not None:
            data = replace(data, kop=replace(data.kop, emblem_path=str(emblem)))
        content = renderer.render(data)
    except (TemplateCheckError, ValueError) as exc:
        raise Failure(str(exc)) from exc
    target = out or Path(f"{template.stem}-contoh.docx")
    target.write_bytes(content)
    click.echo(str(target))
    if pdf:
        try:
            converted = oneshot_pdf(content)
        except PdfUnavailable as exc:
            raise Failure(str(exc)) from exc
        target.with_suffix(".pdf").write_bytes(converted)
        click.echo(str(target.with_suffix(".pdf")))


@letter.command("show")
@click.argument("code")
@pass_app
def letter_show(app: AppContext, code: str) -> None:
    """Tampilkan keadaan surat sebuah permohonan."""
    click.echo(json.dumps(_letter_json(app, code), ensure_ascii=False, indent=2))


@letter.command("pdf")
@click.argument("code")
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path),
              help="Berkas PDF tujuan (bawaan: di samping DOCX-nya).")
@click.option("--final", "record", is_flag=True,
              help="Surat untuk ditandatangani (dibuat saat Kabid memaraf), bukan drafnya.")
@pass_app
def letter_pdf(app: AppContext, code: str, output: Path | None, record: bool) -> None:
    """Ubah draf DOCX (atau --final: surat untuk ditandatangani) menjadi PDF dengan LibreOffice."""
    draft = app.letters.record_path(code) if record else app.letters.draft_path(code)
    if record and not draft.is_file():
        raise Failure(f"surat {code} untuk ditandatangani belum ada: draf harus diparaf Kabid "
                      f"dulu ('zoomsvc letter review {code} --approve')")
    if not draft.is_file():
        raise Failure(f"draf {code} belum ada: jalankan 'zoomsvc letter render {code}'")
    try:
        pdf = docx_to_pdf(draft.read_bytes(), app.config.letters, once=True)
    except PdfUnavailable as exc:
        raise Failure(str(exc)) from exc
    target = output or draft.with_suffix(".pdf")
    target.write_bytes(pdf)
    click.echo(str(target))


@letter.command("review")
@click.argument("code")
@click.option("--approve/--return", "approve", required=True,
              help="Paraf draf, atau kembalikan dengan catatan.")
@click.option("--note", default="", help="Catatan (wajib bila dikembalikan).")
@click.option("--by", "actor", required=True, help="Nama Kabid yang memeriksa.")
@pass_app
def letter_review(app: AppContext, code: str, approve: bool, note: str, actor: str) -> None:
    """Langkah 8: Kabid memaraf draf atau mengembalikannya."""
    try:
        app.letters.review(code, approve=approve, note=note, actor=actor, role=Role.KABID)
    except ERRORS as exc:
        raise Failure(str(exc)) from exc
    click.echo(json.dumps(_letter_json(app, code), ensure_ascii=False))


@letter.command("sign")
@click.argument("code")
@click.argument("pdf_file", metavar="SIGNED.pdf",
                type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--by", "actor", required=True, help="Nama Kadis yang menandatangani.")
@pass_app
def letter_sign(app: AppContext, code: str, pdf_file: Path, actor: str) -> None:
    """Langkah 9: lampirkan PDF yang sudah ditandatangani (TTE diperiksa, atau pindaian)."""
    limit = app.config.letters.max_upload_mb * 1024 * 1024
    if pdf_file.stat().st_size > limit:
        raise Failure(f"berkas melebihi batas {app.config.letters.max_upload_mb} MB")
    try:
        app.letters.sign(code, pdf_file.read_bytes(), actor=actor, role=Role.KADIS)
    except LetterConflict as exc:
        raise Refused(f"{pdf_file}: {exc}.") from exc
    except ERRORS as exc:
        raise Failure(str(exc)) from exc
    click.echo(json.dumps(_letter_json(app, code), ensure_ascii=False))


@letter.command("send")
@click.argument("code")
@click.option("--by", "actor", required=True, help="Nama petugas yang mengirim.")
@pass_app
def letter_send(app: AppContext, code: str, actor: str) -> None:
    """Langkah 9: kirim surat bertanda tangan ke OPD (e-mail bila SMTP diatur)."""
    try:
        app.letters.send(code, actor=actor, role=Role.STAF)
    except ERRORS as exc:
        raise Failure(str(exc)) from exc
    click.echo(json.dumps(_letter_json(app, code), ensure_ascii=False))


@letter.command("ics")
@click.argument("code")
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), required=True)
@pass_app
def letter_ics(app: AppContext, code: str, output: Path) -> None:
    """Tulis undangan kalender (.ics) rapat sebuah permohonan."""
    try:
        content = app.letters.invitation_of(code)
    except ERRORS as exc:
        raise Failure(str(exc)) from exc
    if content is None:
        raise Failure(f"permohonan {code} belum memiliki rapat Zoom")
    output.write_bytes(content)
    click.echo(str(output))


@letter.command("verify")
@click.argument("pdf_file", metavar="FILE.pdf",
                type=click.Path(exists=True, dir_okay=False, path_type=Path))
@pass_app
def letter_verify(app: AppContext, pdf_file: Path) -> None:
    """Periksa apakah berkas adalah surat bertanda tangan yang tercatat (kecocokan hash)."""
    found = app.letters.find_signed(pdf_file.read_bytes())
    if found is None:
        raise Failure(f"{pdf_file} BUKAN surat bertanda tangan yang tercatat (hash tidak "
                      "cocok dengan surat mana pun)")
    click.echo(json.dumps({"valid": True, "number": found.number,
                           "date": found.letter_date.isoformat(),
                           "request": app.letters.code_of(found),
                           "signed_at": found.signed_at.isoformat() if found.signed_at else None,
                           "sha256": found.signed_sha256,
                           "signature": signature_json(found)}, ensure_ascii=False))
