"""A .docx template compiled once and rendered many times, with docxtpl's own preprocessing.

``DocxTemplate.render`` opens the package with python-docx, patches the XML (two dozen regular
expressions), compiles the result with Jinja and serialises every part again, for every letter.
Compiling the Jinja template is the largest single cost (profile ``bench/letters.py``), and none
of them depends on the letter. :class:`CompiledDocx` does the template-only work once: it keeps the
package's parts as bytes, patches and compiles the parts docxtpl renders (document, headers,
footers, footnotes), and per letter only renders those, applies docxtpl's post-processing to the
output, adds the letter's images and writes a new zip around the unchanged parts.
"""

from __future__ import annotations

import io
import posixpath
import re
import zipfile
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from docx.image.image import Image
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.oxml.parser import parse_xml
from docx.oxml.shape import CT_Inline
from docxtpl import DocxTemplate
from jinja2 import Environment, Template

from zoomsvc.letters import zipwriter

MAIN_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"
FOOTNOTES_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.footnotes+xml"
CT_NS = "{http://schemas.openxmlformats.org/package/2006/content-types}"
XML_DECLARATION = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
EMPTY_RELS = (XML_DECLARATION + '<Relationships xmlns="http://schemas.openxmlformats.org/'
              'package/2006/relationships"></Relationships>').encode("utf-8")
IMAGE_TYPES = {"png": "image/png", "jpeg": "image/jpeg", "jpg": "image/jpeg", "gif": "image/gif"}
# docxtpl's column-loop and merge tags change table grids; only then is its fix_tables() needed.
_TABLE_TAGS = re.compile(r"[{][%{]tc\s|colspan|cellbg|[{]%\s*[hv]m\s*%[}]")
_DOCPR_ID = re.compile(r'(<wp:docPr\b[^>]*?\bid=")\d+(")')
_LISTING_CHARS = ("\n", "\t", "\a", "\f")


@dataclass(frozen=True)
class Picture:
    """An image for the letter: PNG/JPEG bytes and its size on the page in EMU."""

    blob: bytes
    width: int | None
    height: int | None = None


class TemplatePartError(Exception):
    """A part of the template could not be compiled or rendered (``part`` names it)."""

    def __init__(self, part: str, error: Exception, near: str = "") -> None:
        self.part, self.error, self.near = part, error, near
        super().__init__(f"{part}: {error}" + (f" (dekat teks: {near!r})" if near else ""))


@dataclass
class _Part:
    """One XML part docxtpl would render, compiled; ``source`` kept for checks and messages."""

    name: str
    source: str
    template: Template
    fix_tables: bool


class _Drawing:
    """Stands in for docxtpl's ``InlineImage``: emits the same run XML, records the image part."""

    def __init__(self, session: _Session, picture: Picture, tools: DocxTemplate) -> None:
        self.session, self.picture, self.tools = session, picture, tools

    def __html__(self) -> str:
        # Autoescape calls __html__ and trusts the result, exactly as it does for InlineImage.
        image = Image.from_blob(self.picture.blob)
        r_id, filename = self.session.add_image(image)
        cx, cy = image.scaled_dimensions(self.picture.width, self.picture.height)
        inline = CT_Inline.new_pic_inline(1, r_id, filename, cx, cy)
        xml = self.tools.xml_to_string(inline)  # compact, unlike python-docx's .xml
        return (f"</w:t></w:r><w:r><w:drawing>{xml}</w:drawing></w:r><w:r>"
                '<w:t xml:space="preserve">')

    __str__ = __html__


class _Session:
    """The state of one render: which part is being rendered and the images it added."""

    def __init__(self) -> None:
        self.part = ""
        self.images: dict[str, list[tuple[str, str, bytes]]] = {}  # part -> (rId, target, blob)
        self.count = 0

    def add_image(self, image: Image) -> tuple[str, str]:
        """Register an image for the current part; returns its relationship id and file name."""
        self.count += 1
        ext = image.ext if image.ext in IMAGE_TYPES else "png"
        filename = f"zoomsvc_image{self.count}.{ext}"
        r_id = f"rIdZoomsvc{self.count}"
        self.images.setdefault(self.part, []).append((r_id, filename, image.blob))
        return r_id, filename


