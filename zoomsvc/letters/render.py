"""Render a Surat Tanggapan to .docx through docxtpl's public API.

The Jinja environment has autoescape on (user text can never become markup) and
``StrictUndefined`` (a misspelt variable in an edited template fails loudly instead of leaving a
blank in an official letter). Template checks and their Indonesian messages live in
:mod:`zoomsvc.letters.template_check`.
"""

from __future__ import annotations

import io
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any
from zipfile import BadZipFile, ZipFile

import segno
from docx.image.exceptions import UnrecognizedImageError
from docx.image.image import Image
from docx.oxml.parser import parse_xml
from docx.shared import Mm
from docxtpl import DocxTemplate, InlineImage, RichText
from jinja2 import Environment, StrictUndefined, TemplateError

from zoomsvc.letters.context import (
    CONTEXT_KEYS,
    LetterData,
    Signer,
    clean_text,
    template_context,
)
from zoomsvc.letters.sample import sample_full_letter, sample_letter
from zoomsvc.letters.template_check import (
    TemplateCheckError,
    refuse_tracked_changes,
    template_error,
    template_variables,
)

__all__ = ["TEMPLATE_FULL", "TEMPLATE_SCHEDULED", "LetterRenderer", "TemplateCheckError",
           "check_template", "packaged_template", "qr_png", "render_plain",
           "undeclared_variables"]

TEMPLATE_SCHEDULED = "surat_tanggapan.docx"
TEMPLATE_FULL = "surat_tanggapan_penuh.docx"
TEMPLATE_PACKAGE = "zoomsvc.letter_templates"
QR_SIZE = Mm(17)
EMBLEM_HEIGHT = Mm(22)
LINK_COLOR = "0563C1"  # Word's own hyperlink blue
PROPERTY_LIMIT = 255
LINK_SIZE = 20  # half-points: 10 pt, so a Zoom link fits on one line of the body's width


@dataclass(frozen=True)
class Picture:
    """An image for the letter: PNG/JPEG bytes and its size on the page in EMU."""

    blob: bytes
    width: int | None
    height: int | None = None


def environment() -> Environment:
    """The Jinja environment of every letter render (a new one: docxtpl mutates it)."""
    return Environment(autoescape=True, undefined=StrictUndefined)


def packaged_template(name: str) -> Path:
    """The path of a template shipped with the package (``zoomsvc.letter_templates``)."""
    try:
        found = resources.files(TEMPLATE_PACKAGE).joinpath(name)
        path = Path(str(found))
    except ModuleNotFoundError:
        # A source checkout before the package mapping exists: templates/ at the repository root.
        path = Path(__file__).resolve().parents[2] / "templates" / name
    if not path.is_file():
        raise FileNotFoundError(f"letter template {name!r} not found (looked at {path})")
    return path


def qr_png(url: str) -> bytes:
    """The QR code of ``url`` as PNG bytes (segno writes PNG without Pillow)."""
    out = io.BytesIO()
    segno.make(url, error="m").save(out, kind="png", scale=4, border=4)
    return out.getvalue()


@cache
def _emblem(path: str) -> bytes:
    """The emblem's bytes, read once per process (it is the same for every letter)."""
    try:
        blob = Path(path).read_bytes()
        Image.from_blob(blob)  # fails here, naming the key, rather than inside the template
    except (OSError, UnrecognizedImageError) as exc:
        raise ValueError(f"letters.emblem: {path} tidak dapat dipakai sebagai lambang "
                         f"(PNG/JPEG/GIF): {exc}") from exc
    return blob


def pictures(data: LetterData) -> dict[str, Picture | None]:
    """The images of a letter: the QR code (letter of record only) and the kop's emblem."""
    url = data.verification_url.strip()
    qr = Picture(qr_png(url), QR_SIZE, QR_SIZE) if url and not data.draft else None
    emblem = data.kop.emblem_path
    # Only the height is fixed: python-docx scales the width to keep the emblem's proportions.
    lambang = Picture(_emblem(emblem), None, EMBLEM_HEIGHT) if emblem else None
    return {"qr": qr, "lambang": lambang}


def _hyperlink(tpl: DocxTemplate, url: str) -> RichText:
    """A clickable link (a w:hyperlink with its relationship) showing the whole address."""
    link = RichText()
    link.add(url, url_id=tpl.build_url_id(url), color=LINK_COLOR, underline=True,
             size=LINK_SIZE)
    return link


