"""Rebuild the two Surat Tanggapan templates (``surat_tanggapan*.docx``) from code.

Run as ``python scripts/build_templates.py``. The committed .docx files are the source of truth
an agency edits in Word; this script only recreates the project's originals (python-docx for the
layout, docxtpl/Jinja tags written as plain text in runs). The variables are documented in
``docs/templates.md``.

Spacing and indents live in named paragraph styles ("Kop", "Isi Surat", "Tanda Tangan",
"Tembusan" …), so a clerk changes them in one place in Word; unused styles are stripped.
"""

from __future__ import annotations

import io
import struct
import zipfile
import zlib
from collections.abc import Callable
from datetime import datetime
from pathlib import Path

import docx
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.table import WD_CELL_VERTICAL_ALIGNMENT, WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_TAB_ALIGNMENT
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.section import _Footer
from docx.shared import Cm, Pt, RGBColor
from docx.table import Table, _Cell
from docx.text.paragraph import Paragraph

HERE = Path(__file__).resolve().parents[1] / "templates"  # shipped as zoomsvc.letter_templates
FONT = "Arial"
TEXT_WIDTH = Cm(16)  # A4 (21 cm) minus 2.5 cm margins on each side
BODY_INDENT = Cm(1.25)
SIGNATURE_INDENT = Cm(8.5)
EMBLEM_COLUMN = Cm(2.4)  # the kop text takes the rest: Cm(16 - 2.4)
FIXED_ZIP_TIME = (2026, 1, 1, 0, 0, 0)
# Child order of w:tblPr in the OOXML schema (ECMA-376 Part 1, 17.4.60), the children used here.
TBL_PR = ("tblStyle", "tblW", "jc", "tblInd", "tblBorders", "tblLayout", "tblCellMar", "tblLook")

Doc = docx.document.Document


def set_fonts(rpr: OxmlElement) -> None:
    """Set Arial for every script and Indonesian as the proofing language."""
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        rpr.insert(0, fonts)
    for attr in ("w:ascii", "w:hAnsi", "w:cs", "w:eastAsia"):
        fonts.set(qn(attr), FONT)
    for attr in ("w:asciiTheme", "w:hAnsiTheme", "w:cstheme", "w:eastAsiaTheme"):
        fonts.attrib.pop(qn(attr), None)
    lang = rpr.find(qn("w:lang"))
    if lang is None:
        lang = OxmlElement("w:lang")
        rpr.append(lang)
    lang.set(qn("w:val"), "id-ID")


STYLES: dict[str, dict[str, object]] = {
    # name: paragraph format (points, Cm, alignment) of a style based on Normal.
    "Kop": {"align": WD_ALIGN_PARAGRAPH.CENTER},
    "Kop Kontak": {"align": WD_ALIGN_PARAGRAPH.CENTER, "size": 9},
    "Isi Surat": {"align": WD_ALIGN_PARAGRAPH.JUSTIFY, "first": BODY_INDENT, "before": 6},
    # Paragraphs that hold long numbers or names: left-aligned, so a long token at a line's end
    # never stretches the spaces of the line before it.
    "Isi Surat Rata Kiri": {"base": "Isi Surat", "align": WD_ALIGN_PARAGRAPH.LEFT},
    "Daftar": {"align": WD_ALIGN_PARAGRAPH.LEFT, "left": BODY_INDENT + Cm(0.75),
               "first": Cm(-0.75)},
    "Tautan": {"align": WD_ALIGN_PARAGRAPH.LEFT, "left": BODY_INDENT, "before": 2},
    # The closing, the signature and the copies stay together on one page: keep-with-next and
    # keep-lines-together on every paragraph of them.
    "Penutup": {"base": "Isi Surat", "keep": True},
    "Tanda Tangan": {"left": SIGNATURE_INDENT, "keep": True},
    "Tembusan": {"left": Cm(0.75), "first": Cm(-0.75), "keep": True, "size": 11},
    "Kaki Surat": {"size": 8},
    "Kepala Halaman": {"size": 10},
}