def _rels_name(part: str) -> str:
    folder, base = posixpath.split(part)
    return posixpath.join(folder, "_rels", base + ".rels")


def _insert_before_end(xml: bytes, end_tag: bytes, added: str) -> bytes:
    """``xml`` with ``added`` inserted before its closing root tag."""
    at = xml.rfind(end_tag)
    if at < 0:
        raise ValueError(f"{end_tag.decode()} not found")
    return xml[:at] + added.encode("utf-8") + xml[at:]


def _error_line(exc: BaseException) -> int | None:
    """The template line of a Jinja error: its own ``lineno`` or the template's traceback frame."""
    lineno: int | None = getattr(exc, "lineno", None)
    tb = exc.__traceback__
    while lineno is None and tb is not None:
        # Jinja rewrites runtime tracebacks so that template frames carry template lines.
        if tb.tb_frame.f_code.co_filename == "<template>":
            lineno = tb.tb_lineno
        tb = tb.tb_next
    return lineno


def _near(source: str, lineno: int | None) -> str:
    """The text of the paragraph at a Jinja line number (one line per paragraph)."""
    if not lineno:
        return ""
    line = source.splitlines()[lineno - 1] if lineno <= len(source.splitlines()) else ""
    return re.sub(r"<[^>]+>", "", line)[:120]


