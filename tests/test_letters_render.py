"""Rendering the Surat Tanggapan: wording, safety of user text, template checks, properties."""

from __future__ import annotations

import io
import re
import shutil
import struct
import threading
import tomllib
import zipfile
import zlib
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

import docx
import pytest
import segno
from docx.oxml.parser import parse_xml
from docxtpl import DocxTemplate
from jinja2 import Environment

from zoomsvc.config import LetterSettings
from zoomsvc.letters.context import (
    CONTEXT_KEYS,
    DEFAULT_TTE_ISSUER,
    Signer,
    clean_text,
    template_context,
)
from zoomsvc.letters.render import (
    TEMPLATE_FULL,
    TEMPLATE_SCHEDULED,
    LetterRenderer,
    TemplateCheckError,
    check_template,
    packaged_template,
    qr_png,
    render_plain,
    undeclared_variables,
)
from zoomsvc.letters.sample import sample_full_letter, sample_letter

TEMPLATES = (TEMPLATE_SCHEDULED, TEMPLATE_FULL)
EXAMPLE_CONFIG = Path(__file__).resolve().parents[1] / "config.example.toml"
HOSTILE = ('Rapat {{ x }} {% if true %}ya{% endif %} <b>&amp; "kutip" \'satu\' 😀\n'
           "baris kedua\t& <script>")
LONG_TOPIC = (HOSTILE + " ") + "Agenda panjang & <lengkap> " * 75


def blocks_text(container: object, out: list[str]) -> None:
    """Collect the text of paragraphs and of every table cell, in document order."""
    for block in container.iter_inner_content():  # type: ignore[attr-defined]
        if hasattr(block, "rows"):
            for row in block.rows:
                for cell in row.cells:
                    blocks_text(cell, out)
        else:
            out.append(block.text)


def letter_text(blob: bytes, *, raw: bool = False) -> list[str]:
    """Every paragraph of body, tables, headers and footers of a rendered .docx; no-break
    spaces and hyphens read as plain ones unless ``raw``."""
    document = docx.Document(io.BytesIO(blob))
    out: list[str] = []
    blocks_text(document, out)
    for section in document.sections:
        blocks_text(section.first_page_header, out)
        blocks_text(section.header, out)
        blocks_text(section.footer, out)
    if raw:
        return out
    return [line.replace("\u00a0", " ").replace("\u2011", "-") for line in out]


def joined(blob: bytes) -> str:
    return "\n".join(letter_text(blob))


def assert_valid_package(blob: bytes) -> None:
    """The zip is intact and every XML part parses (what Word needs to open it)."""
    with zipfile.ZipFile(io.BytesIO(blob)) as package:
        assert package.testzip() is None
        for name in package.namelist():
            if name.endswith((".xml", ".rels")):
                parse_xml(package.read(name))
    docx.Document(io.BytesIO(blob))


def run_content(blob: bytes) -> list[tuple[str, str]]:
    """Text, breaks, tabs and drawings of the document and its footers, in order."""
    wanted = {"t", "br", "tab", "drawing", "p", "tc"}
    out: list[tuple[str, str]] = []
    with zipfile.ZipFile(io.BytesIO(blob)) as package:
        for name in sorted(package.namelist()):
            if name.startswith(("word/document", "word/footer", "word/header")):
                for element in parse_xml(package.read(name)).iter():
                    tag = str(element.tag).rsplit("}", 1)[-1]
                    if tag in wanted:
                        out.append((tag, element.text or "" if tag == "t" else ""))
    return out


def media(blob: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(blob)) as package:
        return {n: package.read(n) for n in package.namelist() if "/media/" in n}


