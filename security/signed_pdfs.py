"""PDF signatures (PAdES, through pyHanko): an agency signs its electronic result with its
certificate, and anyone checks it against the agencies' certificates. A document changed after
signing, by edited bytes or by an update appended after the signature, does not verify."""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from dataclasses import dataclass
from io import BytesIO

from asn1crypto import keys as asn1_keys  # type: ignore[import-untyped]
from asn1crypto import x509 as asn1_x509
from cryptography import x509
from cryptography.hazmat.primitives.serialization import (
    Encoding,
    NoEncryption,
    PrivateFormat,
    load_pem_private_key,
)
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.misc import PdfError
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign import signers
from pyhanko.sign.fields import SigSeedSubFilter
from pyhanko.sign.general import SigningError
from pyhanko.sign.validation import validate_pdf_signature
from pyhanko.sign.validation.errors import SignatureValidationError
from pyhanko.sign.validation.status import SignatureCoverageLevel
from pyhanko_certvalidator import ValidationContext
from pyhanko_certvalidator.registry import SimpleCertificateStore


@dataclass(frozen=True)
class DocumentSigner:
    """An agency's key and certificate (PEM), and its name as the signature records it."""

    agency: str
    private_key_pem: str
    certificate_pem: str


def _signer(signer: DocumentSigner) -> signers.SimpleSigner:
    key = load_pem_private_key(signer.private_key_pem.encode(), password=None)
    der_key = key.private_bytes(Encoding.DER, PrivateFormat.PKCS8, NoEncryption())
    certificate = x509.load_pem_x509_certificate(signer.certificate_pem.encode())
    return signers.SimpleSigner(
        signing_cert=asn1_x509.Certificate.load(certificate.public_bytes(Encoding.DER)),
        signing_key=asn1_keys.PrivateKeyInfo.load(der_key),
        cert_registry=SimpleCertificateStore(),  # type: ignore[no-untyped-call]
    )


def sign_pdf(pdf: bytes, signer: DocumentSigner) -> bytes:
    """The document with the agency's signature over all of it. pyHanko signs in an event
    loop of its own: call this from a thread, never from a running loop."""
    writer = IncrementalPdfFileWriter(BytesIO(pdf))
    metadata = signers.PdfSignatureMetadata(
        field_name="AgencySignature",
        name=signer.agency,
        subfilter=SigSeedSubFilter.PADES,
    )
    output = BytesIO()
    signers.PdfSigner(metadata, signer=_signer(signer)).sign_pdf(writer, output=output)
    return output.getvalue()


@dataclass(frozen=True)
class DocumentVerification:
    valid: bool
    issuer: str | None
    document_id: str
    reason: str | None


def document_id(pdf: bytes) -> str:
    """A signed document is named by the hash of its bytes, as it is stored."""
    return hashlib.sha256(pdf).hexdigest()


def _trusted(certificates: Mapping[str, str]) -> dict[bytes, str]:
    return {
        x509.load_pem_x509_certificate(pem.encode()).public_bytes(Encoding.DER): agency
        for agency, pem in certificates.items()
    }


def verify_pdf(pdf: bytes, certificates: Mapping[str, str]) -> DocumentVerification:
    """Whether one agency's certificate (agency -> PEM) signed the whole document, unchanged."""
    named = document_id(pdf)

    def refused(reason: str, issuer: str | None = None) -> DocumentVerification:
        return DocumentVerification(False, issuer, named, reason)

    try:
        reader = PdfFileReader(BytesIO(pdf), strict=False)
        signatures = reader.embedded_signatures
    except (PdfError, ValueError, KeyError, TypeError, IndexError):
        return refused("not_a_pdf")
    if not signatures:
        return refused("not_signed")
    if len(signatures) != 1:
        return refused("unexpected_signatures")
    signature = signatures[0]
    trusted = _trusted(certificates)
    issuer = trusted.get(signature.signer_cert.dump())
    if issuer is None:
        return refused("unknown_issuer")
    # Only the agencies' own certificates are trusted, and nothing is fetched from the network.
    context = ValidationContext(
        trust_roots=[asn1_x509.Certificate.load(der) for der in trusted], allow_fetching=False
    )
    try:
        status = validate_pdf_signature(signature, context)
    except (SignatureValidationError, SigningError, PdfError, ValueError) as error:
        return refused(f"signature_unreadable: {error}", issuer)
    if not (status.intact and status.valid):
        return refused("altered_after_signing", issuer)
    if status.coverage != SignatureCoverageLevel.ENTIRE_FILE:
        return refused("altered_after_signing", issuer)
    if not status.trusted:
        return refused("untrusted_certificate", issuer)
    return DocumentVerification(True, issuer, named, None)
