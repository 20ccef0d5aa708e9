"""PDF signatures (PAdES, through pyHanko): an agency signs its electronic result with its
certificate, and anyone checks it against the agencies' certificates. A document changed after
signing, by edited bytes or by an update appended after the signature, does not verify."""

from __future__ import annotations

import asyncio
import hashlib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from enum import StrEnum
from functools import cached_property
from io import BytesIO

from asn1crypto import keys as asn1_keys  # type: ignore[import-untyped]
from asn1crypto import tsp
from asn1crypto import x509 as asn1_x509
from cryptography import x509
from cryptography.hazmat.primitives import hashes
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
from pyhanko.sign.attributes import CMSAttributeProvider, SignedAttributeProviderSpec
from pyhanko.sign.fields import SigSeedSubFilter
from pyhanko.sign.general import SigningError, as_signing_certificate_v2
from pyhanko.sign.signers.pdf_cms import PdfCMSSignedAttributes, select_suitable_signing_md
from pyhanko.sign.validation import validate_pdf_signature
from pyhanko.sign.validation.errors import SignatureValidationError
from pyhanko.sign.validation.status import SignatureCoverageLevel
from pyhanko_certvalidator import ValidationContext
from pyhanko_certvalidator.registry import SimpleCertificateStore
from pyhanko_certvalidator.util import get_pyca_cryptography_hash


@dataclass(frozen=True)
class DocumentSigner:
    """An agency's key and certificate (PEM), and its name as the signature records it."""

    agency: str
    private_key_pem: str
    certificate_pem: str

    @cached_property
    def pades(self) -> _PadesSigner:
        # Made for the first document and shared by the next ones, from any thread: pyHanko
        # keeps no state of a signature in its signer or in its settings.
        return _PadesSigner.of(self)


@dataclass(frozen=True)
class _PadesSigner:
    """What pyHanko signs with: the key, the certificate and the signature's settings, and the
    room the signature takes in the file, which pyHanko would otherwise estimate for every
    document by making a whole signature beforehand."""

    signer: signers.PdfSigner
    bytes_reserved: int

    @classmethod
    def of(cls, signer: DocumentSigner) -> _PadesSigner:
        key = load_pem_private_key(signer.private_key_pem.encode(), password=None)
        der_key = key.private_bytes(Encoding.DER, PrivateFormat.PKCS8, NoEncryption())
        certificate = x509.load_pem_x509_certificate(signer.certificate_pem.encode())
        signing_cert = asn1_x509.Certificate.load(certificate.public_bytes(Encoding.DER))
        cms_signer = signers.SimpleSigner(
            signing_cert=signing_cert,
            signing_key=asn1_keys.PrivateKeyInfo.load(der_key),
            cert_registry=SimpleCertificateStore(),  # type: ignore[no-untyped-call]
        )
        cms_signer.signed_attr_prov_spec = _PadesSignedAttributes(
            as_signing_certificate_v2(signing_cert).dump()
        )
        metadata = signers.PdfSignatureMetadata(
            field_name="AgencySignature",
            name=signer.agency,
            subfilter=SigSeedSubFilter.PADES,
        )
        pdf_signer = signers.PdfSigner(metadata, signer=cms_signer)
        return cls(pdf_signer, _bytes_reserved(pdf_signer, cms_signer))


class _PadesSignedAttributes(SignedAttributeProviderSpec):
    """The signed attributes pyHanko gives a PAdES signature (`CAdESSignedAttributeProviderSpec`
    for PAdES): the signing-certificate-v2 attribute, and no signing time, which a PAdES
    signature keeps in its dictionary. The attribute names the signer's certificate by its hash
    and its issuer: it is the same in every signature, and asn1crypto took half of a
    signature's time to write it out again each time, so it is written once and read back."""

    def __init__(self, signing_certificate_v2: bytes) -> None:
        self.signing_certificate_v2 = signing_certificate_v2

    def signed_attr_providers(
        self, data_digest: bytes, digest_algorithm: str
    ) -> Iterable[CMSAttributeProvider]:
        yield _SigningCertificate(tsp.SigningCertificateV2.load(self.signing_certificate_v2))