def png_rows(png: bytes) -> list[list[int]]:
    """Decode a 1-bit greyscale PNG as segno writes it (filters None and Up only)."""
    assert png.startswith(b"\x89PNG\r\n\x1a\n")
    at, idat, width = 8, b"", 0
    while at < len(png):
        (length,), kind = struct.unpack(">I", png[at:at + 4]), png[at + 4:at + 8]
        data = png[at + 8:at + 8 + length]
        if kind == b"IHDR":
            width, _, depth, colour = struct.unpack(">IIBB", data[:10])
            assert (depth, colour) == (1, 0)
        elif kind == b"IDAT":
            idat += data
        at += 12 + length
    raw, stride = zlib.decompress(idat), (width + 7) // 8
    rows, previous = [], bytes(stride)
    for start in range(0, len(raw), stride + 1):
        kind, line = raw[start], raw[start + 1:start + 1 + stride]
        assert kind in (0, 2)
        current = line if kind == 0 else bytes((a + b) & 0xFF for a, b in zip(line, previous,
                                                                             strict=True))
        rows.append([(current[x // 8] >> (7 - x % 8)) & 1 for x in range(width)])
        previous = current
    return rows


def tiny_png(width: int = 30, height: int = 36) -> bytes:
    """A plain red PNG, standing in for the city's emblem."""
    raw = b"".join(b"\x00" + b"\xc8\x1e\x1e" * width for _ in range(height))

    def chunk(kind: bytes, data: bytes) -> bytes:
        return (struct.pack(">I", len(data)) + kind + data
                + struct.pack(">I", zlib.crc32(kind + data)))

    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2,
                                                               0, 0, 0))
            + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b""))


@pytest.fixture(scope="module")
def renderers() -> dict[str, LetterRenderer]:
    return {name: LetterRenderer(packaged_template(name)) for name in TEMPLATES}


@pytest.fixture(scope="module")
def scheduled(renderers: dict[str, LetterRenderer]) -> list[str]:
    return letter_text(renderers[TEMPLATE_SCHEDULED].render(sample_letter(draft=False)))


def with_template_edit(tmp_path: Path, old: str, new: str, name: str = "rusak.docx",
                       part: str = "word/document.xml") -> Path:
    """A copy of the scheduled template with one piece of one part replaced."""
    source = packaged_template(TEMPLATE_SCHEDULED)
    target = tmp_path / name
    with zipfile.ZipFile(source) as zin, zipfile.ZipFile(target, "w") as zout:
        for item in zin.infolist():
            data = zin.read(item)
            if item.filename == part:
                assert old.encode() in data
                data = data.replace(old.encode(), new.encode())
            zout.writestr(item, data)
    return target


def test_the_scheduled_letter_has_the_kop_number_block_and_addressee(scheduled: list[str]
                                                                      ) -> None:
    assert "PEMERINTAH KOTA TARAKAN" in scheduled
    assert "DINAS KOMUNIKASI, INFORMATIKA, STATISTIK DAN PERSANDIAN" in scheduled
    assert ("Jalan Contoh Nomor 1, Tarakan 77111 · Telepon (0551) 000000 · "
            "Laman contoh.tarakankota.go.id · Pos-el kominfo@contoh.go.id") in scheduled
    assert "Tarakan, 23 November 2026" in scheduled
    at = scheduled.index("Nomor")
    assert scheduled[at:at + 3] == ["Nomor", ":", "000.8.3.3/0123/DKISP-APTIKA/XI/2026"]
    assert scheduled[at + 3:at + 12] == ["Sifat", ":", "Biasa", "Lampiran", ":", "-", "Hal", ":",
                                         "Tanggapan atas Permohonan Fasilitasi Layanan Zoom "
                                         "Meeting"]
    assert "Yth.\tKepala Dinas Kesehatan Kota Tarakan" in scheduled
    assert scheduled[scheduled.index("di") + 1] == "Tempat"


def test_the_scheduled_letter_cites_the_opd_letter_and_lists_the_meeting(scheduled: list[str]
                                                                         ) -> None:
    text = "\n".join(scheduled)
    assert ("Menindaklanjuti surat Saudara Nomor 440/101/DINKES/2026 tanggal 20 November 2026 "
            "hal Permohonan Fasilitasi Zoom Meeting, dengan ini kami sampaikan bahwa fasilitas "
            "Zoom Meeting telah kami siapkan dengan rincian sebagai berikut:") in text
    at = scheduled.index("Acara")
    assert scheduled[at:at + 19] == [
        "Acara", ":", "Rapat Koordinasi Percepatan Penurunan Stunting",
        "Hari/Tanggal", ":", "Rabu, 25 November 2026",
        "Pukul", ":", "09.00 – 12.00 WITA",
        "Meeting ID", ":", "812 3456 7890",
        "Passcode", ":", "a1B2c3",
        "Tautan", ":", "",
        "https://us06web.zoom.us/j/81234567890?pwd=Q29udG9oUGFzc2NvZGU"]
    assert "Ruang pertemuan dapat dibuka 15 menit sebelum acara dimulai." in text
    assert "menghubungi Budi Contoh, 0811-0000-0000." in text
    assert ("Demikian disampaikan, atas perhatian dan kerja samanya diucapkan terima kasih."
            in scheduled)