def add_styles(doc: Doc) -> None:
    """The named paragraph styles of :data:`STYLES`."""
    for name, spec in STYLES.items():
        style = doc.styles.add_style(name, WD_STYLE_TYPE.PARAGRAPH)
        style.base_style = doc.styles[str(spec.get("base", "Normal"))]
        style.quick_style = True
        fmt = style.paragraph_format
        if "align" in spec:
            fmt.alignment = spec["align"]
        if "left" in spec:
            fmt.left_indent = spec["left"]
        if "first" in spec:
            fmt.first_line_indent = spec["first"]
            if spec["first"] < Cm(0):  # type: ignore[operator]
                fmt.tab_stops.add_tab_stop(spec.get("left", Cm(0)))
        if "before" in spec:
            fmt.space_before = Pt(spec["before"])  # type: ignore[arg-type]
        if spec.get("keep"):
            fmt.keep_with_next = fmt.keep_together = True
        if "size" in spec:
            style.font.size = Pt(spec["size"])  # type: ignore[arg-type]


def new_document() -> Doc:
    """A4, 2.5 cm side margins (the kop sits higher), Arial 12 pt, single spacing."""
    doc = docx.Document()
    section = doc.sections[0]
    section.page_width, section.page_height = Cm(21), Cm(29.7)
    section.top_margin, section.bottom_margin = Cm(1.5), Cm(2.2)
    section.left_margin = section.right_margin = Cm(2.5)
    section.header_distance, section.footer_distance = Cm(0.6), Cm(0.6)
    styles = doc.styles.element
    set_fonts(styles.find(qn("w:docDefaults")).find(qn("w:rPrDefault")).find(qn("w:rPr")))
    normal = doc.styles["Normal"]
    normal.font.name, normal.font.size = FONT, Pt(12)
    set_fonts(normal.element.get_or_add_rPr())
    normal.paragraph_format.space_before = normal.paragraph_format.space_after = Pt(0)
    normal.paragraph_format.line_spacing = 1.0
    normal.paragraph_format.widow_control = True  # no lone first or last line of a paragraph
    add_styles(doc)
    props = doc.core_properties
    # Neutral values: every rendered letter gets its own (zoomsvc.letters.render).
    props.title = "Surat Tanggapan"
    props.author = props.last_modified_by = ""
    props.language, props.revision = "id-ID", 1
    props.created = props.modified = datetime(2026, 1, 1)  # noqa: DTZ001 - fixed for rebuilds
    props.comments = ""
    compat = doc.settings.element.find(qn("w:compat"))
    for setting in compat.findall(qn("w:compatSetting")):
        if setting.get(qn("w:name")) == "compatibilityMode":
            setting.set(qn("w:val"), "15")  # Word 2013 and later: no Compatibility Mode
    return doc


def para(doc: Doc | _Cell | _Footer, text: str = "", *, style: str | None = None,
         align: int | None = None, bold: bool = False, size: float | None = None,
         before: float | None = None, after: float | None = None) -> Paragraph:
    """Add a paragraph of one run in a named style (tabs in ``text`` become Word tabs)."""
    p = doc.add_paragraph(style=style)
    fmt = p.paragraph_format
    if before is not None:
        fmt.space_before = Pt(before)
    if after is not None:
        fmt.space_after = Pt(after)
    if align is not None:
        p.alignment = align
    if text:
        run = p.add_run(text)
        run.bold = bold or None
        if size:
            run.font.size = Pt(size)
    return p


def tag(doc: Doc | _Footer, text: str) -> None:
    """A paragraph holding only a docxtpl ``{%p … %}`` tag (removed when rendered)."""
    doc.add_paragraph(text)


def element(tag: str, **attrs: str) -> OxmlElement:
    """A ``w:`` element with ``w:`` attributes."""
    made = OxmlElement(f"w:{tag}")
    for key, value in attrs.items():
        made.set(qn(f"w:{key}"), value)
    return made


def put(parent: OxmlElement, child: OxmlElement, order: tuple[str, ...]) -> None:
    """Insert ``child`` (replacing one of its kind) where the OOXML schema orders it.

    Word reports a file with properties out of schema order as damaged; LibreOffice does not, so
    the PDF check alone would not catch it.
    """
    name = child.tag.rsplit("}", 1)[-1]
    for old in parent.findall(child.tag):
        parent.remove(old)
    rank = order.index(name)
    for index, existing in enumerate(parent):
        other = existing.tag.rsplit("}", 1)[-1]
        if other in order and order.index(other) > rank:
            parent.insert(index, child)
            return
    parent.append(child)


