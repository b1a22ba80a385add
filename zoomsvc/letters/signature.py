"""Checking the Kadis's signature on the uploaded letter (``letters.signing_mode``).

``tte``: the PDF must carry a PAdES/CMS signature (as BSrE's signing service makes) that pyHanko
finds intact, covering the whole file: nothing but validation data (DSS) may follow it. With
``letters.tte_trust_roots`` the signer's certificate must also chain to one of those roots.
Nothing is fetched from the network: a PDF names URLs (OCSP, CRL, CA issuers) that the server
must not be made to call.

``basah``: a scanned letter signed by hand; there is nothing to check cryptographically.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from io import BytesIO
from pathlib import Path

from asn1crypto import x509 as asn1_x509
from cryptography import x509
from cryptography.hazmat.primitives.serialization import Encoding
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.diff_analysis import ModificationLevel
from pyhanko.sign.validation import (
    EmbeddedPdfSignature,
    PdfSignatureStatus,
    SignatureCoverageLevel,
    validate_pdf_signature,
)
from pyhanko_certvalidator import ValidationContext

TTE, BASAH = "tte", "basah"
UNCHECKED_CHAIN = "tanda tangan utuh, rantai sertifikat tidak diperiksa"
CHECKED_CHAIN = "tanda tangan utuh, rantai sertifikat sah sampai akar tepercaya"
WET_INK = "tanda tangan basah (pindaian), tanpa pemeriksaan kriptografis"
# After the last signature only validation data (DSS, document timestamps) may be appended;
# an earlier signature may also be followed by a later signature (form filling of its field).
LAST_ALLOWED = (ModificationLevel.NONE, ModificationLevel.LTA_UPDATES)
EARLIER_ALLOWED = (*LAST_ALLOWED, ModificationLevel.FORM_FILLING)

log = logging.getLogger("zoomsvc.letters.signature")


class _WithoutTraceback(logging.Filter):
    """Keeps pyHanko's one-line warning and drops its traceback: an unchained certificate (no
    trust roots configured) or an altered file is a routine outcome here, said in the refusal."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.exc_info, record.exc_text = None, None
        return True


for _name in ("pyhanko.sign.validation.generic_cms", "pyhanko.sign.diff_analysis.policies"):
    logging.getLogger(_name).addFilter(_WithoutTraceback())


class SignatureRefused(ValueError):
    """The uploaded file does not carry the signature the office's signing mode requires."""


@dataclass(frozen=True)
class SignatureCheck:
    """What was found: the kind (``tte``/``basah``), the signer's subject and a summary."""

    kind: str
    subject: str | None
    note: str

    @property
    def audit_note(self) -> str:
        """How the letter was signed, as the audit trail says it."""
        if self.kind == TTE:
            return f"ditandatangani secara elektronik oleh {self.subject} ({self.note})"
        return "ditandatangani basah (pindaian)"


def load_trust_roots(paths: Sequence[str]) -> tuple[asn1_x509.Certificate, ...]:
    """The certificates of the PEM files named in ``letters.tte_trust_roots``."""
    roots: list[asn1_x509.Certificate] = []
    for path in paths:
        for cert in x509.load_pem_x509_certificates(Path(path).read_bytes()):
            roots.append(asn1_x509.Certificate.load(cert.public_bytes(Encoding.DER)))
    return tuple(roots)


def check_signature(content: bytes, mode: str,
                    roots: Sequence[asn1_x509.Certificate] = ()) -> SignatureCheck:
    """Check ``content`` (a PDF, already known to be one) against the signing mode; raise
    :class:`SignatureRefused` naming the reason in Indonesian."""
    if mode == BASAH:
        return SignatureCheck(BASAH, None, WET_INK)
    signatures = _embedded(content)
    subjects: list[str] = []
    for position, signature in enumerate(signatures, start=1):
        status = _validate(signature, roots)
        _judge(status, last=position == len(signatures), chained=bool(roots))
        subjects.append(_subject(signature))
    return SignatureCheck(TTE, "; ".join(dict.fromkeys(subjects)),
                          CHECKED_CHAIN if roots else UNCHECKED_CHAIN)


def _embedded(content: bytes) -> list[EmbeddedPdfSignature]:
    try:
        signatures = list(PdfFileReader(BytesIO(content)).embedded_signatures)
    except Exception as exc:  # an uploaded file: any parser failure is the file's fault
        log.info("signed upload unreadable: %s", exc)
        raise SignatureRefused("berkas PDF tidak dapat dibaca untuk memeriksa tanda tangan "
                               "elektronik") from exc
    if not signatures:
        raise SignatureRefused("berkas PDF tidak memuat tanda tangan elektronik")
    return signatures


def _validate(signature: EmbeddedPdfSignature,
              roots: Sequence[asn1_x509.Certificate]) -> PdfSignatureStatus:
    context = ValidationContext(trust_roots=list(roots), allow_fetching=False)
    try:
        return validate_pdf_signature(signature, context)
    except Exception as exc:  # a malformed signature dictionary or CMS blob
        log.info("signature not checkable: %s", exc)
        raise SignatureRefused("tanda tangan elektronik pada berkas PDF tidak dapat diperiksa "
                               "(struktur tanda tangan rusak)") from exc


def _judge(status: PdfSignatureStatus, *, last: bool, chained: bool) -> None:
    if not status.intact:
        raise SignatureRefused("isi dokumen tidak cocok dengan tanda tangan elektronik "
                               "(dokumen diubah setelah ditandatangani)")
    if not status.valid:
        raise SignatureRefused("tanda tangan elektronik tidak sah secara kriptografis")
    allowed = LAST_ALLOWED if last else EARLIER_ALLOWED
    whole = status.coverage in (SignatureCoverageLevel.ENTIRE_FILE,
                                SignatureCoverageLevel.ENTIRE_REVISION)
    if (not whole or not status.docmdp_ok
            or (status.coverage != SignatureCoverageLevel.ENTIRE_FILE
                and status.modification_level not in allowed)):
        raise SignatureRefused("dokumen diubah setelah ditandatangani")
    if chained and status.revoked:
        raise SignatureRefused("sertifikat penanda tangan sudah dicabut")
    if chained and not status.trusted:
        raise SignatureRefused("rantai sertifikat penanda tangan tidak berujung pada akar "
                               "tepercaya (letters.tte_trust_roots)")


def _subject(signature: EmbeddedPdfSignature) -> str:
    cert = x509.load_der_x509_certificate(signature.signer_cert.dump())
    return cert.subject.rfc4514_string()