def test_the_signature_block_tembusan_and_tte_footer_close_the_letter(scheduled: list[str]
                                                                      ) -> None:
    at = scheduled.index("Kepala Dinas Komunikasi, Informatika, Statistik dan Persandian,")
    assert scheduled[at + 1:at + 5] == ["", "NAMA CONTOH, S.Kom., M.Si.",
                                        "Pembina Utama Muda (IV/c)", "NIP 19700101 200001 1 001"]
    at = scheduled.index("Tembusan:")
    assert scheduled[at + 1:at + 3] == ["1.\tWali Kota Tarakan (sebagai laporan);",
                                        "2.\tKepala Bidang Aplikasi dan Informatika."]
    assert ("Dokumen ini telah ditandatangani secara elektronik menggunakan sertifikat elektronik "
            "yang diterbitkan oleh Balai Sertifikasi Elektronik (BSrE), Badan Siber dan Sandi "
            "Negara.") in scheduled
    assert not any("{{" in line or "{%" in line for line in scheduled)


def test_the_full_letter_gives_the_reason_and_numbered_alternatives(
        renderers: dict[str, LetterRenderer]) -> None:
    lines = letter_text(renderers[TEMPLATE_FULL].render(sample_full_letter()))
    text = "\n".join(lines)
    assert ("pada waktu yang Saudara mohonkan, yaitu Rabu, 25 November 2026 pukul 09.00 – 12.00 "
            "WITA, seluruh akun Zoom Meeting yang kami kelola telah terjadwal untuk kegiatan "
            "lain.") in text
    at = lines.index("Sebagai alternatif, kami dapat memfasilitasi kegiatan tersebut pada salah "
                     "satu waktu berikut:")
    assert lines[at + 1:at + 4] == ["1.\tRabu, 25 November 2026 pukul 13.00 – 16.00 WITA;",
                                    "2.\tKamis, 26 November 2026 pukul 09.00 – 12.00 WITA;",
                                    "3.\tJumat, 27 November 2026 pukul 08.00 – 11.00 WITA."]
    assert "mohon konfirmasi kepada kami melalui Budi Contoh, 0811-0000-0000" in text
    assert "Meeting ID" not in text
    assert "Passcode" not in text
    assert "NIP 19700101 200001 1 001" in lines
    assert "Tembusan:" in lines


def test_a_full_letter_without_alternatives_asks_for_another_request(
        renderers: dict[str, LetterRenderer]) -> None:
    text = joined(renderers[TEMPLATE_FULL].render(sample_full_letter(alternatives=())))
    assert "Sebagai alternatif" not in text
    assert "belum tersedia waktu lain yang dapat kami tawarkan" in text


def test_a_capacity_reason_replaces_the_busy_reason(renderers: dict[str, LetterRenderer]
                                                    ) -> None:
    reason = ("kapasitas peserta yang dibutuhkan (500 orang) melebihi kapasitas akun yang "
              "tersedia")
    text = joined(renderers[TEMPLATE_FULL].render(sample_full_letter(full_reason=reason)))
    assert f"pukul 09.00 – 12.00 WITA, {reason}." in text


def test_someone_signing_for_the_kadis_writes_an_and_their_own_office(
        renderers: dict[str, LetterRenderer]) -> None:
    signer = Signer(office="Kepala Dinas Komunikasi, Informatika, Statistik dan Persandian",
                    name="NAMA WAKIL", pangkat="Pembina (IV/a)", nip="198001012005011002",
                    prefix="a.n.", own_office="Sekretaris")
    lines = letter_text(renderers[TEMPLATE_SCHEDULED].render(sample_letter(signer=signer)))
    at = lines.index("a.n. Kepala Dinas Komunikasi, Informatika, Statistik dan Persandian,")
    assert lines[at + 1:at + 6] == ["Sekretaris,", "", "NAMA WAKIL", "Pembina (IV/a)",
                                    "NIP 19800101 200501 1 002"]
    plt = replace(signer, prefix="Plt.", own_office="")
    lines = letter_text(renderers[TEMPLATE_SCHEDULED].render(sample_letter(signer=plt)))
    assert "Plt. Kepala Dinas Komunikasi, Informatika, Statistik dan Persandian," in lines
    assert "Sekretaris," not in lines