def plain_table(doc: Doc | _Footer, rows: int, widths: list[Cm], indent: Cm | None = None
                ) -> Table:
    """A borderless fixed-width table, the way a letter aligns text on a colon."""
    # Document.add_table takes a style as third argument, a footer's takes the width.
    table = (doc.add_table(rows, len(widths), TEXT_WIDTH) if isinstance(doc, _Footer)
             else doc.add_table(rows=rows, cols=len(widths)))
    table.autofit = False  # fixed layout: Word keeps the column widths below
    table.alignment = WD_TABLE_ALIGNMENT.LEFT
    tbl_pr = table._tbl.tblPr
    put(tbl_pr, element("tblW", w=str(sum(w.twips for w in widths)), type="dxa"), TBL_PR)
    if indent is not None:
        put(tbl_pr, element("tblInd", w=str(indent.twips), type="dxa"), TBL_PR)
    borders = element("tblBorders")
    for side in ("top", "left", "bottom", "right", "insideH", "insideV"):
        borders.append(element(side, val="nil"))
    put(tbl_pr, borders, TBL_PR)
    margins = element("tblCellMar")  # no left padding: text lines up with the body's edge
    margins.append(element("left", w="0", type="dxa"))
    margins.append(element("right", w="57", type="dxa"))
    put(tbl_pr, margins, TBL_PR)
    for i, width in enumerate(widths):
        table.columns[i].width = width
        for cell in table.columns[i].cells:
            cell.width = width
    return table


def cell_text(table: Table, row: int, col: int, text: str, *, bold: bool = False,
              align: int | None = None, size: float | None = None) -> Paragraph:
    """Write one run into a cell's first paragraph."""
    p = table.cell(row, col).paragraphs[0]
    if align is not None:
        p.alignment = align
    if text:
        run = p.add_run(text)
        run.bold = bold or None
        if size:
            run.font.size = Pt(size)
    return p


def colon_rows(doc: Doc, rows: list[tuple[str, str]], widths: list[Cm],
               indent: Cm | None = None) -> Table:
    """Label / ":" / value rows aligned on the colon."""
    table = plain_table(doc, len(rows), widths, indent)
    for i, (label, value) in enumerate(rows):
        cell_text(table, i, 0, label)
        cell_text(table, i, 1, ":")
        cell_text(table, i, 2, value)
    return table


def kop_text(cell: _Cell) -> None:
    """Government, office and contact line, centred in ``cell``."""
    cell.vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.CENTER
    first = cell.paragraphs[0]
    first.style = "Kop"
    first.add_run("{{ kop.pemerintah }}").font.size = Pt(13)
    name = para(cell, "{{ kop.nama }}", style="Kop", bold=True, size=13)
    name.paragraph_format.space_after = Pt(2)
    para(cell, "{{ kop.kontak }}", style="Kop Kontak")


def kop(doc: Doc) -> None:
    """Letterhead: with an emblem, the emblem left and the text centred beside it; without,
    the text centred over the whole width. Then the double rule."""
    tag(doc, "{%p if lambang %}")
    table = plain_table(doc, 1, [EMBLEM_COLUMN, Cm(16 - 2.4)])
    table.cell(0, 0).vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.CENTER
    cell_text(table, 0, 0, "{{ lambang }}", align=WD_ALIGN_PARAGRAPH.LEFT)
    kop_text(table.cell(0, 1))
    tag(doc, "{%p else %}")
    kop_text(plain_table(doc, 1, [TEXT_WIDTH]).cell(0, 0))
    tag(doc, "{%p endif %}")
    # The rule under the kop: a thick-thin double line, as the Tata Naskah Dinas draws it. The
    # border goes in first: python-docx then places the spacing after it, in schema order.
    rule = doc.add_paragraph()
    borders = element("pBdr")
    borders.append(element("bottom", val="thickThinSmallGap", sz="18", space="1", color="auto"))
    rule._p.get_or_add_pPr().append(borders)
    rule.paragraph_format.space_before, rule.paragraph_format.space_after = Pt(0), Pt(8)
    rule.add_run().font.size = Pt(4)


def heading(doc: Doc) -> None:
    """Place and date on the right, then Nomor/Sifat/Lampiran/Hal and the addressee."""
    para(doc, "{{ tempat_tanggal }}", align=WD_ALIGN_PARAGRAPH.RIGHT, after=8)
    colon_rows(doc, [("Nomor", "{{ nomor }}"), ("Sifat", "{{ sifat }}"),
                     ("Lampiran", "{{ lampiran }}"), ("Hal", "{{ hal }}")],
               [Cm(2.6), Cm(0.5), Cm(12.9)])
    yth = para(doc, "Yth.\t{{ tujuan }}", before=10)
    yth.paragraph_format.left_indent, yth.paragraph_format.first_line_indent = Cm(1), Cm(-1)
    yth.paragraph_format.tab_stops.add_tab_stop(Cm(1))
    para(doc, "di")
    para(doc, "Tempat", after=4).paragraph_format.left_indent = Cm(1)


