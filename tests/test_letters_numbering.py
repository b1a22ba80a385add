"""Letter numbers (``zoomsvc.letters.numbering``): the configured template, and one yearly
sequence that several processes share without gaps or repeats."""

from __future__ import annotations

import multiprocessing
from datetime import date
from typing import Any

import pytest

from zoomsvc.config import ConfigError, LetterSettings
from zoomsvc.config.sections import build_letters
from zoomsvc.letters.numbering import format_number, mint_number
from zoomsvc.store import Database

WORKERS, EACH = 8, 25


@pytest.mark.parametrize(("template", "sequence", "day", "expected"), [
    ("{klasifikasi}/{urut:04d}/{unit}/{bulan_romawi}/{tahun}", 123, date(2026, 11, 23),
     "000.8.3.3/0123/DKISP-APTIKA/XI/2026"),
    ("{klasifikasi}/{urut:04d}/{unit}/{bulan_romawi}/{tahun}", 7, date(2027, 1, 4),
     "000.8.3.3/0007/DKISP-APTIKA/I/2027"),
    ("{klasifikasi}/{urut:04d}/{unit}/{bulan_romawi}/{tahun}", 12345, date(2026, 4, 1),
     "000.8.3.3/12345/DKISP-APTIKA/IV/2026"),
    ("{urut}/{unit}/{bulan:02d}.{tahun}", 9, date(2026, 3, 2), "9/DKISP-APTIKA/03.2026"),
    ("B-{urut:03d}/{klasifikasi}/{bulan}/{tahun}", 42, date(2026, 12, 31),
     "B-042/000.8.3.3/12/2026"),
    ("{tahun}-{urut}", 1, date(2026, 9, 9), "2026-1"),
], ids=["default", "january", "sequence-wider-than-padding", "custom-bulan", "custom-prefix",
        "year-first"])
def test_a_number_follows_the_configured_template(template: str, sequence: int, day: date,
                                                  expected: str) -> None:
    assert format_number(LetterSettings(number_template=template), sequence, day) == expected


def test_classification_and_unit_come_from_the_settings() -> None:
    settings = LetterSettings(klasifikasi="400.14.5.4", unit="DISKOMINFO")
    assert format_number(settings, 5, date(2026, 8, 17)) == "400.14.5.4/0005/DISKOMINFO/VIII/2026"


@pytest.mark.parametrize(("template", "says"), [
    ("{klasifikasi}/{unit}/{tahun}", "{urut}"),
    ("{urut}/{nomor_agenda}", "nomor_agenda"),
])
def test_an_unusable_template_is_refused_when_the_configuration_is_read(template: str,
                                                                        says: str) -> None:
    with pytest.raises(ConfigError) as refused:
        build_letters({"number_template": template})
    assert "letters.number_template" in str(refused.value)
    assert says in str(refused.value)


def test_numbers_of_one_process_count_up_per_year(db: Database) -> None:
    settings = LetterSettings()
    with db.serialized_write() as session:
        minted = [mint_number(session, settings, date(2026, 11, 23)) for _ in range(3)]
        next_year = mint_number(session, settings, date(2027, 1, 2))
    assert minted == [(n, f"000.8.3.3/{n:04d}/DKISP-APTIKA/XI/2026") for n in (1, 2, 3)]
    assert next_year == (1, "000.8.3.3/0001/DKISP-APTIKA/I/2027")


def mint_in_process(url: str, start: Any, out: Any) -> None:
    """Worker: wait for the others, then take EACH numbers, one allocation per number."""
    database = Database(url)
    try:
        start.wait(timeout=60)
        settings = LetterSettings()
        for _ in range(EACH):
            with database.serialized_write() as session:
                out.put(mint_number(session, settings, date(2026, 11, 23)))
    finally:
        database.dispose()


def test_eight_processes_minting_together_get_consecutive_unique_numbers(
        db: Database, db_url: str) -> None:
    # fork starts in milliseconds; the parent's pooled connections are closed first so that no
    # child inherits an open SQLite file. spawn where fork does not exist.
    db.dispose()
    methods = multiprocessing.get_all_start_methods()
    context = multiprocessing.get_context("fork" if "fork" in methods else "spawn")
    start, out = context.Barrier(WORKERS), context.Queue()
    workers = [context.Process(target=mint_in_process, args=(db_url, start, out))
               for _ in range(WORKERS)]
    for worker in workers:
        worker.start()
    minted = [out.get(timeout=120) for _ in range(WORKERS * EACH)]
    for worker in workers:
        worker.join(timeout=60)
    assert [worker.exitcode for worker in workers] == [0] * WORKERS

    sequences = sorted(sequence for sequence, _ in minted)
    assert sequences == list(range(1, WORKERS * EACH + 1))
    texts = {text for _, text in minted}
    assert len(texts) == WORKERS * EACH
    assert "000.8.3.3/0200/DKISP-APTIKA/XI/2026" in texts
    with db.serialized_write() as session:  # the sequence goes on from there
        assert mint_number(session, LetterSettings(), date(2026, 12, 1))[0] == 201
