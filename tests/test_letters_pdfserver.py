"""The LibreOffice that stays running for PDF conversion (``zoomsvc.letters.pdfserver``).

One server for the whole run (``pdf_server`` in letters_support, shared with the layout tests:
starting one takes several seconds); the tests run in file order and each leaves it able to
convert. Needs LibreOffice, its Python UNO bindings and
poppler-utils' ``pdftotext``; skipped with the reason otherwise.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace

import pytest
from letters_support import LIBREOFFICE_GROUP

from zoomsvc.letters import TEMPLATE_SCHEDULED, LetterRenderer, packaged_template
from zoomsvc.letters.pdf import PdfTimeout, find_soffice
from zoomsvc.letters.pdfserver import PdfServer, uno_python
from zoomsvc.letters.sample import sample_letter

SOFFICE = find_soffice()
PYTHON = uno_python(SOFFICE) if SOFFICE else None
pytestmark = [
    pytest.mark.skipif(SOFFICE is None, reason="LibreOffice (soffice) is not installed: "
                       "apt-get install libreoffice-writer-nogui"),
    pytest.mark.skipif(PYTHON is None, reason="no Python with LibreOffice's uno module and "
                       "unoserver: apt-get install python3-uno"),
    pytest.mark.skipif(shutil.which("pdftotext") is None,
                       reason="pdftotext is missing: apt-get install poppler-utils"),
    LIBREOFFICE_GROUP,
]


def letter(number: str) -> bytes:
    data = replace(sample_letter(), number=number)
    return LetterRenderer(packaged_template(TEMPLATE_SCHEDULED)).render(data)


def pdf_text(pdf: bytes) -> str:
    return subprocess.run(["pdftotext", "-layout", "-", "-"], input=pdf, capture_output=True,
                          timeout=60, check=True).stdout.decode()


def gone(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    return False


@pytest.fixture
def server(pdf_server: PdfServer) -> PdfServer:
    return pdf_server


def test_letters_convert_through_one_running_libreoffice(server: PdfServer) -> None:
    office = server.office_pid()
    starts = server.starts

    first = server.convert(letter("000.8.3.3/0101/DKISP-APTIKA/XII/2026"))
    second = server.convert(letter("000.8.3.3/0102/DKISP-APTIKA/XII/2026"))

    assert office is not None
    assert server.office_pid() == office
    assert server.starts == starts
    assert first.startswith(b"%PDF")
    assert b"%%EOF" in first[-1024:]
    assert "000.8.3.3/0101/DKISP-APTIKA/XII/2026" in pdf_text(first)
    assert "000.8.3.3/0102/DKISP-APTIKA/XII/2026" in pdf_text(second)
    assert "812 3456 7890" in pdf_text(second)


def test_the_conversion_after_libreoffice_was_killed_starts_it_again(server: PdfServer) -> None:
    office = server.office_pid()
    assert office is not None
    starts = server.starts

    os.kill(office, signal.SIGKILL)
    # At once: the server may not have noticed yet, and the conversion must cope either way.
    pdf = server.convert(letter("000.8.3.3/0103/DKISP-APTIKA/XII/2026"))

    assert "000.8.3.3/0103/DKISP-APTIKA/XII/2026" in pdf_text(pdf)
    assert server.starts == starts + 1
    assert server.office_pid() not in (None, office)


def test_a_conversion_over_its_limit_kills_the_whole_process_group(server: PdfServer) -> None:
    group, office = server.pgid, server.office_pid()
    assert group is not None
    assert office is not None

    with pytest.raises(PdfTimeout) as slow:
        # No LibreOffice converts a letter in 10 ms: this always runs past the limit.
        server.convert(letter("000.8.3.3/0104/DKISP-APTIKA/XII/2026"), timeout_seconds=0.01)

    assert str(slow.value) == "konversi PDF melebihi batas waktu 0,01 detik"
    with pytest.raises(ProcessLookupError):
        os.killpg(group, 0)  # unoserver, oosplash and soffice.bin: none is left
    assert gone(office)
    assert server.pgid is None
    pdf = server.convert(letter("000.8.3.3/0105/DKISP-APTIKA/XII/2026"))
    assert "000.8.3.3/0105/DKISP-APTIKA/XII/2026" in pdf_text(pdf)


def test_conversions_at_the_same_time_each_get_their_own_letter(server: PdfServer) -> None:
    numbers = [f"000.8.3.3/{n:04d}/DKISP-APTIKA/XII/2026" for n in range(110, 116)]
    documents = [letter(number) for number in numbers]

    with ThreadPoolExecutor(max_workers=3) as pool:
        pdfs = list(pool.map(server.convert, documents))

    for number, pdf in zip(numbers, pdfs, strict=True):
        text = pdf_text(pdf)
        assert number in text
        assert [n for n in numbers if n in text] == [number]