def body(doc: Doc, text: str, style: str = "Isi Surat") -> Paragraph:
    """A body paragraph (justified, first-line indent: the "Isi Surat" style)."""
    return para(doc, text, style=style)


def numbered(doc: Doc, loop: str, item: str) -> None:
    """A ``{%p for %}`` list: "1.<tab>item;" … "n.<tab>item." with a hanging indent."""
    tag(doc, f"{{%p for {loop} %}}")
    para(doc, "{{ loop.index }}.\t" + item + "{% if loop.last %}.{% else %};{% endif %}",
         style="Daftar")
    tag(doc, "{%p endfor %}")


CITATION = ("Menindaklanjuti surat Saudara Nomor {{ surat_opd.nomor }} tanggal "
            "{{ surat_opd.tanggal }} hal {{ surat_opd.hal }}, dengan ini kami sampaikan bahwa ")


def scheduled_body(doc: Doc) -> None:
    """The meeting is ready: citation, details block, the link on its own line, access note."""
    body(doc, CITATION + "fasilitas Zoom Meeting telah kami siapkan dengan rincian sebagai "
         "berikut:", style="Isi Surat Rata Kiri")
    details = colon_rows(doc, [
        ("Acara", "{{ acara }}"), ("Hari/Tanggal", "{{ hari_tanggal }}"),
        ("Pukul", "{{ pukul }}"), ("Meeting ID", "{{ meeting_id }}"),
        ("Passcode", "{{ passcode }}"), ("Tautan", ""),
    ], [Cm(3.3), Cm(0.5), Cm(10.95)], indent=BODY_INDENT)
    for cell in details.rows[0].cells:  # all three, or the label sits lower than its value
        cell.paragraphs[0].paragraph_format.space_before = Pt(4)
    # The whole link on a line of its own under "Tautan": it is never broken, so it can be
    # copied, and it is a real hyperlink in the PDF.
    para(doc, "{{r tautan_pranala }}", style="Tautan")
    body(doc, "Ruang pertemuan dapat dibuka {{ menit_sebelum }} menit sebelum acara dimulai. "
         "Mohon tautan dan kode akses di atas hanya dibagikan kepada peserta yang diundang."
         "{% if kontak_teknis %} Untuk koordinasi teknis dapat menghubungi {{ kontak_teknis }}."
         "{% endif %}")


def full_body(doc: Doc) -> None:
    """The pool is full: the requested time, the reason and the alternatives."""
    body(doc, CITATION + "pada waktu yang Saudara mohonkan, yaitu {{ hari_tanggal }} pukul "
         "{{ pukul }}, {{ alasan_penuh }}.", style="Isi Surat Rata Kiri")
    tag(doc, "{%p if alternatif %}")
    body(doc, "Sebagai alternatif, kami dapat memfasilitasi kegiatan tersebut pada salah satu "
         "waktu berikut:").paragraph_format.space_after = Pt(2)
    numbered(doc, "waktu in alternatif", "{{ waktu.hari_tanggal }} pukul {{ waktu.pukul }}")
    body(doc, "Apabila salah satu waktu tersebut sesuai, mohon konfirmasi kepada kami"
         "{% if kontak_teknis %} melalui {{ kontak_teknis }}{% endif %} agar jadwal dapat segera "
         "kami siapkan. Alternatif waktu ini belum mengikat sampai dikonfirmasi.")
    tag(doc, "{%p else %}")
    body(doc, "Dalam beberapa hari ke depan belum tersedia waktu lain yang dapat kami "
         "tawarkan. Mohon Saudara dapat mengajukan permohonan kembali dengan waktu yang berbeda"
         "{% if kontak_teknis %} atau menghubungi {{ kontak_teknis }}{% endif %}.")
    tag(doc, "{%p endif %}")


