"""The printed letter: one A4 page in Liberation Sans for a normal letter, clean page breaks for a
long one (LibreOffice renders the PDF, poppler reads it back).

The letters go through the LibreOffice kept running for the run (``pdf_server``), the path the
service takes; without UNO bindings, through a LibreOffice started per letter. The one-shot path
itself is tested in ``test_letters_pdf.py``."""

from __future__ import annotations

import re
import shutil
import subprocess
from collections.abc import Callable
from functools import cache

import pytest
from letters_support import LIBREOFFICE_GROUP

from zoomsvc.letters.context import LetterData, Signer
from zoomsvc.letters.pdf import find_soffice, oneshot_pdf
from zoomsvc.letters.pdfserver import uno_python
from zoomsvc.letters.render import (
    TEMPLATE_FULL,
    TEMPLATE_SCHEDULED,
    LetterRenderer,
    packaged_template,
)
from zoomsvc.letters.sample import sample_full_letter, sample_letter

pytestmark = [pytest.mark.skipif(
    find_soffice() is None or shutil.which("pdfinfo") is None,
    reason="LibreOffice (soffice) and poppler-utils are needed to print the letter: "
           "apt-get install libreoffice-writer-nogui poppler-utils fonts-liberation2"),
    LIBREOFFICE_GROUP]

SIGNER = Signer(office="Kepala Dinas Komunikasi, Informatika, Statistik dan Persandian",
                name="Dr. Muhammad Ridwan Syahputra, S.T., M.Kom.",
                pangkat="Pembina Utama Muda (IV/c)", nip="197603152001121003")
REALISTIC = {
    "addressee": "Kepala Dinas Kependudukan dan Pencatatan Sipil Kota Tarakan",
    "opd_letter_number": "400.12.2.1/0457/DISDUKCAPIL/XI/2026",
    "opd_letter_subject": "Permohonan Fasilitasi Zoom Meeting Sosialisasi Identitas "
                          "Kependudukan Digital",
    "topic": "Sosialisasi Identitas Kependudukan Digital bagi Kecamatan dan Kelurahan",
    "signer": SIGNER,
    "join_url": "https://us06web.zoom.us/j/81234567890?pwd=bXlQYXNzY29kZUV4YW1wbGUxMjM0NTY3.1",
    "tembusan": ("Wali Kota Tarakan (sebagai laporan)", "Sekretaris Daerah Kota Tarakan",
                 "Kepala Bidang Aplikasi dan Informatika"),
    "draft": False,
}
LONG_TOPIC = ("Rapat Koordinasi Lintas Perangkat Daerah tentang Percepatan Penurunan Stunting, "
              "Penguatan Layanan Kesehatan Dasar dan Integrasi Data Kependudukan Kota Tarakan "
              "Tahun 2027 Tahap Pertama")[:200]


Printer = Callable[[str, LetterData], bytes]


@pytest.fixture(scope="module")
def printed(request: pytest.FixtureRequest) -> Printer:
    """The PDF of a letter rendered from a packaged template (each letter converted once)."""
    soffice = find_soffice()
    if soffice is not None and uno_python(soffice) is not None:
        convert: Callable[[bytes], bytes] = request.getfixturevalue("pdf_server").convert
    else:
        convert = lambda docx: oneshot_pdf(docx, 180)  # noqa: E731

    @cache
    def printed(template: str, data: LetterData) -> bytes:
        return convert(LetterRenderer(packaged_template(template)).render(data))

    return printed


def pages(pdf: bytes) -> list[str]:
    """The text of each page."""
    text = subprocess.run(["pdftotext", "-layout", "-", "-"], input=pdf, capture_output=True,
                          timeout=60, check=True).stdout.decode()
    return text.split("\f")[:-1] if text.endswith("\f") else text.split("\f")


def info(pdf: bytes) -> dict[str, str]:
    out = subprocess.run(["pdfinfo", "-"], input=pdf, capture_output=True, timeout=60,
                         check=True).stdout.decode()
    return dict(line.split(":", 1) for line in out.splitlines() if ":" in line)


def fonts(pdf: bytes) -> str:
    return subprocess.run(["pdffonts", "-"], input=pdf, capture_output=True, timeout=60,
                          check=True).stdout.decode()


@pytest.mark.parametrize(("template", "data"), [
    (TEMPLATE_SCHEDULED, sample_letter(**REALISTIC)),
    (TEMPLATE_FULL, sample_full_letter(**REALISTIC)),
    (TEMPLATE_SCHEDULED, sample_letter(**REALISTIC | {"draft": True})),
], ids=["scheduled", "full-3-alternatives", "draft"])
def test_a_normal_letter_is_one_a4_page_in_liberation_sans(printed: Printer, template: str,
                                                           data: LetterData) -> None:
    pdf = printed(template, data)
    details = info(pdf)
    assert details["Pages"].strip() == "1"
    assert "595.3" in details["Page size"]  # A4 in points
    assert "841.89" in details["Page size"]
    used = fonts(pdf)
    assert "LiberationSans" in used, f"Arial is not mapped to Liberation Sans:\n{used}"
    assert "DejaVu" not in used
    text = pages(pdf)[0]
    assert "NIP 19760315 200112 1 003" in text
    assert "Kepala Bidang Aplikasi dan Informatika." in text


def test_a_long_letter_moves_the_closing_signature_and_copies_together_and_numbers_page_2(
        printed: Printer) -> None:
    data = sample_letter(**REALISTIC | {
        "topic": LONG_TOPIC, "opd_letter_subject": "Permohonan Fasilitasi Zoom Meeting untuk "
        + LONG_TOPIC, "addressee": "Kepala Badan Perencanaan Pembangunan, Penelitian dan "
        "Pengembangan Daerah Kota Tarakan",
        "tembusan": (*REALISTIC["tembusan"], "Inspektur Kota Tarakan",  # type: ignore[misc]
                     "Kepala Badan Pengelolaan Keuangan dan Aset Daerah Kota Tarakan"),
        "signer": Signer(office=SIGNER.office, name=SIGNER.name, pangkat="Pembina (IV/a)",
                         nip="198001012005011002", prefix="a.n.", own_office="Sekretaris")})
    first, *rest = pages(printed(TEMPLATE_SCHEDULED, data))
    assert rest, "the long letter was expected to need a second page"
    second = "\n".join(rest)
    assert "- 1 -" not in first  # no number on the first page
    assert re.search(r"^\s*-\s*2\s*-\s*$", second, re.MULTILINE)
    # The closing, the whole signature block and every copy sit on one page together.
    for line in ("Demikian disampaikan", "a.n. Kepala Dinas", "Sekretaris,",
                 "Dr. Muhammad Ridwan Syahputra", "NIP 19800101 200501 1 002", "Tembusan:",
                 "Kepala Badan Pengelolaan Keuangan"):
        assert line in second
        assert line not in first
    # The body before the break ends with a whole paragraph, not a lone line.
    assert "hanya dibagikan kepada peserta yang diundang." in first