def _set_properties(tpl: DocxTemplate, data: LetterData, now: datetime) -> None:
    """The file's own properties describe this letter, not the template it came from."""
    props = tpl.docx.core_properties

    def fit(text: str) -> str:  # one line, XML-safe, within the 255 characters Word allows
        line = " ".join(clean_text(text).split())
        return line if len(line) <= PROPERTY_LIMIT else line[:PROPERTY_LIMIT - 1] + "…"

    props.title = fit(f"Surat Tanggapan {data.number}")
    props.subject = fit(f"{data.hal}: {data.topic}" if data.topic.strip() else data.hal)
    props.author = props.last_modified_by = fit(data.kop.office)
    props.comments = "Draf" if data.draft else ""
    props.keywords = props.category = props.identifier = ""
    props.language = "id-ID"
    props.created = props.modified = now.astimezone(UTC).replace(microsecond=0, tzinfo=None)
    props.revision = 1


class LetterRenderer:
    """Renders letters from one template file (read once; each letter gets its own
    ``DocxTemplate``, so one renderer serves several threads)."""

    def __init__(self, template_path: str | Path) -> None:
        self.path = Path(template_path)
        try:
            self.blob = self.path.read_bytes()
            DocxTemplate(io.BytesIO(self.blob)).init_docx()
        except (BadZipFile, KeyError, ValueError, OSError) as exc:
            raise TemplateCheckError(f"{self.path.name}: bukan berkas .docx yang dapat dipakai "
                                     f"({exc})") from exc

    def render(self, data: LetterData, now: datetime | None = None) -> bytes:
        """The letter as .docx bytes; ``now`` is the time written in its properties."""
        tpl = DocxTemplate(io.BytesIO(self.blob))
        context: dict[str, Any] = template_context(data)
        for key, picture in pictures(data).items():
            if picture is not None:
                context[key] = InlineImage(tpl, io.BytesIO(picture.blob), width=picture.width,
                                           height=picture.height)
        if data.join_url.strip():
            context["tautan_pranala"] = _hyperlink(tpl, context["tautan"])
        try:
            tpl.render(context, environment(), autoescape=True)
        except TemplateError as exc:
            raise template_error(self.path.name, self.blob, exc) from exc
        _set_properties(tpl, data, now or datetime.now(UTC))
        out = io.BytesIO()
        tpl.save(out)
        return out.getvalue()

    def undeclared_variables(self) -> set[str]:
        """The top-level variables the template uses."""
        return template_variables(self.path.name, self.blob, environment())


def render_plain(template_path: str | Path, data: LetterData) -> bytes:
    """One letter from a template file, without keeping a renderer."""
    return LetterRenderer(template_path).render(data)


def undeclared_variables(template_path: str | Path) -> set[str]:
    """The variables a template uses that it does not define itself."""
    return LetterRenderer(template_path).undeclared_variables()


def _trial_letters() -> list[LetterData]:
    """Letters that between them take every branch of the templates' conditions."""
    full = sample_full_letter(draft=False, signer=Signer(
        office="Kepala Dinas Komunikasi, Informatika, Statistik dan Persandian",
        name="NAMA CONTOH", pangkat="Pembina (IV/a)", nip="198001012005011002",
        prefix="a.n.", own_office="Sekretaris"))
    bare = replace(full, alternatives=(), tembusan=(), tte_issuer="", verification_url="",
                   technical_contact="", end=None, draft=True)
    return [full, bare, sample_letter(draft=False), sample_letter(join_url="")]


def check_template(template_path: str | Path) -> None:
    """Raise TemplateCheckError (file name first) for a template that cannot make a letter."""
    path = Path(template_path)
    if not path.is_file():
        raise TemplateCheckError(f"{path.name}: berkas tidak ditemukan ({path})")
    renderer = LetterRenderer(path)
    refuse_tracked_changes(path.name, renderer.blob)
    unknown = renderer.undeclared_variables() - CONTEXT_KEYS
    if unknown:
        raise TemplateCheckError(
            f"{path.name}: variabel tidak dikenal: {', '.join(sorted(unknown))}; perbaiki "
            f"ejaannya atau pakai salah satu dari: {', '.join(sorted(CONTEXT_KEYS))}")
    for letter in _trial_letters():
        _check_xml(path, renderer.render(letter))


def _check_xml(path: Path, docx: bytes) -> None:
    """Every XML part of a rendered letter parses (Word refuses the file otherwise)."""
    with ZipFile(io.BytesIO(docx)) as package:
        for name in package.namelist():
            if name.endswith((".xml", ".rels")):
                try:
                    parse_xml(package.read(name))
                except SyntaxError as exc:  # lxml's XMLSyntaxError derives from it
                    raise TemplateCheckError(
                        f"{path.name}: hasil {name} bukan XML yang sah ({exc})") from exc
