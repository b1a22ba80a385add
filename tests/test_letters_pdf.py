"""DOCX → PDF by a one-shot LibreOffice headless (``zoomsvc.letters.pdf``), when it is installed.

The converter that stays running is tested in ``test_letters_pdfserver.py``.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from zoomsvc.letters import converter as converter_module
from zoomsvc.letters.converter import PdfConverter
from zoomsvc.letters.pdf import PdfUnavailable, find_soffice, oneshot_pdf
from zoomsvc.letters.render import TEMPLATE_SCHEDULED, LetterRenderer, packaged_template
from zoomsvc.letters.sample import sample_letter

needs_soffice = pytest.mark.skipif(
    find_soffice() is None,
    reason="LibreOffice (soffice) is not installed: apt-get install libreoffice-writer-nogui")


@pytest.fixture(scope="module")
def letter_docx() -> bytes:
    return LetterRenderer(packaged_template(TEMPLATE_SCHEDULED)).render(sample_letter())


@needs_soffice
def test_a_rendered_letter_converts_to_a_pdf(letter_docx: bytes) -> None:
    pdf = oneshot_pdf(letter_docx, timeout_seconds=180)

    assert pdf.startswith(b"%PDF")
    assert b"%%EOF" in pdf[-1024:]
    if shutil.which("pdftotext") is None:
        return  # the text check needs poppler-utils; the PDF itself was checked above
    text = subprocess.run(["pdftotext", "-layout", "-", "-"], input=pdf, capture_output=True,
                          timeout=60, check=True).stdout.decode()
    assert sample_letter().number in text
    assert "812 3456 7890" in text
    assert "09.00 – 12.00 WITA" in text


def test_without_libreoffice_on_path_the_error_says_so_in_indonesian(
        monkeypatch: pytest.MonkeyPatch, tmp_path: Path, letter_docx: bytes) -> None:
    monkeypatch.setenv("PATH", str(tmp_path))  # an empty folder: no soffice, no libreoffice

    assert find_soffice() is None
    with pytest.raises(PdfUnavailable) as unavailable:
        oneshot_pdf(letter_docx)

    message = str(unavailable.value)
    assert "LibreOffice tidak terpasang" in message
    assert "libreoffice-writer-nogui" in message
    assert "unduh DOCX" in message


def test_when_which_finds_nothing_no_process_is_started(
        monkeypatch: pytest.MonkeyPatch, letter_docx: bytes) -> None:
    monkeypatch.setattr(shutil, "which", lambda *_args, **_kwargs: None)

    def no_run(*_args: object, **_kwargs: object) -> None:
        raise AssertionError("no process may be started without LibreOffice")

    monkeypatch.setattr(subprocess, "run", no_run)
    with pytest.raises(PdfUnavailable, match="tidak terpasang"):
        oneshot_pdf(letter_docx)


@needs_soffice
def test_a_conversion_over_its_time_limit_is_stopped_and_says_the_limit(
        letter_docx: bytes) -> None:
    with pytest.raises(PdfUnavailable) as slow:
        oneshot_pdf(letter_docx, timeout_seconds=0.2)
    assert str(slow.value) == "konversi PDF melebihi batas waktu 0,2 detik"


@needs_soffice
def test_without_uno_bindings_auto_still_makes_the_pdf_one_shot(
        monkeypatch: pytest.MonkeyPatch, letter_docx: bytes) -> None:
    monkeypatch.setattr(converter_module, "uno_python", lambda _soffice: None)
    converter = PdfConverter("auto", 180)

    pdf = converter.convert(letter_docx)

    assert pdf.startswith(b"%PDF")
    assert converter.last_path == "oneshot"
    assert converter.server is None
