"""The letters area's shared fixtures: the letter service and the intake (provisioning followed
by the draft letter) over the test's configuration, and one LibreOffice kept running (unoserver)
for every PDF test of the run that does not test the one-shot path itself. Starting one takes
seconds; converting a letter through it takes a fraction of one. Loaded for every test module by
``tests/conftest.py``.

The tests that use it share one pytest-xdist worker (``xdist_group("libreoffice")``), so the
suite starts one server, not one per worker.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import datetime

import pytest

from zoomsvc.config import Config
from zoomsvc.intake import Intake
from zoomsvc.letters.pdf import find_soffice
from zoomsvc.letters.pdfserver import PdfServer, uno_python
from zoomsvc.letters.service import LetterService
from zoomsvc.provisioning import Provisioner
from zoomsvc.store import Database

LIBREOFFICE_GROUP = pytest.mark.xdist_group("libreoffice")


@pytest.fixture
def letters(config: Config, db: Database, clock: Callable[[], datetime]) -> LetterService:
    """The letter service over the test's configuration, database and clock."""
    return LetterService(config, db, clock)


@pytest.fixture
def intake(provisioner: Provisioner, letters: LetterService) -> Intake:
    """Provisioning followed by the draft letter, as the CLI and the web run it."""
    return Intake(provisioner, letters)


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
