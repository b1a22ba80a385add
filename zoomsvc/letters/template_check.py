"""What can be wrong with a letter template a clerk edited in Word, said in Indonesian.

- Tracked changes (``w:ins``, ``w:del``, ``w:moveFrom`` …) would print in colour in every letter:
  :func:`tracked_changes` lists them so that they can be accepted or rejected first.
- A Jinja syntax error or an unknown variable is reported with the paragraph it sits in and the
  text near it (:func:`template_error`), instead of Jinja's English message and a line number of
  the internal XML.
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterator
from dataclasses import dataclass
from zipfile import BadZipFile, ZipFile

from docx.oxml.parser import parse_xml
from docxtpl import DocxTemplate
from jinja2 import Environment, TemplateError, TemplateSyntaxError, UndefinedError

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
# Parts docxtpl renders, and so the parts a clerk's edits can break.
RENDERED_PART = re.compile(r"^word/(document|header\d*|footer\d*|footnotes)\.xml$")
# Revision marks (ECMA-376 Part 1, 17.13.5): what Word's "Track Changes" leaves in the file.
REVISIONS = {
    "ins": "teks sisipan", "del": "teks hapusan", "moveFrom": "teks dipindah (asal)",
    "moveTo": "teks dipindah (tujuan)", "rPrChange": "perubahan format huruf",
    "pPrChange": "perubahan format paragraf", "tblPrChange": "perubahan format tabel",
    "trPrChange": "perubahan format baris tabel", "tcPrChange": "perubahan format sel tabel",
    "sectPrChange": "perubahan tata letak halaman", "cellIns": "sel tabel disisipkan",
    "cellDel": "sel tabel dihapus",
}
_TAG = re.compile(r"\{[{%].*?(?:[}%]\}|$)")
_UNDEFINED = re.compile(r"has no attribute '(\w+)'|'(\w+)' is undefined")


class TemplateCheckError(Exception):
    """A letter template that cannot be used; the message starts with the template's file name."""


@dataclass(frozen=True)
class Paragraph:
    """The text of one paragraph of a template part, numbered from 1 within the part."""

    part: str
    number: int
    text: str

    @property
    def place(self) -> str:
        """Where a person finds it: "isi surat, paragraf 12" / "kaki halaman, paragraf 2"."""
        name = self.part.rsplit("/", 1)[-1]
        kind = ("kepala halaman" if name.startswith("header") else
                "kaki halaman" if name.startswith("footer") else
                "catatan kaki" if name.startswith("footnotes") else "isi surat")
        return f"{kind}, paragraf {self.number}"


def _parts(blob: bytes) -> Iterator[tuple[str, bytes]]:
    with ZipFile(io.BytesIO(blob)) as package:
        for name in sorted(package.namelist()):
            if RENDERED_PART.match(name):
                yield name, package.read(name)


def paragraphs(blob: bytes) -> list[Paragraph]:
    """Every paragraph's text in the parts docxtpl renders (tags split over runs rejoined)."""
    found: list[Paragraph] = []
    for name, xml in _parts(blob):
        root = parse_xml(xml)
        for number, p in enumerate(root.iter(f"{W}p"), start=1):
            text = "".join(t.text or "" for t in p.iter(f"{W}t"))
            found.append(Paragraph(name, number, text))
    return found


def tracked_changes(blob: bytes) -> list[str]:
    """Tracked changes left in a template, one line per kind and author, with sample text."""
    counts: dict[tuple[str, str], list[str]] = {}
    for _, xml in _parts(blob):
        root = parse_xml(xml)
        for kind in REVISIONS:
            for mark in root.iter(f"{W}{kind}"):
                author = mark.get(f"{W}author") or "tanpa nama"
                text = "".join(t.text or "" for t in mark.iter(f"{W}t", f"{W}delText"))
                counts.setdefault((kind, author), []).append(text.strip())
    lines = []
    for (kind, author), texts in counts.items():
        sample = next((t for t in texts if t), "")
        near = f", mis. {sample[:40]!r}" if sample else ""
        lines.append(f"{len(texts)} {REVISIONS[kind]} (w:{kind}) oleh {author}{near}")
    return lines


def refuse_tracked_changes(name: str, blob: bytes) -> None:
    """Raise TemplateCheckError when the template still carries tracked changes."""
    try:
        found = tracked_changes(blob)
    except (BadZipFile, SyntaxError) as exc:
        raise TemplateCheckError(f"{name}: bukan berkas .docx yang dapat dipakai ({exc})") from exc
    if found:
        raise TemplateCheckError(
            f"{name}: templat masih memuat perubahan terlacak ({'; '.join(found)}); buka di "
            "Word, pilih Tinjau > Terima atau Tolak untuk setiap perubahan, matikan Lacak "
            "Perubahan, lalu simpan kembali")


def _near(blob: bytes, wanted: str | None) -> Paragraph | None:
    """The paragraph of the template the error most likely comes from."""
    for paragraph in paragraphs(blob):
        tags = [m.group(0) for m in _TAG.finditer(paragraph.text)]
        if wanted is None:
            opened = paragraph.text.count("{{") + paragraph.text.count("{%")
            closed = paragraph.text.count("}}") + paragraph.text.count("%}")
            if opened != closed:
                return Paragraph(paragraph.part, paragraph.number,
                                 next((t for t in tags if not t.endswith(("}}", "%}"))),
                                      paragraph.text[:60]))
        elif any(re.search(rf"\b{re.escape(wanted)}\b", tag) for tag in tags):
            tag = next(t for t in tags if re.search(rf"\b{re.escape(wanted)}\b", t))
            return Paragraph(paragraph.part, paragraph.number, tag)
    return None


def template_error(name: str, blob: bytes, exc: TemplateError) -> TemplateCheckError:
    """The Indonesian message of a Jinja error in template ``name``: what, where, near what."""
    if isinstance(exc, UndefinedError):
        match = _UNDEFINED.search(str(exc))
        variable = (match.group(1) or match.group(2)) if match else None
        what = (f"variabel atau atribut tidak dikenal: {variable}" if variable
                else "variabel tidak dikenal")
        where = _near(blob, variable) if variable else None
    elif isinstance(exc, TemplateSyntaxError):
        what = f"penulisan tag templat salah ({exc.message or exc})"
        where = _near(blob, None)
    else:
        what, where = f"templat tidak dapat diisi ({exc})", None
    place = f" di {where.place} (dekat teks: {where.text!r})" if where else ""
    return TemplateCheckError(f"{name}: {what}{place}; periksa ejaan tag {{{{ … }}}} dan "
                              "{% … %} (lihat docs/templates.md)")


def template_variables(name: str, blob: bytes, env: Environment) -> set[str]:
    """The top-level variables a template uses (docxtpl's own reading of it)."""
    try:
        found: set[str] = DocxTemplate(io.BytesIO(blob)).get_undeclared_template_variables(env)
    except TemplateError as exc:
        raise template_error(name, blob, exc) from exc
    return found
