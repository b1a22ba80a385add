"""The letters area's shared fixture: one LibreOffice kept running (unoserver) for every PDF test
of the run that does not test the one-shot path itself. Starting one takes seconds; converting a
letter through it takes a fraction of one. Loaded for every test module by ``tests/conftest.py``.

The tests that use it share one pytest-xdist worker (``xdist_group("libreoffice")``), so the
suite starts one server, not one per worker.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from zoomsvc.letters.pdf import find_soffice
from zoomsvc.letters.pdfserver import PdfServer, uno_python

LIBREOFFICE_GROUP = pytest.mark.xdist_group("libreoffice")


@pytest.fixture(scope="session")
def pdf_server() -> Iterator[PdfServer]:
    """A started :class:`PdfServer`; a test that kills it leaves the next conversion to start it
    again (which the server does by design). Skips when LibreOffice or its UNO bindings are
    missing."""
    soffice = find_soffice()
    python = uno_python(soffice) if soffice else None
    if soffice is None or python is None:
        pytest.skip("LibreOffice with its Python UNO bindings and unoserver is needed: "
                    "apt-get install libreoffice-writer-nogui python3-uno")
    server = PdfServer(soffice, python, timeout_seconds=120)
    server.start()
    yield server
    server.stop()
