"""DOCX → PDF by a one-shot LibreOffice headless, when it is installed; the errors of every
PDF conversion.

The one-shot path starts LibreOffice for each letter (seconds): the fallback when the converter
that stays running (``pdfserver``) cannot be used. Each conversion gets its own throw-away
LibreOffice profile (two conversions sharing one profile block each other or fail), runs in a
temporary folder and is killed, with its whole process group, after a timeout.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import subprocess
import tempfile
from pathlib import Path

CANDIDATES = ("soffice", "libreoffice")


class PdfUnavailable(RuntimeError):
    """LibreOffice is not installed, or the conversion failed or took too long."""


class PdfTimeout(PdfUnavailable):
    """The conversion ran past its time limit (and was stopped)."""

    def __init__(self, timeout_seconds: float) -> None:
        super().__init__(f"konversi PDF melebihi batas waktu {seconds(timeout_seconds)} detik")


class ServerUnavailable(PdfUnavailable):
    """The converter that stays running could not be started or reached."""


def seconds(value: float) -> str:
    """Seconds as Indonesian write them: 0.5 is "0,5", never "0"."""
    return f"{value:g}".replace(".", ",")


def find_soffice() -> str | None:
    """The LibreOffice executable on PATH, or None."""
    for name in CANDIDATES:
        found = shutil.which(name)
        if found:
            return found
    return None


def require_soffice() -> str:
    """The LibreOffice executable; PdfUnavailable, saying what to install, when there is none."""
    soffice = find_soffice()
    if soffice is None:
        raise PdfUnavailable("LibreOffice tidak terpasang di server ini, sehingga PDF tidak "
                             "dapat dibuat; unduh DOCX, atau pasang paket "
                             "libreoffice-writer-nogui")
    return soffice


def oneshot_pdf(docx: bytes, timeout_seconds: float = 120) -> bytes:
    """The PDF of a DOCX document, converted by a LibreOffice started for it alone."""
    soffice = require_soffice()
    with tempfile.TemporaryDirectory(prefix="zoomsvc-pdf-") as work:
        folder = Path(work)
        source = folder / "surat.docx"
        source.write_bytes(docx)
        profile = (folder / "profile").as_uri()
        command = [soffice, f"-env:UserInstallation={profile}", "--headless", "--norestore",
                   "--convert-to", "pdf", "--outdir", str(folder), str(source)]
        # soffice is a wrapper that starts soffice.bin: in a session of its own, a timeout can
        # kill both, and the folder is only removed once nothing writes into it any more.
        process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE,  # noqa: S603 - fixed argv
                                   cwd=folder, start_new_session=True)
        try:
            _, stderr = process.communicate(timeout=timeout_seconds)
        except subprocess.TimeoutExpired as exc:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGKILL)
            process.communicate()  # the pipes close when every process of the group is gone
            raise PdfTimeout(timeout_seconds) from exc
        target = folder / "surat.pdf"
        if process.returncode != 0 or not target.is_file():
            detail = stderr.decode(errors="replace").strip().splitlines()[-1:] or ["-"]
            raise PdfUnavailable(f"LibreOffice gagal mengonversi surat: {detail[0]}")
        return target.read_bytes()