def closing(doc: Doc) -> None:
    """Closing sentence, signature block on the right, tembusan: one block that moves to the
    next page as a whole rather than leaving any of it alone."""
    body(doc, "Demikian disampaikan, atas perhatian dan kerja samanya diucapkan terima kasih.",
         style="Penutup")
    para(doc, "{% if penandatangan.awalan %}{{ penandatangan.awalan }} {% endif %}"
         "{{ penandatangan.jabatan }},", style="Tanda Tangan", before=14)
    tag(doc, "{%p if penandatangan.jabatan_pelaksana %}")
    para(doc, "{{ penandatangan.jabatan_pelaksana }},", style="Tanda Tangan")
    tag(doc, "{%p endif %}")
    # Room for the wet signature and stamp, or for the TTE visualisation.
    para(doc, style="Tanda Tangan", before=40)
    name = para(doc, "{{ penandatangan.nama }}", style="Tanda Tangan", bold=True)
    name.runs[0].underline = True
    para(doc, "{{ penandatangan.pangkat }}", style="Tanda Tangan")
    para(doc, "NIP {{ penandatangan.nip }}", style="Tanda Tangan")
    tag(doc, "{%p if tembusan %}")
    label = para(doc, "Tembusan:", style="Tembusan", before=8)
    label.paragraph_format.left_indent = label.paragraph_format.first_line_indent = Cm(0)
    tag(doc, "{%p for salinan in tembusan %}")
    para(doc, "{{ loop.index }}.\t{{ salinan }}{% if loop.last %}.{% else %};{% endif %}",
         style="Tembusan")
    tag(doc, "{%p endfor %}")
    tag(doc, "{%p endif %}")


def field(paragraph: Paragraph, code: str, shown: str) -> None:
    """A Word field (``PAGE``…) in ``paragraph``, showing ``shown`` until it is updated."""
    for kind, text in (("begin", None), ("instr", code), ("separate", None), ("text", shown),
                       ("end", None)):
        run = paragraph.add_run()
        if kind == "instr":
            instr = element("instrText")
            instr.set(qn("xml:space"), "preserve")
            instr.text = f" {text} "
            run._r.append(instr)
        elif kind == "text":
            run.text = shown
        else:
            run._r.append(element("fldChar", fldCharType=kind))


def headers(doc: Doc) -> None:
    """Page 1: only the DRAF marking of a draft. Page 2 on: the page number, centred."""
    section = doc.sections[0]
    section.different_first_page_header_footer = True
    first = section.first_page_header.paragraphs[0]
    first.style = "Kepala Halaman"
    first.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    draf = first.add_run("{% if draf %}DRAF{% endif %}")
    draf.bold, draf.font.size, draf.font.color.rgb = True, Pt(12), RGBColor(0xC0, 0x00, 0x00)
    other = section.header.paragraphs[0]
    other.style = "Kepala Halaman"
    other.paragraph_format.tab_stops.add_tab_stop(Cm(8), WD_TAB_ALIGNMENT.CENTER)
    other.paragraph_format.tab_stops.add_tab_stop(TEXT_WIDTH, WD_TAB_ALIGNMENT.RIGHT)
    other.add_run("\t- ")
    field(other, "PAGE", "2")
    other.add_run(" -\t")
    draf = other.add_run("{% if draf %}DRAF{% endif %}")
    draf.bold, draf.font.size, draf.font.color.rgb = True, Pt(12), RGBColor(0xC0, 0x00, 0x00)


def tte_footer(doc: Doc) -> None:
    """The page footer of the letter of record: the TTE statement (electronic signature only)
    and the QR code of the verification page. The first page shares it."""
    section = doc.sections[0]
    footer = section.footer
    footer.is_linked_to_previous = False
    footer.paragraphs[0].add_run("{%p if tte or qr %}")
    table = plain_table(footer, 1, [Cm(2.0), Cm(14.0)])
    table.cell(0, 1).vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.CENTER
    cell_text(table, 0, 0, "{% if qr %}{{ qr }}{% endif %}")
    statement = table.cell(0, 1).paragraphs[0]
    statement.style = "Kaki Surat"
    statement.add_run("{% if tte %}Dokumen ini telah ditandatangani secara elektronik "
                      "menggunakan sertifikat elektronik yang diterbitkan oleh "
                      "{{ tte.penerbit }}.{% endif %}")
    verify = para(table.cell(0, 1), style="Kaki Surat", before=2)
    verify.add_run("{% if verifikasi %}Keaslian surat ini dapat diperiksa dengan memindai kode "
                   "QR atau membuka {{ verifikasi }}{% endif %}")
    tag(footer, "{%p endif %}")
    # A footer needs one paragraph of its own even when the block above is left out.
    footer.add_paragraph().paragraph_format.space_after = Pt(0)
    # One footer part for every page: the first page's footer reference points at it too.
    sect_pr = section._sectPr
    default = next(ref for ref in sect_pr.findall(qn("w:footerReference"))
                   if ref.get(qn("w:type")) == "default")
    first = element("footerReference", type="first")
    first.set(qn("r:id"), default.get(qn("r:id")))
    default.addnext(first)