def test_a_letter_without_tte_or_verification_has_no_footer_and_no_image(
        renderers: dict[str, LetterRenderer]) -> None:
    data = sample_letter(tte_issuer="", verification_url="", tembusan=(), end=None, draft=False)
    blob = renderers[TEMPLATE_SCHEDULED].render(data)
    lines = letter_text(blob)
    assert not any("ditandatangani secara elektronik" in line for line in lines)
    assert "Tembusan:" not in lines
    assert "09.00 WITA s.d. selesai" in lines
    assert media(blob) == {}
    assert_valid_package(blob)


def test_the_qr_code_is_a_png_part_of_the_verification_url(
        renderers: dict[str, LetterRenderer]) -> None:
    data = sample_letter(draft=False)
    blob = renderers[TEMPLATE_SCHEDULED].render(data)
    parts = media(blob)
    assert len(parts) == 1
    (png,) = parts.values()
    assert png == qr_png(data.verification_url)
    # Read the modules back from the pixels: 4 px per module, a quiet zone of 4 modules.
    matrix = segno.make(data.verification_url, error="m").matrix
    rows = png_rows(png)
    modules = [[1 - rows[16 + 4 * y + 2][16 + 4 * x + 2] for x in range(len(matrix))]
               for y in range(len(matrix))]
    assert modules == [[int(bool(v)) for v in row] for row in matrix]
    with zipfile.ZipFile(io.BytesIO(blob)) as package:
        footer_rels = [n for n in package.namelist() if n.startswith("word/_rels/footer")]
        assert footer_rels
        assert "media/" in package.read(footer_rels[0]).decode()
    assert "https://zoom.contoh.go.id/verifikasi/3f9c2a7b" in joined(blob)


def test_the_emblem_is_placed_in_the_kop_when_configured(
        renderers: dict[str, LetterRenderer], tmp_path: Path) -> None:
    emblem = tmp_path / "lambang.png"
    emblem.write_bytes(tiny_png())
    data = sample_letter(kop=replace(sample_letter().kop, emblem_path=str(emblem)), draft=False)
    blob = renderers[TEMPLATE_SCHEDULED].render(data)
    assert tiny_png() in media(blob).values()
    assert len(media(blob)) == 2
    with zipfile.ZipFile(io.BytesIO(blob)) as package:
        document = package.read("word/document.xml").decode()
    assert document.count("<w:drawing>") == 1
    assert document.index("<w:drawing>") < document.index("PEMERINTAH KOTA TARAKAN")
    assert_valid_package(blob)


def test_an_emblem_that_is_not_an_image_names_the_config_key(
        renderers: dict[str, LetterRenderer], tmp_path: Path) -> None:
    emblem = tmp_path / "lambang.svg"
    emblem.write_text("<svg/>")
    data = sample_letter(kop=replace(sample_letter().kop, emblem_path=str(emblem)))
    with pytest.raises(ValueError, match=r"^letters\.emblem: .*lambang\.svg"):
        renderers[TEMPLATE_SCHEDULED].render(data)


@pytest.mark.parametrize("name", TEMPLATES)
def test_a_template_uses_only_variables_of_the_context(name: str) -> None:
    used = undeclared_variables(packaged_template(name))
    assert used <= CONTEXT_KEYS
    assert {"kop", "nomor", "tujuan", "penandatangan", "tembusan", "qr", "tte"} <= used
    # docxtpl's own reading of the template agrees with the compiled one.
    plain = DocxTemplate(str(packaged_template(name)))
    assert plain.get_undeclared_template_variables(Environment(autoescape=True)) == used


def test_the_context_has_exactly_the_documented_keys() -> None:
    assert set(template_context(sample_letter())) == CONTEXT_KEYS
    assert set(template_context(sample_full_letter())) == CONTEXT_KEYS


@pytest.mark.parametrize("name", TEMPLATES)
def test_the_shipped_templates_pass_the_check(name: str) -> None:
    check_template(packaged_template(name))


