"""Throwaway certificates and PAdES signatures made in the test, for the signed-letter checks."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from io import BytesIO

from asn1crypto import keys as asn1_keys
from asn1crypto import x509 as asn1_x509
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID
from pyhanko.pdf_utils import generic
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.sign import signers
from pyhanko_certvalidator.registry import SimpleCertificateStore

SIGNER_NAME = "Kepala Dinas Uji"


@dataclass(frozen=True)
class Identity:
    """A key and its certificate."""

    key: ec.EllipticCurvePrivateKey
    cert: x509.Certificate

    @property
    def pem(self) -> bytes:
        """The certificate as PEM (what ``letters.tte_trust_roots`` names)."""
        return self.cert.public_bytes(serialization.Encoding.PEM)


def make_identity(name: str, issuer: Identity | None = None, ca: bool = False) -> Identity:
    """A fresh key and certificate for ``name``, self-signed unless ``issuer`` signs it."""
    key = ec.generate_private_key(ec.SECP256R1())
    subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, name),
                         x509.NameAttribute(NameOID.ORGANIZATION_NAME, "Pemkot Uji")])
    now = datetime.now(UTC)
    cert = (x509.CertificateBuilder()
            .subject_name(subject)
            .issuer_name(issuer.cert.subject if issuer else subject)
            .public_key(key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(now - timedelta(days=1))
            .not_valid_after(now + timedelta(days=30))
            .add_extension(x509.BasicConstraints(ca=ca, path_length=None), critical=True)
            .add_extension(x509.KeyUsage(
                digital_signature=True, content_commitment=True, key_encipherment=False,
                data_encipherment=False, key_agreement=False, key_cert_sign=ca, crl_sign=ca,
                encipher_only=False, decipher_only=False), critical=True)
            .sign(issuer.key if issuer else key, hashes.SHA256()))
    return Identity(key, cert)


def _asn1(cert: x509.Certificate) -> asn1_x509.Certificate:
    return asn1_x509.Certificate.load(cert.public_bytes(serialization.Encoding.DER))


def sign_pdf(content: bytes, signer: Identity, chain: tuple[Identity, ...] = ()) -> bytes:
    """``content`` signed (PAdES, one incremental update) by ``signer``, carrying ``chain``."""
    key = asn1_keys.PrivateKeyInfo.load(signer.key.private_bytes(
        serialization.Encoding.DER, serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption()))
    simple = signers.SimpleSigner(
        signing_cert=_asn1(signer.cert), signing_key=key,
        cert_registry=SimpleCertificateStore.from_certs([_asn1(c.cert) for c in chain]))
    writer = IncrementalPdfFileWriter(BytesIO(content))
    out = signers.sign_pdf(writer, signers.PdfSignatureMetadata(field_name="TTE"),
                           signer=simple)
    return out.getvalue()


def change_after_signing(signed: bytes, text: str = "Isi diubah") -> bytes:
    """``signed`` with an incremental update appended that replaces the page's content."""
    writer = IncrementalPdfFileWriter(BytesIO(signed))
    page = writer.root["/Pages"]["/Kids"][0].get_object()
    stream = generic.StreamObject(
        stream_data=f"BT /F1 14 Tf 72 700 Td ({text}) Tj ET".encode("latin-1"))
    page["/Contents"] = writer.add_object(stream)
    writer.update_container(page)
    out = BytesIO()
    writer.write(out)
    return out.getvalue()
