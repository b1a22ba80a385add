"""What a Surat Tanggapan says, as plain values, and the docxtpl context made from it.

The templates (``templates/surat_tanggapan*.docx``) may use these variables; every text is
already formatted the Indonesian way (:mod:`zoomsvc.formatting`):

- ``kop.pemerintah``, ``kop.nama``: "PEMERINTAH KOTA TARAKAN", "DINAS KOMUNIKASI, …" (capitals);
  ``kop.alamat/telepon/laman/surel/kota`` as configured; ``kop.kontak`` the composed line
  "‹alamat› · Telepon ‹…› · Laman ‹…› · Pos-el ‹…›" (empty parts left out).
- ``lambang``: the emblem image, or ``None`` (set by the renderer).
- ``nomor``, ``sifat``, ``lampiran``, ``hal``: the numbering block.
- ``tempat_tanggal``: "Tarakan, 23 November 2026"; ``tanggal_surat``: "23 November 2026".
- ``tujuan``: the addressee after "Yth." (line breaks allowed).
- ``surat_opd.nomor``, ``surat_opd.tanggal``, ``surat_opd.hal``: the OPD letter answered.
- ``acara``: the topic; ``hari_tanggal``, ``pukul``: "Rabu, 25 November 2026",
  "09.00 – 12.00 WITA" (the requested time, in the agency's zone).
- ``meeting_id`` ("812 3456 7890"), ``passcode``, ``tautan`` (join link).
- ``menit_sebelum``: minutes the room opens early ("15"); ``kontak_teknis``: contact or "".
- ``alternatif``: list of {``hari_tanggal``, ``pukul``} (the "penuh" letter; the shipped
  template loops ``{%p for waktu in alternatif %}``); ``alasan_penuh``: why the time is full.
- ``penandatangan.awalan`` ("", "a.n.", "Plt.", "Plh."), ``.jabatan`` (the office signed for),
  ``.jabatan_pelaksana`` (the signer's own office when signing a.n., else ""), ``.nama``,
  ``.pangkat``, ``.nip`` ("19700101 200001 1 001").
- ``tembusan``: list of copy recipients (looped as ``salinan``).
- ``tte.penerbit``: the certificate issuer when signed electronically; ``tte`` is ``None`` else.
- ``qr``: the QR code image of ``verifikasi``, the verification page's address (or ``None``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from zoomsvc import formatting
from zoomsvc.config.model import AgencySettings

DEFAULT_HAL = "Tanggapan atas Permohonan Fasilitasi Layanan Zoom Meeting"
DEFAULT_FULL_REASON = ("seluruh akun Zoom Meeting yang kami kelola telah terjadwal untuk kegiatan "
                       "lain")
DEFAULT_TTE_ISSUER = "Balai Sertifikasi Elektronik (BSrE)"
SIGNER_PREFIXES = ("", "a.n.", "Plt.", "Plh.")
CONTEXT_KEYS = frozenset({
    "kop", "lambang", "nomor", "sifat", "lampiran", "hal", "tempat_tanggal", "tanggal_surat",
    "tujuan", "surat_opd", "acara", "hari_tanggal", "pukul", "meeting_id", "passcode", "tautan",
    "menit_sebelum", "kontak_teknis", "alternatif", "alasan_penuh", "penandatangan", "tembusan",
    "tte", "qr", "verifikasi",
})
# Characters XML 1.0 cannot carry at all; a pasted form field may still contain them.
_XML_INVALID = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
_SURROGATES = re.compile("[\ud800-\udfff]")


def clean_text(value: str) -> str:
    """User text fit for a letter: line breaks normalised, XML-invalid characters dropped."""
    value = value.replace("\r\n", "\n").replace("\r", "\n")
    return _SURROGATES.sub("", _XML_INVALID.sub("", value)).strip()


@dataclass(frozen=True)
class Letterhead:
    """The kop surat: the lending office as configured (``[agency]``)."""

    government: str
    office: str
    city: str
    address: str = ""
    phone: str = ""
    website: str = ""
    email: str = ""
    emblem_path: str = ""

    @classmethod
    def from_settings(cls, agency: AgencySettings, emblem_path: str = "") -> Letterhead:
        """The letterhead of the configured agency."""
        return cls(agency.government, agency.name, agency.city, agency.address, agency.phone,
                   agency.website, agency.email, emblem_path)


@dataclass(frozen=True)
class Signer:
    """Who signs: ``prefix`` is "a.n.", "Plt." or "Plh." when not the Kadis in person."""

    office: str
    name: str
    pangkat: str
    nip: str
    prefix: str = ""
    own_office: str = ""

    def __post_init__(self) -> None:
        if self.prefix not in SIGNER_PREFIXES:
            raise ValueError(f"signer prefix must be one of {SIGNER_PREFIXES}, not {self.prefix!r}")
        formatting.nip(self.nip)


Slot = tuple[datetime, datetime | None]


@dataclass(frozen=True)
class LetterData:
    """Everything one Surat Tanggapan needs, as plain values (times are aware datetimes)."""

    kop: Letterhead
    number: str
    letter_date: date
    addressee: str
    opd_letter_number: str
    opd_letter_date: date
    opd_letter_subject: str
    topic: str
    start: datetime
    end: datetime | None
    signer: Signer
    timezone: str = "Asia/Makassar"
    zone_label: str = "WITA"
    place: str = ""
    sifat: str = "Biasa"
    lampiran: str = "-"
    hal: str = DEFAULT_HAL
    meeting_id: str = ""
    passcode: str = ""
    join_url: str = ""
    minutes_before: int = 15
    technical_contact: str = ""
    alternatives: tuple[Slot, ...] = ()
    full_reason: str = DEFAULT_FULL_REASON
    tembusan: tuple[str, ...] = ()
    tte_issuer: str = ""
    verification_url: str = ""

    def __post_init__(self) -> None:
        times = [self.start, self.end, *(t for slot in self.alternatives for t in slot)]
        if any(t is not None and t.utcoffset() is None for t in times):
            raise ValueError("letter times must be aware datetimes (stored in UTC)")

    def span(self, start: datetime, end: datetime | None) -> str:
        """A time span in the agency's zone: ``09.00 – 12.00 WITA``."""
        return formatting.time_span(start, end, self.timezone, self.zone_label)