def test_user_text_renders_literally_and_the_docx_stays_valid(
        renderers: dict[str, LetterRenderer]) -> None:
    assert len(LONG_TOPIC) > 2000
    data = sample_letter(topic=LONG_TOPIC, addressee=HOSTILE, opd_letter_subject=HOSTILE,
                         technical_contact=HOSTILE, passcode='<&">', tembusan=(HOSTILE,),
                         join_url="https://zoom.us/j/1?pwd=a&b=<c>")
    for render in (renderers[TEMPLATE_SCHEDULED].render,
                   lambda d: render_plain(packaged_template(TEMPLATE_SCHEDULED), d)):
        blob = render(data)
        assert_valid_package(blob)
        lines = letter_text(blob)
        assert LONG_TOPIC.strip() in lines
        assert f"Yth.\t{HOSTILE}" in lines
        assert f"1.\t{HOSTILE}." in lines
        assert '<&">' in lines
        assert "https://zoom.us/j/1?pwd=a&b=<c>" in lines
        assert "\nya\n" not in "\n".join(lines)  # the {% if %} was not executed
        # Word shows a raw newline or tab inside w:t as a space: they must be w:br and w:tab.
        content = run_content(blob)
        assert not any("\n" in text or "\t" in text for _, text in content)
        assert ("br", "") in content
        assert ("tab", "") in content


def test_control_characters_are_dropped_so_the_xml_stays_valid(
        renderers: dict[str, LetterRenderer]) -> None:
    assert clean_text("a\x00b\x07c\x0cd\r\ne\rf\ud800") == "abcd\ne\nf"
    blob = renderers[TEMPLATE_SCHEDULED].render(sample_letter(topic="Rapat\x07\x0c\x1b akhir"))
    assert_valid_package(blob)
    assert "Rapat akhir" in letter_text(blob)


def test_a_renderer_says_the_same_for_the_same_letter_in_any_order(
        renderers: dict[str, LetterRenderer]) -> None:
    renderer = renderers[TEMPLATE_SCHEDULED]
    first = renderer.render(sample_letter())
    other = renderer.render(sample_letter(number="000/9999/X/2026", topic="Lain"))
    assert run_content(renderer.render(sample_letter())) == run_content(first)
    assert run_content(render_plain(packaged_template(TEMPLATE_SCHEDULED), sample_letter())
                       ) == run_content(first)
    assert "000/9999/X/2026" in joined(other)
    assert "000/9999/X/2026" not in joined(first)


