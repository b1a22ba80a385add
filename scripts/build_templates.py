"""Rebuild the two Surat Tanggapan templates (``surat_tanggapan*.docx``) from code.

Run as ``python scripts/build_templates.py``. The committed .docx files are the source of truth
an agency edits in Word; this script only recreates the project's originals (python-docx for the
layout, docxtpl/Jinja tags written as plain text in runs). The variables are documented in
``zoomsvc/letters/context.py``.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

import docx
from docx.enum.table import WD_CELL_VERTICAL_ALIGNMENT, WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.section import _Footer
from docx.shared import Cm, Pt
from docx.table import Table, _Cell
from docx.text.paragraph import Paragraph

HERE = Path(__file__).resolve().parents[1] / "templates"  # shipped as zoomsvc.letter_templates
FONT = "Arial"
TEXT_WIDTH = Cm(16)  # A4 (21 cm) minus 2.5 cm margins on each side
BODY_INDENT = Cm(1.25)
SIGNATURE_INDENT = Cm(8.5)
# Word keeps table styles it never uses; python-docx's default carries 100 of them (340 kB of XML
# in every letter), so only these stay.
KEPT_TABLE_STYLES = {"TableNormal", "TableGrid"}
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


def new_document() -> Doc:
    """A4, 2.5 cm side margins (the kop sits higher), Arial 12 pt, single spacing."""
    doc = docx.Document()
    section = doc.sections[0]
    section.page_width, section.page_height = Cm(21), Cm(29.7)
    # The bottom margin leaves room for the TTE footer (statement and QR code).
    section.top_margin, section.bottom_margin = Cm(1.5), Cm(3)
    section.left_margin = section.right_margin = Cm(2.5)
    section.header_distance, section.footer_distance = Cm(1.25), Cm(0.8)
    styles = doc.styles.element
    for style in styles.findall(qn("w:style")):
        if (style.get(qn("w:type")) == "table"
                and style.get(qn("w:styleId")) not in KEPT_TABLE_STYLES):
            styles.remove(style)
    set_fonts(styles.find(qn("w:docDefaults")).find(qn("w:rPrDefault")).find(qn("w:rPr")))
    normal = doc.styles["Normal"]
    normal.font.name, normal.font.size = FONT, Pt(12)
    set_fonts(normal.element.get_or_add_rPr())
    normal.paragraph_format.space_before = normal.paragraph_format.space_after = Pt(0)
    normal.paragraph_format.line_spacing = 1.0
    props = doc.core_properties
    props.title = "Surat Tanggapan atas Permohonan Fasilitasi Layanan Zoom Meeting"
    props.author = props.last_modified_by = "zoomsvc"
    props.language, props.revision = "id-ID", 1
    props.created = props.modified = datetime(2026, 1, 1, tzinfo=UTC)
    props.comments = "Templat docxtpl; variabel: lihat zoomsvc/letters/context.py"
    return doc


def para(doc: Doc | _Cell, text: str = "", *, align: int | None = None, bold: bool = False,
         size: float | None = None, before: float = 0, after: float = 0,
         left: Cm | None = None, first: Cm | None = None, keep: bool = False) -> Paragraph:
    """Add a paragraph of one run (tabs in ``text`` become Word tabs)."""
    p = doc.add_paragraph()
    fmt = p.paragraph_format
    fmt.space_before, fmt.space_after = Pt(before), Pt(after)
    if keep:
        fmt.keep_with_next = True
    if align is not None:
        p.alignment = align
    if left is not None:
        fmt.left_indent = left
    if first is not None:
        fmt.first_line_indent = first
        if first < 0:
            fmt.tab_stops.add_tab_stop(left or Cm(0))
    if text:
        run = p.add_run(text)
        run.bold = bold or None
        if size:
            run.font.size = Pt(size)
    return p


def tag(doc: Doc, text: str) -> None:
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


def kop(doc: Doc) -> None:
    """Letterhead: optional emblem left, government and office centred, contact line, rule."""
    table = plain_table(doc, 1, [Cm(2.6), Cm(10.8), Cm(2.6)])
    for cell in table.rows[0].cells:
        cell.vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.CENTER
    cell_text(table, 0, 0, "{% if lambang %}{{ lambang }}{% endif %}",
              align=WD_ALIGN_PARAGRAPH.CENTER)
    cell_text(table, 0, 1, "{{ kop.pemerintah }}", align=WD_ALIGN_PARAGRAPH.CENTER, size=14)
    para(table.cell(0, 1), "{{ kop.nama }}", align=WD_ALIGN_PARAGRAPH.CENTER, bold=True, size=14)
    para(table.cell(0, 1), "{{ kop.kontak }}", align=WD_ALIGN_PARAGRAPH.CENTER, size=9.5)
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
    para(doc, "{{ tempat_tanggal }}", align=WD_ALIGN_PARAGRAPH.RIGHT, after=10)
    colon_rows(doc, [("Nomor", "{{ nomor }}"), ("Sifat", "{{ sifat }}"),
                     ("Lampiran", "{{ lampiran }}"), ("Hal", "{{ hal }}")],
               [Cm(2.6), Cm(0.5), Cm(12.9)])
    para(doc, "Yth.\t{{ tujuan }}", before=12, left=Cm(1), first=Cm(-1))
    para(doc, "di")
    para(doc, "Tempat", left=Cm(1), after=6)


def body(doc: Doc, text: str, before: float = 10, keep: bool = False) -> Paragraph:
    """A justified body paragraph with a first-line indent."""
    return para(doc, text, align=WD_ALIGN_PARAGRAPH.JUSTIFY, before=before, first=BODY_INDENT,
                keep=keep)


def numbered(doc: Doc, loop: str, item: str) -> None:
    """A ``{%p for %}`` list: "1.<tab>item;" … "n.<tab>item." with a hanging indent."""
    tag(doc, f"{{%p for {loop} %}}")
    para(doc, "{{ loop.index }}.\t" + item + "{% if loop.last %}.{% else %};{% endif %}",
         align=WD_ALIGN_PARAGRAPH.LEFT, left=BODY_INDENT + Cm(0.75), first=Cm(-0.75))
    tag(doc, "{%p endfor %}")


CITATION = ("Menindaklanjuti surat Saudara Nomor {{ surat_opd.nomor }} tanggal "
            "{{ surat_opd.tanggal }} hal {{ surat_opd.hal }}, dengan ini kami sampaikan bahwa ")


def scheduled_body(doc: Doc) -> None:
    """The meeting is ready: citation, details block, access note."""
    body(doc, CITATION + "fasilitas Zoom Meeting telah kami siapkan dengan rincian sebagai "
         "berikut:")
    details = colon_rows(doc, [
        ("Acara", "{{ acara }}"), ("Hari/Tanggal", "{{ hari_tanggal }}"),
        ("Pukul", "{{ pukul }}"), ("Meeting ID", "{{ meeting_id }}"),
        ("Passcode", "{{ passcode }}"), ("Tautan", "{{ tautan }}"),
    ], [Cm(3.3), Cm(0.5), Cm(10.95)], indent=BODY_INDENT)
    for cell in details.rows[0].cells:  # all three, or the label sits lower than its value
        cell.paragraphs[0].paragraph_format.space_before = Pt(4)
    body(doc, "Ruang pertemuan dapat dibuka {{ menit_sebelum }} menit sebelum acara dimulai. "
         "Mohon tautan dan kode akses di atas hanya dibagikan kepada peserta yang diundang."
         "{% if kontak_teknis %} Untuk koordinasi teknis dapat menghubungi {{ kontak_teknis }}."
         "{% endif %}")


def full_body(doc: Doc) -> None:
    """The pool is full: the requested time, the reason and the alternatives."""
    body(doc, CITATION + "pada waktu yang Saudara mohonkan, yaitu {{ hari_tanggal }} pukul "
         "{{ pukul }}, {{ alasan_penuh }}.")
    tag(doc, "{%p if alternatif %}")
    body(doc, "Sebagai alternatif, kami dapat memfasilitasi kegiatan tersebut pada salah satu "
         "waktu berikut:").paragraph_format.space_after = Pt(4)
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
    """Closing sentence, signature block on the right, tembusan, TTE footer with the QR code."""
    # A signature block is never split from the last sentence or across pages.
    body(doc, "Demikian disampaikan, atas perhatian dan kerja samanya diucapkan terima kasih.",
         keep=True)
    para(doc, "{% if penandatangan.awalan %}{{ penandatangan.awalan }} {% endif %}"
         "{{ penandatangan.jabatan }},", left=SIGNATURE_INDENT, before=20, keep=True)
    tag(doc, "{%p if penandatangan.jabatan_pelaksana %}")
    para(doc, "{{ penandatangan.jabatan_pelaksana }},", left=SIGNATURE_INDENT, keep=True)
    tag(doc, "{%p endif %}")
    # Room for the wet signature and stamp, or for the TTE visualisation.
    para(doc, left=SIGNATURE_INDENT, before=50, keep=True)
    name = para(doc, "{{ penandatangan.nama }}", left=SIGNATURE_INDENT, bold=True, keep=True)
    name.runs[0].underline = True
    para(doc, "{{ penandatangan.pangkat }}", left=SIGNATURE_INDENT, keep=True)
    para(doc, "NIP {{ penandatangan.nip }}", left=SIGNATURE_INDENT)
    tag(doc, "{%p if tembusan %}")
    para(doc, "Tembusan:", before=10, keep=True)
    numbered_tembusan = "{{ loop.index }}.\t{{ salinan }}{% if loop.last %}.{% else %};{% endif %}"
    tag(doc, "{%p for salinan in tembusan %}")
    para(doc, numbered_tembusan, left=Cm(0.75), first=Cm(-0.75))
    tag(doc, "{%p endfor %}")
    tag(doc, "{%p endif %}")


def tte_footer(doc: Doc) -> None:
    """The page footer: the TTE statement and the QR code of the verification page."""
    footer = doc.sections[0].footer
    footer.is_linked_to_previous = False
    footer.paragraphs[0].add_run("{%p if tte or qr %}")
    table = plain_table(footer, 1, [Cm(2.2), Cm(13.8)])
    table.cell(0, 1).vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.CENTER
    cell_text(table, 0, 0, "{% if qr %}{{ qr }}{% endif %}")
    cell_text(table, 0, 1, "{% if tte %}Dokumen ini telah ditandatangani secara elektronik "
              "menggunakan sertifikat elektronik yang diterbitkan oleh {{ tte.penerbit }}, "
              "Badan Siber dan Sandi Negara.{% endif %}", size=8.5)
    verify = table.cell(0, 1).add_paragraph()
    verify.paragraph_format.space_before = Pt(3)
    verify.add_run("{% if verifikasi %}Keaslian surat ini dapat diperiksa dengan memindai kode "
                   "QR atau membuka {{ verifikasi }}{% endif %}").font.size = Pt(8.5)
    footer.add_paragraph("{%p endif %}")
    # A footer needs one paragraph of its own even when the block above is left out.
    footer.add_paragraph().paragraph_format.space_after = Pt(0)


# Parts of python-docx's default document that a letter does not need (by relationship type).
LEFTOVERS = ("/metadata/thumbnail", "/customXml", "/stylesWithEffects")


def build(body_of: Callable[[Doc], None]) -> bytes:
    """One letter template as .docx bytes with fixed zip timestamps (reproducible rebuilds)."""
    doc = new_document()
    kop(doc)
    heading(doc)
    body_of(doc)
    closing(doc)
    tte_footer(doc)
    # python-docx saves the parts reachable through relationships, so cutting one drops its part.
    for rels in (doc.part.package.rels, doc.part.rels):
        for r_id, rel in list(rels.items()):
            if rel.reltype.endswith(LEFTOVERS):
                del rels[r_id]
    raw, out = io.BytesIO(), io.BytesIO()
    doc.save(raw)
    with zipfile.ZipFile(raw) as zin, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zout:
        for item in zin.infolist():
            zout.writestr(zipfile.ZipInfo(item.filename, FIXED_ZIP_TIME), zin.read(item),
                          zipfile.ZIP_DEFLATED)
    return out.getvalue()


def main() -> None:
    """Write both templates next to this script."""
    for name, body_of in (("surat_tanggapan.docx", scheduled_body),
                          ("surat_tanggapan_penuh.docx", full_body)):
        (HERE / name).write_bytes(build(body_of))
        print(f"wrote {HERE / name}")


if __name__ == "__main__":
    main()
