"""DOCX → PDF the way ``[letters] pdf_converter`` says: through the LibreOffice that stays
running (``server``), by a LibreOffice started per letter (``oneshot``), or the first with the
second as fallback (``auto``).

The server is either one this process starts on its first PDF and supervises
(:class:`~zoomsvc.letters.pdfserver.PdfServer`), or, with ``[letters] pdf_server`` set, the one
``deploy/zoomsvc-pdf.service`` runs (systemd restarts it). One converter per configuration per
process (:func:`converter_for`); servers this process started are stopped when it exits.
"""

from __future__ import annotations

import atexit
import logging
import os
import threading
import time
from dataclasses import replace

from zoomsvc.config import LetterSettings
from zoomsvc.letters.pdf import ServerUnavailable, find_soffice, oneshot_pdf, require_soffice
from zoomsvc.letters.pdfrpc import rpc_convert
from zoomsvc.letters.pdfserver import PdfServer, uno_python

MODES = ("auto", "server", "oneshot")
RETRY_SECONDS = 300.0  # after a failed start, "auto" converts one-shot for this long
log = logging.getLogger("zoomsvc.letters.converter")


class PdfConverter:
    """Converts letters to PDF by the configured path; safe to share between threads."""

    def __init__(self, mode: str = "auto", timeout_seconds: float = 120,
                 server_address: str = "") -> None:
        if mode not in MODES:
            raise ValueError(f"mode must be one of {MODES}, not {mode!r}")
        self.mode = mode
        self.timeout_seconds = timeout_seconds
        self.server_address = server_address
        self.last_path = ""  # "server" or "oneshot": which path made the last PDF
        self._server: PdfServer | None = None
        self._failed_at: float | None = None
        self._lock = threading.Lock()

    @property
    def server(self) -> PdfServer | None:
        """The server this converter started, if it did."""
        return self._server

    def available(self) -> bool:
        """Whether a PDF can be attempted at all (LibreOffice here, or a converter service)."""
        return (self.mode != "oneshot" and bool(self.server_address)) or (
            find_soffice() is not None)

    def convert(self, docx: bytes) -> bytes:
        """The PDF of ``docx``; PdfUnavailable (in Indonesian) when it cannot be made."""
        if self.mode != "oneshot":
            try:
                pdf = self._through_server(docx)
            except ServerUnavailable as exc:
                if self.mode == "server":
                    raise
                self._failed_at = time.monotonic()
                log.warning("PDF converter unavailable, converting one-shot: %s", exc)
            else:
                self.last_path = "server"
                return pdf
        pdf = oneshot_pdf(docx, self.timeout_seconds)
        self.last_path = "oneshot"
        return pdf

    def stop(self) -> None:
        """Stop the server this converter started (a later PDF starts it again)."""
        with self._lock:
            server, self._server = self._server, None
        if server is not None:
            server.stop()

    def _through_server(self, docx: bytes) -> bytes:
        if self.server_address:
            return rpc_convert(self.server_address, docx, self.timeout_seconds)
        if (self.mode == "auto" and self._failed_at is not None
                and time.monotonic() - self._failed_at < RETRY_SECONDS):
            raise ServerUnavailable("konverter PDF baru saja gagal dijalankan")
        return self._own_server().convert(docx)

    def _own_server(self) -> PdfServer:
        with self._lock:
            if self._server is None:
                soffice = require_soffice()
                python = uno_python(soffice)
                if python is None:
                    raise ServerUnavailable(
                        "konverter PDF tidak dapat dijalankan: Python dengan modul uno (paket "
                        "python3-uno) atau paket unoserver tidak ditemukan")
                self._server = PdfServer(soffice, python, self.timeout_seconds)
            return self._server


_converters: dict[tuple[str, float, str], PdfConverter] = {}
_converters_lock = threading.Lock()


def converter_for(settings: LetterSettings) -> PdfConverter:
    """The process's converter for these settings (one server per configuration)."""
    key = (settings.pdf_converter, float(settings.pdf_timeout_seconds), settings.pdf_server)
    with _converters_lock:
        if key not in _converters:
            _converters[key] = PdfConverter(*key)
        return _converters[key]


def docx_to_pdf(docx: bytes, settings: LetterSettings, *, once: bool = False) -> bytes:
    """The PDF of a letter, converted as the settings say.

    ``once``: the process converts this one letter and exits (a command): unless a converter
    service is configured or the server is required, one LibreOffice started for it is quicker
    than starting a server for a single letter.
    """
    if once and settings.pdf_converter == "auto" and not settings.pdf_server:
        settings = replace(settings, pdf_converter="oneshot")
    return converter_for(settings).convert(docx)


def stop_all() -> None:
    """Stop every server this process started."""
    with _converters_lock:
        converters = list(_converters.values())
    for converter in converters:
        converter.stop()


atexit.register(stop_all)
# A forked worker (gunicorn) starts servers of its own and must never stop its parent's.
os.register_at_fork(after_in_child=_converters.clear)
