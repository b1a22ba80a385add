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
- ``meeting_id`` ("812 3456 7890"), ``passcode``, ``tautan`` (join link, text);
  ``tautan_pranala``: the same link as a clickable hyperlink, used as ``{{r tautan_pranala }}``
  (set by the renderer; empty without a link).
- ``menit_sebelum``: minutes the room opens early ("15"); ``kontak_teknis``: contact or "".
- ``alternatif``: list of {``hari_tanggal``, ``pukul``} (the "penuh" letter; the shipped
  template loops ``{%p for waktu in alternatif %}``); ``alasan_penuh``: why the time is full.
- ``penandatangan.awalan`` ("", "a.n.", "Plt.", "Plh."), ``.jabatan`` (the office signed for),
  ``.jabatan_pelaksana`` (the signer's own office when signing a.n., else ""), ``.nama``,
  ``.pangkat``, ``.nip`` ("19700101 200001 1 001").
- ``tembusan``: list of copy recipients (looped as ``salinan``).
- ``draf``: true in a draft (the template prints a "DRAF" marking), false in the letter of
  record (the version the Kadis signs).
- ``tte.penerbit``: the certificate issuer, only in the letter of record of an electronically
  signed letter (signing mode "tte"); ``tte`` is ``None`` in drafts and for wet-ink signatures.
- ``qr``: the QR code image of ``verifikasi``, the verification page's address (or ``None``);
  both only in the letter of record.
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
# The whole phrase: the template prints it as it is ("… diterbitkan oleh {{ tte.penerbit }}.").
DEFAULT_TTE_ISSUER = "Balai Sertifikasi Elektronik (BSrE), Badan Siber dan Sandi Negara"
SIGNER_PREFIXES = ("", "a.n.", "Plt.", "Plh.")
CONTEXT_KEYS = frozenset({
    "kop", "lambang", "nomor", "sifat", "lampiran", "hal", "tempat_tanggal", "tanggal_surat",
    "tujuan", "surat_opd", "acara", "hari_tanggal", "pukul", "meeting_id", "passcode", "tautan",
    "tautan_pranala", "menit_sebelum", "kontak_teknis", "alternatif", "alasan_penuh",
    "penandatangan", "tembusan", "draf", "tte", "qr", "verifikasi",
})
# Characters XML 1.0 cannot carry at all; a pasted form field may still contain them.
_XML_INVALID = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
_SURROGATES = re.compile("[\ud800-\udfff]")
NBSP = "\u00a0"


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
    # A draft carries the "DRAF" marking; the letter of record (draft=False) is what is signed,
    # and only it prints the TTE statement, and only when the signature is electronic.
    draft: bool = True
    electronic_signature: bool = True

    def __post_init__(self) -> None:
        times = [self.start, self.end, *(t for slot in self.alternatives for t in slot)]
        if any(t is not None and t.utcoffset() is None for t in times):
            raise ValueError("letter times must be aware datetimes (stored in UTC)")

    def span(self, start: datetime, end: datetime | None) -> str:
        """A time span in the agency's zone: ``09.00 – 12.00 WITA``."""
        return formatting.time_span(start, end, self.timezone, self.zone_label)


def unbreakable(text: str) -> str:
    """``text`` that never wraps at its spaces (they become no-break spaces; hyphens stay
    plain, so a copied number or address still matches the original)."""
    return text.replace(" ", NBSP)


def _contact_line(kop: Letterhead) -> str:
    # Each part stays whole (a label with its value, "(0551) 000000" in one piece), so the line
    # can wrap only between parts; the separator keeps to the part before it.
    parts = [clean_text(kop.address)]
    # "Pos‑el" with a no-break hyphen: the label never splits from itself or its address.
    for label, value in (("Telepon", kop.phone), ("Laman", kop.website),
                         ("Pos\u2011el", kop.email)):
        if value.strip():
            parts.append(unbreakable(f"{label} {clean_text(value)}"))
    return f"{NBSP}· ".join(p for p in parts if p)


def template_context(data: LetterData) -> dict[str, Any]:
    """The docxtpl context of a letter; ``lambang`` and ``qr`` are left for the renderer."""
    kop, signer, t = data.kop, data.signer, clean_text
    place = t(data.place or kop.city)
    record = not data.draft
    electronic = record and data.electronic_signature and bool(data.tte_issuer.strip())
    day = unbreakable(formatting.long_date(data.letter_date))
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
        "tempat_tanggal": f"{place}, {day}",
        "tanggal_surat": day,
        "tujuan": t(data.addressee),
        "surat_opd": {"nomor": unbreakable(t(data.opd_letter_number)),
                      "tanggal": unbreakable(formatting.long_date(data.opd_letter_date)),
                      "hal": t(data.opd_letter_subject)},
        "acara": t(data.topic),
        "hari_tanggal": _day(data.start, data.timezone),
        "pukul": unbreakable(data.span(data.start, data.end)),
        "meeting_id": formatting.meeting_id(data.meeting_id) if data.meeting_id else "",
        "passcode": t(data.passcode),
        "tautan": t(data.join_url),
        "tautan_pranala": "",  # the renderer puts the hyperlink here
        "menit_sebelum": str(data.minutes_before),
        "kontak_teknis": t(data.technical_contact),
        "alternatif": [{"hari_tanggal": _day(start, data.timezone),
                        "pukul": unbreakable(data.span(start, end))}
                       for start, end in data.alternatives],
        "alasan_penuh": t(data.full_reason),
        "penandatangan": {
            "awalan": signer.prefix, "jabatan": t(signer.office),
            "jabatan_pelaksana": t(signer.own_office), "nama": t(signer.name),
            "pangkat": t(signer.pangkat), "nip": formatting.nip(signer.nip),
        },
        "tembusan": [t(item) for item in data.tembusan if item.strip()],
        "draf": data.draft,
        "tte": {"penerbit": t(data.tte_issuer).rstrip(".")} if electronic else None,
        "qr": None,
        "verifikasi": t(data.verification_url) if record else "",
    }


def _day(moment: datetime, zone: str) -> str:
    """"Rabu, 25 November 2026" with the date itself kept on one line."""
    weekday, _, rest = formatting.day_date(moment, zone).partition(", ")
    return f"{weekday}, {unbreakable(rest)}" if rest else unbreakable(weekday)