class _SigningCertificate(CMSAttributeProvider):
    attribute_type = "signing_certificate_v2"

    def __init__(self, value: tsp.SigningCertificateV2) -> None:
        self.value = value

    async def build_attr_value(self, dry_run: bool = False) -> tsp.SigningCertificateV2:
        return self.value


def _bytes_reserved(pdf_signer: signers.PdfSigner, cms_signer: signers.SimpleSigner) -> int:
    """The room pyHanko reserves for a signature: the size of a signature container made
    without signing, written in hexadecimal, and half as much again."""
    certificate = cms_signer.signing_cert
    assert certificate is not None
    digest_algorithm = pdf_signer.default_md_for_signer or select_suitable_signing_md(
        certificate.public_key
    )
    empty_digest = hashes.Hash(get_pyca_cryptography_hash(digest_algorithm)).finalize()
    attributes = PdfCMSSignedAttributes(signing_time=datetime.now(UTC))
    container = asyncio.run(
        cms_signer.async_sign(
            empty_digest,
            digest_algorithm,
            dry_run=True,
            use_pades=True,
            signed_attr_settings=attributes,
        )
    )
    in_hex = len(container.dump()) * 2
    return in_hex + 2 * (in_hex // 4)


def sign_pdf(pdf: bytes, signer: DocumentSigner) -> bytes:
    """The document with the agency's signature over all of it. pyHanko signs in an event
    loop of its own: call this from a thread, never from a running loop."""
    pades = signer.pades
    output = BytesIO()
    pades.signer.sign_pdf(
        IncrementalPdfFileWriter(BytesIO(pdf)), output=output, bytes_reserved=pades.bytes_reserved
    )
    return output.getvalue()


class Unverified(StrEnum):
    """Why a document is not taken as an agency's signed document: the `reason` the portal
    answers, which the verifier's audience reads as a code."""

    NOT_A_PDF = "not_a_pdf"
    NOT_SIGNED = "not_signed"
    UNEXPECTED_SIGNATURES = "unexpected_signatures"
    SIGNATURE_UNREADABLE = "signature_unreadable"
    UNKNOWN_ISSUER = "unknown_issuer"
    ALTERED_AFTER_SIGNING = "altered_after_signing"
    UNTRUSTED_CERTIFICATE = "untrusted_certificate"
    # Checking it took more memory or time than a document of this size may take; or the
    # process checking it died.
    EXCEEDS_MEMORY_LIMIT = "exceeds_memory_limit"
    EXCEEDS_TIME_LIMIT = "exceeds_time_limit"
    VERIFICATION_FAILED = "verification_failed"


@dataclass(frozen=True)
class DocumentVerification:
    valid: bool
    issuer: str | None
    document_id: str
    # An `Unverified` code, followed for a signature pyHanko could not validate by its words.
    reason: str | None

    @classmethod
    def refused(
        cls, pdf_id: str, reason: Unverified, issuer: str | None = None, detail: str = ""
    ) -> DocumentVerification:
        # The detail is pyHanko's, about a file anyone may send: kept short.
        text = f"{reason.value}: {detail[:_DETAIL_CHARS]}" if detail else reason.value
        return cls(False, issuer, pdf_id, text)


_DETAIL_CHARS = 200


def document_id(pdf: bytes) -> str:
    """A signed document is named by the hash of its bytes, as it is stored."""
    return hashlib.sha256(pdf).hexdigest()


def _trusted(certificates: Mapping[str, str]) -> dict[bytes, str]:
    return {
        x509.load_pem_x509_certificate(pem.encode()).public_bytes(Encoding.DER): agency
        for agency, pem in certificates.items()
    }


def _loop_running() -> bool:
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return False
    return True


def _ran_out_of_memory(error: BaseException) -> bool:
    """Whether a parser's error is, underneath, running out of memory: pypdf and pyHanko wrap
    some of what they catch in errors of their own."""
    seen: BaseException | None = error
    for _ in range(20):
        if seen is None:
            return False
        if isinstance(seen, MemoryError):
            return True
        seen = seen.__cause__ or seen.__context__
    return False


def verify_pdf(pdf: bytes, certificates: Mapping[str, str]) -> DocumentVerification:
    """Whether one agency's certificate (agency -> PEM) signed the whole document, unchanged.

    Anyone may send the file, so nothing in it makes this raise: a parser that fails on it,
    however it fails (a recursion through 50,000 nested arrays, a signature field whose value is
    a number), makes it not valid. Only running out of memory is raised (MemoryError), for the
    process to answer as its limits say (security.document_check_process). pyHanko
    validates in an event loop of its own: call this from a thread or process running none
    (run from a loop, it would find every signature unreadable, so it refuses to)."""
    if _loop_running():
        raise RuntimeError("verify_pdf runs an event loop of its own: call it from a thread")
    named = document_id(pdf)

    def refused(
        reason: Unverified, issuer: str | None = None, detail: str = ""
    ) -> DocumentVerification:
        return DocumentVerification.refused(named, reason, issuer, detail)

    # Each stage catches whatever its parser raises: pyHanko, pypdf and asn1crypto raise
    # AssertionError, AttributeError, RecursionError, UnicodeDecodeError and more on files
    # made to break them, and each means the same to the sender: this stage failed.
    try:
        reader = PdfFileReader(BytesIO(pdf), strict=False)
    except MemoryError:
        raise
    except Exception as error:
        if _ran_out_of_memory(error):
            raise MemoryError from error
        return refused(Unverified.NOT_A_PDF)
    try:
        signatures = reader.embedded_signatures
    except MemoryError:
        raise
    except Exception as error:
        if _ran_out_of_memory(error):
            raise MemoryError from error
        if isinstance(error, (PdfError, ValueError)):
            return refused(Unverified.NOT_A_PDF)
        return refused(Unverified.SIGNATURE_UNREADABLE)
    if not signatures:
        return refused(Unverified.NOT_SIGNED)
    if len(signatures) != 1:
        return refused(Unverified.UNEXPECTED_SIGNATURES)
    signature = signatures[0]
    trusted = _trusted(certificates)
    try:
        issuer = trusted.get(signature.signer_cert.dump())
    except MemoryError:
        raise
    except Exception as error:
        if _ran_out_of_memory(error):
            raise MemoryError from error
        return refused(Unverified.SIGNATURE_UNREADABLE)
    if issuer is None:
        return refused(Unverified.UNKNOWN_ISSUER)
    # Only the agencies' own certificates are trusted, and nothing is fetched from the network.
    context = ValidationContext(
        trust_roots=[asn1_x509.Certificate.load(der) for der in trusted], allow_fetching=False
    )
    try:
        status = validate_pdf_signature(signature, context)
    except MemoryError:
        raise
    except Exception as error:
        if _ran_out_of_memory(error):
            raise MemoryError from error
        if isinstance(error, (SignatureValidationError, SigningError, PdfError)):
            return refused(Unverified.SIGNATURE_UNREADABLE, issuer, str(error))
        return refused(Unverified.SIGNATURE_UNREADABLE, issuer)
    if not (status.intact and status.valid):
        return refused(Unverified.ALTERED_AFTER_SIGNING, issuer)
    if status.coverage != SignatureCoverageLevel.ENTIRE_FILE:
        return refused(Unverified.ALTERED_AFTER_SIGNING, issuer)
    if not status.trusted:
        return refused(Unverified.UNTRUSTED_CERTIFICATE, issuer)
    return DocumentVerification(True, issuer, named, None)