def _contact_line(kop: Letterhead) -> str:
    parts = [clean_text(kop.address)]
    for label, value in (("Telepon", kop.phone), ("Laman", kop.website), ("Pos-el", kop.email)):
        if value.strip():
            parts.append(f"{label} {clean_text(value)}")
    return " · ".join(p for p in parts if p)


def template_context(data: LetterData) -> dict[str, Any]:
    """The docxtpl context of a letter; ``lambang`` and ``qr`` are left for the renderer."""
    kop, signer, t = data.kop, data.signer, clean_text
    place = t(data.place or kop.city)
    return {
        "kop": {
            "pemerintah": t(kop.government).upper(), "nama": t(kop.office).upper(),
            "kota": t(kop.city), "alamat": t(kop.address), "telepon": t(kop.phone),
            "laman": t(kop.website), "surel": t(kop.email), "kontak": _contact_line(kop),
        },
        "lambang": None,
        "nomor": t(data.number),
        "sifat": t(data.sifat),
        "lampiran": t(data.lampiran) or "-",
        "hal": t(data.hal),
        "tempat_tanggal": f"{place}, {formatting.long_date(data.letter_date)}",
        "tanggal_surat": formatting.long_date(data.letter_date),
        "tujuan": t(data.addressee),
        "surat_opd": {"nomor": t(data.opd_letter_number),
                      "tanggal": formatting.long_date(data.opd_letter_date),
                      "hal": t(data.opd_letter_subject)},
        "acara": t(data.topic),
        "hari_tanggal": formatting.day_date(data.start, data.timezone),
        "pukul": data.span(data.start, data.end),
        "meeting_id": formatting.meeting_id(data.meeting_id) if data.meeting_id else "",
        "passcode": t(data.passcode),
        "tautan": t(data.join_url),
        "menit_sebelum": str(data.minutes_before),
        "kontak_teknis": t(data.technical_contact),
        "alternatif": [{"hari_tanggal": formatting.day_date(start, data.timezone),
                        "pukul": data.span(start, end)} for start, end in data.alternatives],
        "alasan_penuh": t(data.full_reason),
        "penandatangan": {
            "awalan": signer.prefix, "jabatan": t(signer.office),
            "jabatan_pelaksana": t(signer.own_office), "nama": t(signer.name),
            "pangkat": t(signer.pangkat), "nip": formatting.nip(signer.nip),
        },
        "tembusan": [t(item) for item in data.tembusan if item.strip()],
        "tte": {"penerbit": t(data.tte_issuer)} if data.tte_issuer.strip() else None,
        "qr": None,
        "verifikasi": t(data.verification_url),
    }