def test_one_renderer_serves_several_threads(renderers: dict[str, LetterRenderer]) -> None:
    renderer = renderers[TEMPLATE_SCHEDULED]
    letters = [sample_letter(number=f"000/{i:04d}/XI/2026") for i in range(12)]
    expected = [run_content(renderer.render(letter)) for letter in letters]
    results: dict[int, list[tuple[str, str]]] = {}

    def work(i: int) -> None:
        results[i] = run_content(renderer.render(letters[i]))

    threads = [threading.Thread(target=work, args=(i,)) for i in range(len(letters))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert [results[i] for i in range(len(letters))] == expected


def test_a_syntax_error_is_reported_with_the_template_name(tmp_path: Path) -> None:
    broken = with_template_edit(tmp_path, "{{ nomor }}", "{{ nomor }")
    with pytest.raises(TemplateCheckError, match=r"^rusak\.docx: .*") as caught:
        check_template(broken)
    message = str(caught.value)
    assert "penulisan tag templat salah" in message
    assert "isi surat, paragraf " in message
    assert "dekat teks: '{{ nomor }'" in message  # the text near the error
    with pytest.raises(TemplateCheckError, match=r"^rusak\.docx: penulisan tag templat salah"):
        LetterRenderer(broken).render(sample_letter())


def test_an_unknown_variable_is_reported_with_the_template_name(tmp_path: Path) -> None:
    broken = with_template_edit(tmp_path, "{{ nomor }}", "{{ nomer }}")
    with pytest.raises(TemplateCheckError, match=r"^rusak\.docx: variabel tidak dikenal: nomer;"):
        check_template(broken)


def test_an_unknown_attribute_fails_the_check_and_the_render(tmp_path: Path) -> None:
    broken = with_template_edit(tmp_path, "{{ kop.nama }}", "{{ kop.nmaa }}", "atribut.docx")
    with pytest.raises(TemplateCheckError, match=r"^atribut\.docx: .*nmaa") as caught:
        check_template(broken)
    assert "dekat teks: '{{ kop.nmaa }}'" in str(caught.value)
    with pytest.raises(TemplateCheckError, match=r"^atribut\.docx: .*nmaa"):
        LetterRenderer(broken).render(sample_letter())


def test_a_file_that_is_not_a_docx_is_reported_with_its_name(tmp_path: Path) -> None:
    fake = tmp_path / "bukan.docx"
    fake.write_text("hello")
    with pytest.raises(TemplateCheckError, match=r"^bukan\.docx: "):
        check_template(fake)
    with pytest.raises(TemplateCheckError, match=r"^hilang\.docx: "):
        check_template(tmp_path / "hilang.docx")


def test_an_edited_copy_of_a_template_renders_from_its_own_path(tmp_path: Path) -> None:
    copy = tmp_path / "surat_tanggapan.docx"
    shutil.copy(packaged_template(TEMPLATE_SCHEDULED), copy)
    assert "812 3456 7890" in joined(LetterRenderer(copy).render(sample_letter()))


def test_the_file_properties_describe_the_letter_not_the_template(
        renderers: dict[str, LetterRenderer]) -> None:
    now = datetime(2026, 11, 23, 2, 30, tzinfo=UTC)
    blob = renderers[TEMPLATE_SCHEDULED].render(sample_letter(topic="Rapat <A> & B"), now)
    props = docx.Document(io.BytesIO(blob)).core_properties
    assert props.title == "Surat Tanggapan 000.8.3.3/0123/DKISP-APTIKA/XI/2026"
    assert props.subject == ("Tanggapan atas Permohonan Fasilitasi Layanan Zoom Meeting: "
                             "Rapat <A> & B")
    assert props.author == "Dinas Komunikasi, Informatika, Statistik dan Persandian"
    for stamp in (props.created, props.modified):
        assert stamp.replace(tzinfo=None) == datetime(2026, 11, 23, 2, 30)
    assert "Templat" not in (props.comments or "")
    with zipfile.ZipFile(io.BytesIO(blob)) as package:
        app = package.read("docProps/app.xml").decode()
        settings = package.read("word/settings.xml").decode()
    assert "Macintosh" not in app
    assert 'w:name="compatibilityMode" w:uri="http://schemas.microsoft.com/office/word" ' \
           'w:val="15"' in settings


def test_a_long_topic_is_cut_to_what_a_file_property_may_hold(
        renderers: dict[str, LetterRenderer]) -> None:
    blob = renderers[TEMPLATE_SCHEDULED].render(sample_letter(topic="Rapat panjang " * 40))
    subject = docx.Document(io.BytesIO(blob)).core_properties.subject
    assert len(subject) == 255
    assert subject.endswith("…")


@pytest.mark.parametrize("name", TEMPLATES)
def test_templates_use_named_styles_and_carry_no_unused_ones(name: str) -> None:
    with zipfile.ZipFile(packaged_template(name)) as package:
        styles = package.read("word/styles.xml").decode()
        document = package.read("word/document.xml").decode()
    names = set(re.findall(r'<w:name w:val="([^"]+)"/>', styles))
    assert {"Kop", "Isi Surat", "Tanda Tangan", "Tembusan"} <= names
    assert len(names) < 20
    assert "latentStyles" not in styles
    for style_id in ("IsiSurat", "TandaTangan", "Tembusan", "Kop"):
        assert f'<w:pStyle w:val="{style_id}"/>' in document


def test_a_draft_is_marked_and_carries_no_signature_footer(
        renderers: dict[str, LetterRenderer]) -> None:
    blob = renderers[TEMPLATE_SCHEDULED].render(sample_letter(draft=True))
    lines = letter_text(blob)
    assert lines.count("DRAF") == 1  # the first page's header
    assert any(line.endswith("-\tDRAF") for line in lines)  # later pages: number and marking
    assert not any("ditandatangani secara elektronik" in line for line in lines)
    assert not any("Keaslian surat ini" in line for line in lines)
    assert media(blob) == {}


def test_the_tte_statement_is_only_in_the_record_of_an_electronic_signature(
        renderers: dict[str, LetterRenderer]) -> None:
    record = joined(renderers[TEMPLATE_SCHEDULED].render(sample_letter(draft=False)))
    assert "ditandatangani secara elektronik" in record
    assert "DRAF" not in record
    wet = sample_letter(draft=False, electronic_signature=False)
    blob = renderers[TEMPLATE_SCHEDULED].render(wet)
    text = joined(blob)
    assert "ditandatangani secara elektronik" not in text
    assert "Keaslian surat ini dapat diperiksa" in text  # the QR code stays: it proves the copy
    assert len(media(blob)) == 1


def test_the_footer_names_the_issuer_once_with_the_default_configuration(
        renderers: dict[str, LetterRenderer]) -> None:
    issuers = {LetterSettings().tte_issuer, DEFAULT_TTE_ISSUER,
               tomllib.loads(EXAMPLE_CONFIG.read_text())["letters"]["tte_issuer"]}
    for issuer in issuers:
        text = joined(renderers[TEMPLATE_SCHEDULED].render(
            sample_letter(draft=False, tte_issuer=issuer)))
        assert text.count("Badan Siber dan Sandi Negara") == 1
        assert ("diterbitkan oleh Balai Sertifikasi Elektronik (BSrE), Badan Siber dan Sandi "
                "Negara.\n") in text


def test_dates_numbers_and_the_contact_parts_do_not_break_inside(
        renderers: dict[str, LetterRenderer]) -> None:
    lines = letter_text(renderers[TEMPLATE_FULL].render(sample_full_letter()), raw=True)
    text = "\n".join(lines)
    nbsp = "\u00a0"
    assert f"Tarakan, 23{nbsp}November{nbsp}2026" in lines
    assert f"tanggal 20{nbsp}November{nbsp}2026 hal" in text
    assert f"Rabu, 25{nbsp}November{nbsp}2026 pukul 09.00{nbsp}–{nbsp}12.00{nbsp}WITA" in text
    assert (f"Telepon{nbsp}(0551){nbsp}000000{nbsp}· Laman{nbsp}contoh.tarakankota.go.id"
            f"{nbsp}· Pos\u2011el{nbsp}kominfo@contoh.go.id") in text


def test_the_join_link_is_a_hyperlink_with_its_relationship(
        renderers: dict[str, LetterRenderer]) -> None:
    url = "https://us06web.zoom.us/j/81234567890?pwd=Q29udG9oUGFzc2NvZGU"
    blob = renderers[TEMPLATE_SCHEDULED].render(sample_letter(join_url=url))
    document = docx.Document(io.BytesIO(blob))
    links = [h for p in document.paragraphs for h in p.hyperlinks]
    assert [(link.address, link.text) for link in links] == [(url, url)]
    no_link = renderers[TEMPLATE_SCHEDULED].render(sample_letter(join_url=""))
    assert not [h for p in docx.Document(io.BytesIO(no_link)).paragraphs for h in p.hyperlinks]
    with zipfile.ZipFile(io.BytesIO(no_link)) as package:
        assert "None" not in package.read("word/document.xml").decode()
    assert_valid_package(no_link)


def test_packaged_templates_are_found_and_unknown_names_are_not() -> None:
    for name in TEMPLATES:
        assert packaged_template(name).is_file()
    with pytest.raises(FileNotFoundError, match="tidak_ada"):
        packaged_template("tidak_ada.docx")


def test_letter_data_refuses_naive_times_and_unknown_signer_prefixes() -> None:
    with pytest.raises(ValueError, match="aware"):
        sample_letter(start=datetime(2026, 11, 25, 9, 0))
    with pytest.raises(ValueError, match="prefix"):
        Signer(office="Kepala", name="X", pangkat="Y", nip="197001012000011001", prefix="an")
    with pytest.raises(ValueError, match="NIP"):
        Signer(office="Kepala", name="X", pangkat="Y", nip="1970")


def kop_columns(blob: bytes) -> list[float]:
    """The column widths (cm) of the letter's first table, the kop."""
    kop = docx.Document(io.BytesIO(blob)).tables[0]
    return [round(column.width.cm, 1) for column in kop.columns]


def test_the_kop_spans_the_page_without_an_emblem_and_makes_room_for_one(
        renderers: dict[str, LetterRenderer]) -> None:
    renderer = renderers[TEMPLATE_SCHEDULED]
    assert kop_columns(renderer.render(sample_letter())) == [16.0]
    emblem = Path(__file__).resolve().parents[1] / "examples" / "lambang-contoh.png"
    data = sample_letter(kop=replace(sample_letter().kop, emblem_path=str(emblem)))
    blob = renderer.render(data)
    assert kop_columns(blob) == [2.4, 13.6]
    assert emblem.read_bytes() in media(blob).values()  # the example's placeholder is usable
