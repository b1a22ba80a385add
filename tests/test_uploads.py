"""``zoomsvc.uploads.check_pdf`` as a pure function: every kind of refused upload, the limit's
edge and the field it names. The web and letter tests keep one case each for the wiring."""

from __future__ import annotations

import pytest
from web_support import minimal_pdf

from zoomsvc.uploads import UploadRefused, check_pdf

MB = 1024 * 1024
PDF = minimal_pdf()
PNG_HEADER = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR"


def sized_pdf(size: int) -> bytes:
    """A whole PDF of exactly ``size`` bytes (spaces before the end marker)."""
    return PDF[:-7] + b" " * (size - len(PDF)) + PDF[-7:]


def test_a_whole_pdf_within_the_limit_passes() -> None:
    check_pdf(PDF, max_mb=1)


def test_a_pdf_of_exactly_the_limit_passes_and_one_byte_more_is_refused() -> None:
    check_pdf(sized_pdf(MB), max_mb=1)
    with pytest.raises(UploadRefused, match=r"1\.0 MB melebihi batas 1 MB"):
        check_pdf(sized_pdf(MB + 1), max_mb=1)


@pytest.mark.parametrize(("content", "says"), [
    pytest.param(b"", "berkas kosong", id="empty"),
    pytest.param(b"<!doctype html><html><body>bukan PDF</body></html>", "bukan PDF",
                 id="html-named-pdf"),
    pytest.param(b"<html>%PDF-1.4 tersisip</html>\n%%EOF", "bukan PDF", id="pdf-header-inside"),
    pytest.param(PNG_HEADER + b"\x00" * 64, "bukan PDF", id="image"),
    pytest.param(b"PK\x03\x04 bukan pdf" * 10, "bukan PDF", id="zip"),
    pytest.param(PDF[: len(PDF) // 2], "bukan PDF", id="cut-short"),
    pytest.param(PDF + b"x" * 4096, "bukan PDF", id="end-marker-not-at-the-end"),
])
def test_what_is_not_a_whole_pdf_is_refused_with_its_reason(content: bytes, says: str) -> None:
    with pytest.raises(UploadRefused, match=says):
        check_pdf(content, max_mb=10)


def test_the_refusal_names_the_form_field() -> None:
    with pytest.raises(UploadRefused) as caught:
        check_pdf(b"", max_mb=10, field="scan")
    assert caught.value.field == "scan"
    assert "\n" not in str(caught.value)
