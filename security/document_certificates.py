"""The certificates agencies sign their electronic results with (Ed25519, X.509). In production
each agency configures the key and certificate its certification authority issued; outside it,
each agency's development certificate is derived from a fixed label, byte for byte the same in
every process (Ed25519 signatures are deterministic), so the portal trusts what the agency's case
worker signs without configuration. Production refuses them (`is_dev_certificate`)."""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime
from functools import cache

from cryptography import x509
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.serialization import (
    Encoding,
    NoEncryption,
    PrivateFormat,
)
from cryptography.x509.oid import NameOID

from schemas.parties import AGENCY_TITLES, CASE_AGENCIES

# The agencies whose results are electronic documents: every agency that keeps cases.
ISSUING_AGENCIES = CASE_AGENCIES
_DEV_VALIDITY = (datetime(2024, 1, 1, tzinfo=UTC), datetime(2044, 1, 1, tzinfo=UTC))
_DEV_ORGANISATION = "lienthong development only"


def _dev_seed(agency: str) -> bytes:
    return hashlib.sha256(f"lienthong development only: {agency} document key".encode()).digest()


@cache
def dev_document_key(agency: str) -> str:
    """The agency's development document key: PKCS#8 PEM."""
    key = Ed25519PrivateKey.from_private_bytes(_dev_seed(agency))
    return key.private_bytes(Encoding.PEM, PrivateFormat.PKCS8, NoEncryption()).decode()


@cache
def dev_document_certificate(agency: str) -> str:
    """The agency's self-signed development certificate: PEM."""
    key = Ed25519PrivateKey.from_private_bytes(_dev_seed(agency))
    name = x509.Name(
        [
            x509.NameAttribute(NameOID.COUNTRY_NAME, "VN"),
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, _DEV_ORGANISATION),
            x509.NameAttribute(NameOID.COMMON_NAME, AGENCY_TITLES.get(agency, agency)),
        ]
    )
    serial = int.from_bytes(hashlib.sha256(_dev_seed(agency)).digest()[:16]) >> 1
    certificate = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(serial)
        .not_valid_before(_DEV_VALIDITY[0])
        .not_valid_after(_DEV_VALIDITY[1])
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=True,
                content_commitment=True,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=False,
                crl_sign=False,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .sign(key, None)
    )
    return certificate.public_bytes(Encoding.PEM).decode()


def is_dev_certificate(pem: str) -> bool:
    """A development certificate or key: trusting or signing with it is open to anyone."""
    if "PRIVATE KEY" in pem:
        return pem.strip() in {dev_document_key(a).strip() for a in AGENCY_TITLES}
    try:
        certificate = x509.load_pem_x509_certificate(pem.encode())
    except ValueError:
        return False
    organisations = certificate.subject.get_attributes_for_oid(NameOID.ORGANIZATION_NAME)
    return any(o.value == _DEV_ORGANISATION for o in organisations)
