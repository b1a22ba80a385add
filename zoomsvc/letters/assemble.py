"""Gathering what a letter says from the stored request, its meeting and the configuration."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from zoomsvc.config import Config
from zoomsvc.letters.context import DEFAULT_FULL_REASON, LetterData, Letterhead, Signer
from zoomsvc.provisioning.outcome import alternatives_from_row
from zoomsvc.store.models import Letter, Request


class OfficialDataMissing(ValueError):
    """Data the letter needs is not configured; names the key to fill in."""

    def __init__(self, key: str) -> None:
        super().__init__(f"{key}: wajib diisi untuk menyusun surat")
        self.key = key


def addressee(config: Config, agency: str) -> str:
    """The head of the requesting agency, as configured in ``[[opd]]`` (or derived)."""
    for entry in config.opd:
        if entry.name.casefold() == agency.casefold() and entry.head.strip():
            return entry.head
    return f"Kepala {agency} Kota {config.agency.city}"


def full_reason(request: Request) -> str:
    """Why the requested time cannot be served, in the letter's words."""
    if request.full_reason == "no_eligible_host":
        return (f"kapasitas peserta yang dibutuhkan ({request.participants} orang) melebihi "
                "kapasitas akun yang tersedia")
    return DEFAULT_FULL_REASON


def check_official_data(config: Config) -> None:
    """Raise :class:`OfficialDataMissing` for the first empty key a letter cannot do without."""
    for key, value in (("signer.name", config.signer.name),
                       ("signer.office", config.signer.office),
                       ("signer.nip", config.signer.nip),
                       ("agency.name", config.agency.name),
                       ("agency.government", config.agency.government),
                       ("agency.city", config.agency.city)):
        if not value.strip():
            raise OfficialDataMissing(key)


def letter_data(config: Config, request: Request, letter: Letter, zone: ZoneInfo, *,
                draft: bool = True) -> LetterData:
    """Everything the letter of ``request`` says (the meeting is the request's live one);
    ``draft`` False gives the letter of record, the version that is signed."""
    check_official_data(config)
    settings, signer = config.letters, config.signer
    meeting = request.live_meeting
    slots = tuple((slot.start, slot.end) for slot in alternatives_from_row(request))
    return LetterData(
        kop=Letterhead.from_settings(config.agency, settings.emblem),
        number=letter.number,
        letter_date=letter.letter_date,
        addressee=addressee(config, request.agency),
        opd_letter_number=request.letter_number,
        opd_letter_date=request.letter_date,
        opd_letter_subject=request.subject,
        topic=request.topic,
        start=request.start_at,
        end=request.end_at,
        signer=Signer(office=signer.office, name=signer.name, pangkat=signer.pangkat,
                      nip=signer.nip, prefix=signer.prefix, own_office=signer.own_office),
        timezone=str(zone),
        zone_label=config.agency.zone_label,
        place=settings.place or config.agency.city,
        sifat=settings.sifat,
        lampiran=settings.lampiran,
        hal=settings.hal,
        meeting_id=str(meeting.zoom_id) if meeting and meeting.zoom_id else "",
        passcode=meeting.passcode or "" if meeting else "",
        join_url=meeting.join_url or "" if meeting else "",
        minutes_before=settings.open_minutes_before,
        technical_contact=settings.technical_contact,
        alternatives=slots if letter.kind == "full" else (),
        full_reason=full_reason(request),
        tembusan=settings.tembusan,
        tte_issuer=settings.tte_issuer,
        verification_url=f"{settings.verify_base_url.rstrip('/')}/{letter.verify_token}",
        draft=draft,
        electronic_signature=settings.signing_mode == "tte",
    )