class CompiledDocx:
    """A docx template ready to render many times with one Jinja environment."""

    def __init__(self, blob: bytes, env: Environment) -> None:
        self.env = env
        self.tools = DocxTemplate(io.BytesIO(blob))  # for its patch/post-processing methods
        with zipfile.ZipFile(io.BytesIO(blob)) as package:
            self.files = {name: package.read(name) for name in package.namelist()}
        # python-docx's parser: no entity resolution, so a crafted template cannot expand.
        types = parse_xml(self.files["[Content_Types].xml"])
        overrides = {o.get("PartName", "").lstrip("/"): o.get("ContentType")
                     for o in types.iter(CT_NS + "Override")}
        main = next(n for n, t in overrides.items() if t == MAIN_TYPE)
        names = [main, *self._related(main, (RT.HEADER, RT.FOOTER)),
                 *(n for n, t in overrides.items() if t == FOOTNOTES_TYPE)]
        self.parts = [self._compile(name) for name in names if name in self.files]
        self.content_types = self._with_image_types(types)
        core = self.files.get("docProps/core.xml", b"").decode("utf-8")
        # Core properties are plain text fields; they are rendered only when they hold a tag.
        self.core = env.from_string(core) if "{{" in core or "{%" in core else None
        # Compressed once: every part a letter does not rewrite. Rendered parts and the
        # relationships of parts that get an image replace their entry per letter.
        changing = {p.name for p in self.parts} | ({"docProps/core.xml"} if self.core else set())
        self.entries = {name: zipwriter.prepare(name, data) for name, data in self.files.items()
                        if name not in changing}
        self.entries["[Content_Types].xml"] = zipwriter.prepare("[Content_Types].xml",
                                                                self.content_types)

    def _related(self, part: str, types: tuple[str, ...]) -> list[str]:
        rels = self.files.get(_rels_name(part))
        if rels is None:
            return []
        folder = posixpath.dirname(part)
        return [posixpath.normpath(posixpath.join(folder, r.get("Target", "")))
                for r in parse_xml(rels) if r.get("Type") in types
                and r.get("TargetMode") != "External"]

    def _compile(self, name: str) -> _Part:
        xml = self.tools.xml_to_string(parse_xml(self.files[name]))
        source = self.tools.patch_xml(xml)
        # docxtpl puts each paragraph on its own line before compiling; so do we, so that
        # whitespace control and error line numbers behave the same.
        source = re.sub(r"<w:p([ >])", r"\n<w:p\1", source)
        try:
            template = self.env.from_string(source)
        except Exception as exc:
            raise TemplatePartError(name, exc, _near(source, _error_line(exc))) from exc
        return _Part(name, source, template, bool(_TABLE_TAGS.search(xml)))

    def _with_image_types(self, types: Any) -> bytes:
        # Edited as text: the file keeps its own namespace prefixes and order.
        known = {d.get("Extension", "").lower() for d in types.iter(CT_NS + "Default")}
        added = "".join(f'<Default Extension="{ext}" ContentType="{mime}"/>'
                        for ext, mime in IMAGE_TYPES.items() if ext not in known)
        return _insert_before_end(self.files["[Content_Types].xml"], b"</Types>", added)

    def render(self, context: Mapping[str, Any], pictures: Mapping[str, Picture | None]
               ) -> bytes:
        """The rendered .docx; ``pictures`` become image variables of the context."""
        session = _Session()
        values = dict(context)
        for key, picture in pictures.items():
            values[key] = _Drawing(session, picture, self.tools) if picture else None
        rendered: dict[str, bytes] = {}
        docpr_id = 1000
        for part in self.parts:
            session.part = part.name
            xml, docpr_id = self._render_part(part, values, docpr_id)
            rendered[part.name] = (XML_DECLARATION + xml).encode("utf-8")
        if self.core is not None:
            rendered["docProps/core.xml"] = self.core.render(values).encode("utf-8")
        return self._package(rendered, session)

    def _render_part(self, part: _Part, values: dict[str, Any], docpr_id: int
                     ) -> tuple[str, int]:
        try:
            xml = part.template.render(values)
        except Exception as exc:
            # The context is plain data, so whatever fails here (an undefined name, a filter
            # applied to the wrong type) is the template's doing: report it with its place.
            raise TemplatePartError(part.name, exc, _near(part.source, _error_line(exc))) from exc
        # The same post-processing as DocxTemplate.render_xml_part, in the same order.
        xml = re.sub(r"\n<w:p([ >])", r"<w:p\1", xml)
        xml = (xml.replace("{_{", "{{").replace("}_}", "}}")
               .replace("{_%", "{%").replace("%_}", "%}"))
        if any(char in xml for char in _LISTING_CHARS):
            xml = self.tools.resolve_listing(xml)
        if part.fix_tables:
            xml = self.tools.xml_to_string(self.tools.fix_tables(xml))

        def renumber(match: re.Match[str]) -> str:
            nonlocal docpr_id
            docpr_id += 1
            return f"{match.group(1)}{docpr_id}{match.group(2)}"

        return _DOCPR_ID.sub(renumber, xml), docpr_id

    def _package(self, rendered: dict[str, bytes], session: _Session) -> bytes:
        for part, images in session.images.items():
            rendered[_rels_name(part)] = self._rels_with(part, images)
            folder = posixpath.dirname(part)
            for _, filename, blob in images:
                rendered[posixpath.join(folder, "media", filename)] = blob
        entries = []
        for name in [*self.files, *(n for n in rendered if n not in self.files)]:
            if name in rendered:
                # Images are compressed already; deflating them again only costs time.
                compress = name.rsplit(".", 1)[-1] not in IMAGE_TYPES
                entries.append(zipwriter.prepare(name, rendered[name], compress))
            else:
                entries.append(self.entries[name])
        return zipwriter.write(entries)

    def _rels_with(self, part: str, images: list[tuple[str, str, bytes]]) -> bytes:
        existing = self.files.get(_rels_name(part), EMPTY_RELS)
        added = "".join(f'<Relationship Id="{r_id}" Type="{RT.IMAGE}" Target="media/{name}"/>'
                        for r_id, name, _ in images)
        return _insert_before_end(existing, b"</Relationships>", added)

    def sources(self) -> dict[str, str]:
        """The patched Jinja source of every rendered part (for variable checks)."""
        return {part.name: part.source for part in self.parts}
