"""Checking uploaded files: only whole PDFs, never larger than the configured limit."""

from __future__ import annotations

PDF_MAGIC = b"%PDF-"


class UploadRefused(ValueError):
    """The upload is not acceptable; ``field`` names the form field."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field


def check_pdf(content: bytes, max_mb: int, field: str = "file") -> None:
    """Refuse what is empty, too large, or not a complete PDF (header and end marker)."""
    if not content:
        raise UploadRefused(field, "berkas kosong")
    if len(content) > max_mb * 1024 * 1024:
        raise UploadRefused(field, f"berkas {len(content) / 1048576:.1f} MB melebihi batas "
                            f"{max_mb} MB")
    # A renamed HTML page or image is refused here; a PDF cut short in transfer lacks %%EOF.
    if not content.startswith(PDF_MAGIC) or b"%%EOF" not in content[-2048:]:
        raise UploadRefused(field, "berkas bukan PDF yang utuh (hanya PDF yang diterima)")
