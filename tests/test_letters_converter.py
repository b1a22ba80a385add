"""Choosing how a letter becomes PDF (``zoomsvc.letters.converter``): the running server, the
one-shot LibreOffice, and the fallback from one to the other.

The two conversion paths are replaced by recorders here, so these tests need no LibreOffice;
the real conversions are tested in ``test_letters_pdf.py`` and ``test_letters_pdfserver.py``.
"""

from __future__ import annotations

import socket
import tempfile
from dataclasses import replace
from pathlib import Path

import pytest

from zoomsvc.config import LetterSettings
from zoomsvc.letters import converter as converter_module
from zoomsvc.letters.converter import PdfConverter, converter_for, docx_to_pdf
from zoomsvc.letters.pdf import ServerUnavailable
from zoomsvc.letters.pdfserver import PdfServer

DOCX = b"PK-not-really-a-docx"


class Recorder:
    """Stands in for one conversion path and remembers what it was given."""

    def __init__(self, answer: bytes) -> None:
        self.answer = answer
        self.calls: list[bytes] = []

    def __call__(self, docx: bytes, *_args: object) -> bytes:
        self.calls.append(docx)
        return self.answer


@pytest.fixture
def oneshot(monkeypatch: pytest.MonkeyPatch) -> Recorder:
    recorder = Recorder(b"%PDF-oneshot")
    monkeypatch.setattr(converter_module, "oneshot_pdf", recorder)
    monkeypatch.setattr(converter_module, "require_soffice", lambda: "/usr/bin/soffice")
    return recorder


@pytest.fixture
def no_uno(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """No Python with LibreOffice's uno module on this machine; counts the look-ups."""
    asked: list[str] = []

    def uno_python(soffice: str) -> None:
        asked.append(soffice)

    monkeypatch.setattr(converter_module, "uno_python", uno_python)
    return asked


def closed_port() -> int:
    """A port on 127.0.0.1 where nothing listens."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def test_auto_falls_back_to_one_shot_when_the_server_cannot_run(
        oneshot: Recorder, no_uno: list[str]) -> None:
    converter = PdfConverter("auto", 30)

    assert converter.convert(DOCX) == b"%PDF-oneshot"
    assert converter.last_path == "oneshot"
    assert oneshot.calls == [DOCX]
    assert no_uno == ["/usr/bin/soffice"]


def test_auto_does_not_try_the_failed_server_again_for_every_letter(
        oneshot: Recorder, no_uno: list[str]) -> None:
    converter = PdfConverter("auto", 30)

    converter.convert(DOCX)
    converter.convert(DOCX)

    assert len(oneshot.calls) == 2
    assert len(no_uno) == 1


def test_server_mode_refuses_instead_of_falling_back(oneshot: Recorder,
                                                     no_uno: list[str]) -> None:
    converter = PdfConverter("server", 30)

    with pytest.raises(ServerUnavailable, match="python3-uno"):
        converter.convert(DOCX)
    assert oneshot.calls == []


def test_oneshot_mode_never_asks_for_a_server(oneshot: Recorder, no_uno: list[str]) -> None:
    converter = PdfConverter("oneshot", 30)

    assert converter.convert(DOCX) == b"%PDF-oneshot"
    assert no_uno == []


def test_a_configured_converter_service_that_is_down_falls_back_in_auto(
        oneshot: Recorder, no_uno: list[str]) -> None:
    address = f"127.0.0.1:{closed_port()}"

    assert PdfConverter("auto", 30, address).convert(DOCX) == b"%PDF-oneshot"
    with pytest.raises(ServerUnavailable) as down:
        PdfConverter("server", 30, address).convert(DOCX)
    assert str(down.value).startswith(f"konverter PDF di {address} tidak menjawab")
    assert no_uno == []  # a configured service is never replaced by a server of our own


def test_the_server_path_is_used_when_it_works(oneshot: Recorder,
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    served = Recorder(b"%PDF-server")
    monkeypatch.setattr(converter_module, "rpc_convert", served)

    converter = PdfConverter("auto", 30, "127.0.0.1:2003")

    assert converter.convert(DOCX) == b"%PDF-server"
    assert converter.last_path == "server"
    assert oneshot.calls == []


def test_a_converter_service_counts_as_available_without_local_libreoffice(
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(converter_module, "find_soffice", lambda: None)

    assert PdfConverter("auto", 30, "127.0.0.1:2003").available()
    assert not PdfConverter("auto", 30).available()
    assert not PdfConverter("oneshot", 30, "127.0.0.1:2003").available()


def test_one_converter_per_configuration() -> None:
    settings = LetterSettings()

    assert converter_for(settings) is converter_for(replace(settings))
    other = converter_for(replace(settings, pdf_converter="oneshot"))
    assert other is not converter_for(settings)
    assert other.mode == "oneshot"


def test_a_server_that_cannot_start_is_reported_and_leaves_nothing_behind(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    broken = tmp_path / "python"
    broken.write_text("#!/bin/sh\necho 'uno: modul tidak ada' >&2\nexit 3\n")
    broken.chmod(0o755)
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))  # where its work folder goes
    failing = PdfServer("/usr/bin/soffice", str(broken), timeout_seconds=30)

    with pytest.raises(ServerUnavailable) as failed:
        failing.convert(DOCX)

    assert str(failed.value) == ("konverter PDF (LibreOffice) tidak dapat dijalankan: "
                                 "uno: modul tidak ada")
    assert failing.pgid is None
    assert list(tmp_path.glob("zoomsvc-pdfserver-*")) == []


def test_a_command_converting_one_letter_goes_one_shot_in_auto(
        oneshot: Recorder, no_uno: list[str]) -> None:
    assert docx_to_pdf(DOCX, LetterSettings(), once=True) == b"%PDF-oneshot"
    assert no_uno == []  # no server was even looked for


def test_a_command_still_uses_a_configured_converter_service(
        oneshot: Recorder, monkeypatch: pytest.MonkeyPatch) -> None:
    served = Recorder(b"%PDF-server")
    monkeypatch.setattr(converter_module, "rpc_convert", served)
    settings = LetterSettings(pdf_server="127.0.0.1:2003")

    assert docx_to_pdf(DOCX, settings, once=True) == b"%PDF-server"
    assert oneshot.calls == []


def test_a_server_python_that_cannot_be_executed_is_reported(tmp_path: Path) -> None:
    failing = PdfServer("/usr/bin/soffice", str(tmp_path / "no-such-python"), timeout_seconds=30)

    with pytest.raises(ServerUnavailable, match="tidak dapat dijalankan"):
        failing.convert(DOCX)
    assert failing.pgid is None