# Parts of python-docx's default document that a letter does not need (by relationship type).
LEFTOVERS = ("/metadata/thumbnail", "/customXml", "/stylesWithEffects")
APP_XML = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
           '<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/'
           'extended-properties"><Application>zoomsvc</Application><DocSecurity>0</DocSecurity>'
           '</Properties>')


def used_styles(doc: Doc) -> set[str]:
    """The style ids the document's parts use, with what they are based on or linked to."""
    parts = [doc.element, *(h._element for s in doc.sections
                            for h in (s.header, s.first_page_header, s.footer))]
    used = {"Normal", "DefaultParagraphFont", "TableNormal", "NoList"}
    for root in parts:
        for kind in ("pStyle", "rStyle", "tblStyle"):
            used |= {e.get(qn("w:val")) for e in root.iter(qn(f"w:{kind}"))}
    by_id = {s.get(qn("w:styleId")): s for s in doc.styles.element.findall(qn("w:style"))}
    pending = list(used)
    while pending:
        style = by_id.get(pending.pop())
        if style is None:
            continue
        for link in ("basedOn", "next", "link"):
            ref = style.find(qn(f"w:{link}"))
            if ref is not None and ref.get(qn("w:val")) not in used:
                used.add(ref.get(qn("w:val")))
                pending.append(ref.get(qn("w:val")))
    return used


def strip_styles(doc: Doc) -> None:
    """Remove the styles no part uses, and the latent list of Word's built-in styles."""
    keep = used_styles(doc)
    styles = doc.styles.element
    for style in styles.findall(qn("w:style")):
        if style.get(qn("w:styleId")) not in keep:
            styles.remove(style)
    for latent in styles.findall(qn("w:latentStyles")):
        styles.remove(latent)


def build(body_of: Callable[[Doc], None]) -> bytes:
    """One letter template as .docx bytes with fixed zip timestamps (reproducible rebuilds)."""
    doc = new_document()
    kop(doc)
    heading(doc)
    body_of(doc)
    closing(doc)
    headers(doc)
    tte_footer(doc)
    strip_styles(doc)
    # python-docx saves the parts reachable through relationships, so cutting one drops its part.
    for rels in (doc.part.package.rels, doc.part.rels):
        for r_id, rel in list(rels.items()):
            if rel.reltype.endswith(LEFTOVERS):
                del rels[r_id]
    raw, out = io.BytesIO(), io.BytesIO()
    doc.save(raw)
    with zipfile.ZipFile(raw) as zin, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zout:
        for item in zin.infolist():
            data = APP_XML.encode() if item.filename == "docProps/app.xml" else zin.read(item)
            zout.writestr(zipfile.ZipInfo(item.filename, FIXED_ZIP_TIME), data,
                          zipfile.ZIP_DEFLATED)
    return out.getvalue()


def placeholder_emblem(width: int = 120, height: int = 144) -> bytes:
    """A neutral grey shield as PNG: stands in for the city's emblem in the example config."""
    rows = []
    for y in range(height):
        # Straight sides for the upper two thirds, then narrowing to a point.
        half = width / 2 - 6
        if y > height * 0.6:
            half *= 1 - (y - height * 0.6) / (height * 0.4 - 4)
        row = bytearray(b"\x00")
        for x in range(width):
            inside = 6 <= y <= height - 4 and abs(x - width / 2) <= half
            edge = inside and (y < 11 or abs(x - width / 2) > half - 5 or y > height - 9)
            row += b"\x5a\x5a\x5a" if edge else b"\xc8\xc8\xc8" if inside else b"\xff\xff\xff"
        rows.append(bytes(row))

    def chunk(kind: bytes, data: bytes) -> bytes:
        return (struct.pack(">I", len(data)) + kind + data
                + struct.pack(">I", zlib.crc32(kind + data)))

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header)
            + chunk(b"IDAT", zlib.compress(b"".join(rows), 9)) + chunk(b"IEND", b""))


def main() -> None:
    """Write both templates next to this script, and the placeholder emblem to examples/."""
    emblem = HERE.parent / "examples" / "lambang-contoh.png"
    emblem.write_bytes(placeholder_emblem())
    print(f"wrote {emblem}")
    for name, body_of in (("surat_tanggapan.docx", scheduled_body),
                          ("surat_tanggapan_penuh.docx", full_body)):
        (HERE / name).write_bytes(build(body_of))
        print(f"wrote {HERE / name}")


if __name__ == "__main__":
    main()
