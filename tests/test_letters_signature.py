"""The Kadis's signature on the uploaded letter: PAdES checked with pyHanko in ``tte`` mode
(certificates made in the test), nothing to check in ``basah`` mode; shown on verification."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from io import BytesIO
from pathlib import Path
from typing import Any

import pytest
from signing_support import (
    SIGNER_NAME,
    Identity,
    change_after_signing,
    make_identity,
    sign_pdf,
)
from web_support import WebEnv, minimal_pdf, text_of

from zoomsvc.config import ConfigError, build_config
from zoomsvc.intake import Intake
from zoomsvc.letters.service import LetterService, UnacceptableFile
from zoomsvc.letters.signature import (
    CHECKED_CHAIN,
    UNCHECKED_CHAIN,
    SignatureRefused,
    check_signature,
    load_trust_roots,
)
from zoomsvc.provisioning import Provisioner
from zoomsvc.store import Database
from zoomsvc.workflow import Role


@pytest.fixture(scope="module")
def root() -> Identity:
    """A throwaway CA standing in for BSrE's root."""
    return make_identity("Root CA Uji", ca=True)


@pytest.fixture(scope="module")
def kadis(root: Identity) -> Identity:
    """The Kadis's signing certificate, issued by :func:`root`."""
    return make_identity(SIGNER_NAME, issuer=root)


@pytest.fixture(scope="module")
def signed(kadis: Identity, root: Identity) -> bytes:
    """A letter signed by the Kadis."""
    return sign_pdf(minimal_pdf("Surat Tanggapan uji"), kadis, chain=(root,))


def roots_of(tmp_path: Path, *identities: Identity) -> tuple[Any, ...]:
    path = tmp_path / "akar.pem"
    path.write_bytes(b"".join(i.pem for i in identities))
    return load_trust_roots([str(path)])


# --- the check itself --------------------------------------------------------------------------

def test_a_signed_letter_is_accepted_with_its_signer_and_the_chain_unchecked(
        signed: bytes) -> None:
    found = check_signature(signed, "tte")

    assert found.kind == "tte"
    assert found.subject is not None
    assert f"CN={SIGNER_NAME}" in found.subject
    assert found.note == UNCHECKED_CHAIN == "tanda tangan utuh, rantai sertifikat tidak diperiksa"


def test_with_the_right_trust_root_the_chain_is_checked(signed: bytes, root: Identity,
                                                        tmp_path: Path) -> None:
    assert check_signature(signed, "tte", roots_of(tmp_path, root)).note == CHECKED_CHAIN


def test_a_wrong_trust_root_is_refused(signed: bytes, tmp_path: Path) -> None:
    other = make_identity("Root CA Lain", ca=True)

    with pytest.raises(SignatureRefused, match="rantai sertifikat penanda tangan tidak berujung"):
        check_signature(signed, "tte", roots_of(tmp_path, other))


def test_a_self_signed_certificate_is_refused_when_a_root_is_configured(
        root: Identity, tmp_path: Path) -> None:
    lone = make_identity("Penanda Tangan Sendiri")
    letter = sign_pdf(minimal_pdf("Surat"), lone)

    assert check_signature(letter, "tte").subject is not None  # integrity alone: accepted
    with pytest.raises(SignatureRefused, match="akar tepercaya"):
        check_signature(letter, "tte", roots_of(tmp_path, root))


def test_an_unsigned_pdf_is_refused_in_tte_mode() -> None:
    with pytest.raises(SignatureRefused) as refused:
        check_signature(minimal_pdf("Tanpa tanda tangan"), "tte")
    assert str(refused.value) == "berkas PDF tidak memuat tanda tangan elektronik"


def test_a_letter_changed_after_signing_is_refused(signed: bytes) -> None:
    changed = change_after_signing(signed, "Isi surat diubah")

    with pytest.raises(SignatureRefused, match="dokumen diubah setelah ditandatangani"):
        check_signature(changed, "tte")


def test_bytes_changed_inside_the_signed_range_break_the_integrity(signed: bytes) -> None:
    broken = signed.replace(b"Surat Tanggapan uji", b"Surat Tanggapan UJI")

    with pytest.raises(SignatureRefused, match="diubah setelah ditandatangani"):
        check_signature(broken, "tte")


def test_a_pdf_that_cannot_be_parsed_is_refused_not_crashed() -> None:
    with pytest.raises(SignatureRefused, match="tidak dapat dibaca"):
        check_signature(b"%PDF-1.7\nbukan isi pdf\n%%EOF\n", "tte")


def test_basah_mode_accepts_a_plain_pdf_without_checking() -> None:
    found = check_signature(minimal_pdf("Pindaian bertanda tangan basah"), "basah")

    assert (found.kind, found.subject) == ("basah", None)


def test_a_trust_root_that_is_not_a_certificate_is_refused_by_the_configuration(
        tmp_path: Path, config_document: dict[str, Any]) -> None:
    bad = tmp_path / "akar.pem"
    bad.write_text("bukan sertifikat", encoding="utf-8")
    config_document["letters"]["tte_trust_roots"] = [str(bad)]

    with pytest.raises(ConfigError) as refused:
        build_config(config_document, {}, source="test")
    assert refused.value.key == "letters.tte_trust_roots"


