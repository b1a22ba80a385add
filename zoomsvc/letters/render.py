"""Render a Surat Tanggapan to .docx: a fast renderer, the plain docxtpl path, template checks.

Both paths use the same Jinja environment (autoescape on, so user text can never become markup;
``StrictUndefined``, so a misspelt variable in an edited template fails loudly instead of leaving
a blank in an official letter) and produce the same text; ``tests/test_letters_render.py`` holds
them to that.
"""

from __future__ import annotations

import io
from dataclasses import replace
from functools import cache
from importlib import resources
from pathlib import Path
from zipfile import BadZipFile, ZipFile

import segno
from docx.image.exceptions import UnrecognizedImageError
from docx.image.image import Image
from docx.oxml.parser import parse_xml
from docx.shared import Mm
from docxtpl import DocxTemplate, InlineImage
from jinja2 import Environment, StrictUndefined, meta

from zoomsvc.letters.context import CONTEXT_KEYS, LetterData, Signer, template_context
from zoomsvc.letters.fastdocx import CompiledDocx, Picture, TemplatePartError
from zoomsvc.letters.sample import sample_full_letter

TEMPLATE_SCHEDULED = "surat_tanggapan.docx"
TEMPLATE_FULL = "surat_tanggapan_penuh.docx"
TEMPLATE_PACKAGE = "zoomsvc.letter_templates"
QR_SIZE = Mm(19)
EMBLEM_HEIGHT = Mm(24)


class TemplateCheckError(Exception):
    """A letter template that cannot be used; the message starts with the template's file name."""


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
    """The images of a letter: the QR code of its verification page and the kop's emblem."""
    qr = (Picture(qr_png(data.verification_url), QR_SIZE, QR_SIZE)
          if data.verification_url.strip() else None)
    emblem = data.kop.emblem_path
    # Only the height is fixed: python-docx scales the width to keep the emblem's proportions.
    lambang = Picture(_emblem(emblem), None, EMBLEM_HEIGHT) if emblem else None
    return {"qr": qr, "lambang": lambang}


def _named(path: Path, exc: Exception) -> TemplateCheckError:
    """The error for a person editing the template: file name first, then what and where."""
    if isinstance(exc, TemplatePartError):
        where = f" (dekat teks: {exc.near!r})" if exc.near else ""
        return TemplateCheckError(f"{path.name}: kesalahan templat di {exc.part}: "
                                  f"{exc.error}{where}")
    return TemplateCheckError(f"{path.name}: bukan berkas .docx yang dapat dipakai ({exc})")


class LetterRenderer:
    """Renders letters from one template: compiled once, then a few milliseconds per letter."""

    def __init__(self, template_path: str | Path) -> None:
        self.path = Path(template_path)
        try:
            self._compiled = CompiledDocx(self.path.read_bytes(), environment())
        except (TemplatePartError, BadZipFile, KeyError, StopIteration, ValueError,
                OSError) as exc:
            raise _named(self.path, exc) from exc

    def render(self, data: LetterData) -> bytes:
        """The letter as .docx bytes."""
        try:
            return self._compiled.render(template_context(data), pictures(data))
        except TemplatePartError as exc:
            raise _named(self.path, exc) from exc

    def undeclared_variables(self) -> set[str]:
        """The top-level variables the template uses (its parts parsed as compiled)."""
        env = environment()
        found: set[str] = set()
        for source in self._compiled.sources().values():
            found |= meta.find_undeclared_variables(env.parse(source))
        return found


def render_plain(template_path: str | Path, data: LetterData) -> bytes:
    """The letter through a fresh ``DocxTemplate``: the reference the fast path must match."""
    tpl = DocxTemplate(str(template_path))
    context = template_context(data)
    for key, picture in pictures(data).items():
        if picture is not None:
            context[key] = InlineImage(tpl, io.BytesIO(picture.blob), width=picture.width,
                                       height=picture.height)
    tpl.render(context, environment(), autoescape=True)
    out = io.BytesIO()
    tpl.save(out)
    return out.getvalue()


def undeclared_variables(template_path: str | Path) -> set[str]:
    """The variables a template uses that it does not define itself."""
    return LetterRenderer(template_path).undeclared_variables()


def _trial_letters() -> list[LetterData]:
    """Letters that between them take both branches of the templates' conditions."""
    full = sample_full_letter(signer=Signer(
        office="Kepala Dinas Komunikasi, Informatika, Statistik dan Persandian",
        name="NAMA CONTOH", pangkat="Pembina (IV/a)", nip="198001012005011002",
        prefix="a.n.", own_office="Sekretaris"))
    bare = replace(full, alternatives=(), tembusan=(), tte_issuer="", verification_url="",
                   technical_contact="", end=None)
    return [full, bare]


def check_template(template_path: str | Path) -> None:
    """Raise TemplateCheckError (file name first) for a template that cannot make a letter."""
    path = Path(template_path)
    if not path.is_file():
        raise TemplateCheckError(f"{path.name}: berkas tidak ditemukan ({path})")
    renderer = LetterRenderer(path)
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


