"""A complete, clearly fictional letter: the template check's trial render, tests and bench."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from typing import Any

from zoomsvc.letters.context import DEFAULT_TTE_ISSUER, LetterData, Letterhead, Signer

# 09.00–12.00 WITA on Wednesday 25 November 2026, stored in UTC as the service does.
SAMPLE_START = datetime(2026, 11, 25, 1, 0, tzinfo=UTC)


def sample_letter(**changes: Any) -> LetterData:
    """A scheduled-meeting letter with every part filled; ``changes`` replace fields."""
    letter = LetterData(
        kop=Letterhead(
            government="Pemerintah Kota Tarakan",
            office="Dinas Komunikasi, Informatika, Statistik dan Persandian",
            city="Tarakan",
            address="Jalan Contoh Nomor 1, Tarakan 77111",
            phone="(0551) 000000",
            website="contoh.tarakankota.go.id",
            email="kominfo@contoh.go.id",
        ),
        number="000.8.3.3/0123/DKISP-APTIKA/XI/2026",
        letter_date=date(2026, 11, 23),
        addressee="Kepala Dinas Kesehatan Kota Tarakan",
        opd_letter_number="440/101/DINKES/2026",
        opd_letter_date=date(2026, 11, 20),
        opd_letter_subject="Permohonan Fasilitasi Zoom Meeting",
        topic="Rapat Koordinasi Percepatan Penurunan Stunting",
        start=SAMPLE_START,
        end=SAMPLE_START + timedelta(hours=3),
        meeting_id="81234567890",
        passcode="a1B2c3",
        join_url="https://us06web.zoom.us/j/81234567890?pwd=Q29udG9oUGFzc2NvZGU",
        technical_contact="Budi Contoh, 0811-0000-0000",
        signer=Signer(
            office="Kepala Dinas Komunikasi, Informatika, Statistik dan Persandian",
            name="NAMA CONTOH, S.Kom., M.Si.",
            pangkat="Pembina Utama Muda (IV/c)",
            nip="197001012000011001",
        ),
        tembusan=("Wali Kota Tarakan (sebagai laporan)",
                  "Kepala Bidang Aplikasi dan Informatika"),
        tte_issuer=DEFAULT_TTE_ISSUER,
        verification_url="https://zoom.contoh.go.id/verifikasi/3f9c2a7b",
    )
    return replace(letter, **changes)


def sample_full_letter(**changes: Any) -> LetterData:
    """The "penuh" variant of :func:`sample_letter`: no meeting, three alternatives."""
    day = timedelta(days=1)
    alternatives = (
        (SAMPLE_START + timedelta(hours=4), SAMPLE_START + timedelta(hours=7)),
        (SAMPLE_START + day, SAMPLE_START + day + timedelta(hours=3)),
        (SAMPLE_START + 2 * day - timedelta(hours=1), SAMPLE_START + 2 * day + timedelta(hours=2)),
    )
    fields: dict[str, Any] = {"meeting_id": "", "passcode": "", "join_url": "",
                              "alternatives": alternatives}
    return sample_letter(**(fields | changes))