def test_an_unknown_signing_mode_is_refused(config_document: dict[str, Any]) -> None:
    config_document["letters"]["signing_mode"] = "digital"

    with pytest.raises(ConfigError) as refused:
        build_config(config_document, {}, source="test")
    assert refused.value.key == "letters.signing_mode"


# --- the letter service --------------------------------------------------------------------------

@pytest.fixture
def tte_letters(config_document: dict[str, Any], tmp_path: Path, db: Database,
                clock: Callable[[], datetime]) -> LetterService:
    config_document["letters"].update(signing_mode="tte", output_dir=str(tmp_path / "letters"),
                                      files_dir=str(tmp_path / "files"))
    return LetterService(build_config(config_document, {}, source="test"), db, clock)


@pytest.fixture
def reviewed(tte_letters: LetterService, provisioner: Provisioner,
             make_request: Callable[..., dict[str, Any]]) -> str:
    result, _ = Intake(provisioner, tte_letters).submit(make_request(), actor="rina")
    tte_letters.review(result.code, approve=True, note="", actor="hendra", role=Role.KABID)
    return result.code


@pytest.mark.uses_db
def test_the_service_refuses_an_unsigned_letter_and_stores_nothing(
        tte_letters: LetterService, reviewed: str) -> None:
    with pytest.raises(UnacceptableFile, match="tidak memuat tanda tangan elektronik"):
        tte_letters.sign(reviewed, minimal_pdf("Surat"), actor="kadis", role=Role.KADIS)

    letter = tte_letters.current(reviewed)
    assert letter is not None
    assert (letter.status, letter.signed_sha256, letter.signature_kind) == (
        "reviewed", None, None)


@pytest.mark.uses_db
def test_the_service_records_the_kind_and_signer_of_a_tte_letter(
        tte_letters: LetterService, reviewed: str, signed: bytes) -> None:
    tte_letters.sign(reviewed, signed, actor="kadis", role=Role.KADIS)

    letter = tte_letters.current(reviewed)
    assert letter is not None
    assert letter.signature_kind == "tte"
    assert f"CN={SIGNER_NAME}" in (letter.signer_subject or "")
    assert letter.signature_note == UNCHECKED_CHAIN


# --- the web: upload and verification page -------------------------------------------------------

def upload(web: WebEnv, code: str, content: bytes) -> Any:
    kadis = web.as_role("kadis")
    return kadis.post(f"/permohonan/{code}/tandatangan",
                      {"signed": (BytesIO(content), "ttd.pdf")},
                      form_page=f"/permohonan/{code}", content_type="multipart/form-data")


def reviewed_on(web: WebEnv, make_request: Callable[..., dict[str, Any]]) -> str:
    code = web.submit(make_request())
    web.services.letters.review(code, approve=True, note="", actor="hendra", role=Role.KABID)
    return code


@pytest.mark.uses_db
def test_kadis_uploading_an_unsigned_pdf_gets_400_and_the_reason(
        web_factory: Callable[..., WebEnv], make_request: Callable[..., dict[str, Any]]) -> None:
    env = web_factory(letters={"signing_mode": "tte"})
    code = reviewed_on(env, make_request)

    answer = upload(env, code, minimal_pdf("Belum ditandatangani"))

    assert answer.status_code == 400
    assert "berkas PDF tidak memuat tanda tangan elektronik" in text_of(answer)
    assert env.state_of(code) == "reviewed"


@pytest.mark.uses_db
def test_kadis_uploading_a_changed_pdf_gets_400(
        web_factory: Callable[..., WebEnv], make_request: Callable[..., dict[str, Any]],
        signed: bytes) -> None:
    env = web_factory(letters={"signing_mode": "tte"})
    code = reviewed_on(env, make_request)

    answer = upload(env, code, change_after_signing(signed))

    assert answer.status_code == 400
    assert "dokumen diubah setelah ditandatangani" in text_of(answer)


@pytest.mark.uses_db
def test_the_verification_page_names_a_tte_signature_and_its_signer(
        web_factory: Callable[..., WebEnv], make_request: Callable[..., dict[str, Any]],
        signed: bytes) -> None:
    env = web_factory(letters={"signing_mode": "tte"})
    code = reviewed_on(env, make_request)
    assert upload(env, code, signed).status_code == 302
    letter = env.services.letters.current(code)
    assert letter is not None

    shown = text_of(env.browser().get(f"/verifikasi/{letter.verify_token}"))

    assert "Tanda tangan elektronik (TTE)" in shown
    assert f"CN={SIGNER_NAME}" in shown
    assert UNCHECKED_CHAIN in shown


@pytest.mark.uses_db
def test_the_verification_page_names_a_wet_ink_signature(
        web_factory: Callable[..., WebEnv], make_request: Callable[..., dict[str, Any]]) -> None:
    env = web_factory(letters={"signing_mode": "basah"})
    code = reviewed_on(env, make_request)
    env.services.letters.sign(code, minimal_pdf("Pindaian"), actor="kadis", role=Role.KADIS)
    letter = env.services.letters.current(code)
    assert letter is not None

    shown = text_of(env.browser().get(f"/verifikasi/{letter.verify_token}"))

    assert "Tanda tangan basah (pindaian)" in shown
    assert "Sertifikat penanda tangan" not in shown
