"""Production refuses development credentials, plain-HTTP agency systems and a wildcard codec
origin: pure settings tests, no servers."""

from __future__ import annotations

import base64
import os
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from cryptography import x509
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.serialization import (
    Encoding,
    NoEncryption,
    PrivateFormat,
    load_pem_private_key,
)
from cryptography.x509.oid import NameOID
from pydantic import ValidationError

from schemas.parties import AGENCY_PARTIES
from security.decision_signatures import public_key_b64
from security.dev_credentials import AGENCIES, dev_token_key_id, dev_token_seed
from security.document_certificates import ISSUING_AGENCIES, dev_document_certificate
from security.principals import ISSUER_ROLES, OPERATOR_ISSUER, PORTAL_ISSUER
from settings import AgencyWorkerSettings, Settings


def key() -> str:
    return base64.b64encode(os.urandom(32)).decode()


def ring(key_id: str) -> dict[str, Any]:
    return {"keys": {key_id: key()}, "active": key_id}


def production(**overrides: Any) -> Settings:
    """Production settings with nothing a production deployment may not have, but `overrides`."""
    values: dict[str, Any] = {
        "environment": "production",
        "temporal_tls": True,
        "database_url": "postgresql+psycopg://lienthong@db.internal/lienthong",
        "payload_encryption_keys": {"orchestrator-1": key()},
        "payload_encryption_active_key": "orchestrator-1",
        "peer_payload_keys": {a: ring(f"{a}-1") for a in AGENCY_PARTIES},
        "agency_verify_keys": {a: {f"{a}-1": public_key_b64(key())} for a in AGENCIES},
        "requester_signing_keys": {"requester-1": (requester := key())},
        "requester_signing_active_key": "requester-1",
        "requester_verify_keys": {"requester-1": public_key_b64(requester)},
        "store_encryption_keys": {"store-1": key()},
        "store_encryption_active_key": "store-1",
        # The API and codec server verify; they hold no issuer's private key.
        "token_signing_keys": {},
        "token_verify_keys": {i: {f"{i}-2026-1": public_key_b64(key())} for i in ISSUER_ROLES},
        "pseudonym_keys": {"2026-1": key()},
        "pseudonym_active_key": "2026-1",
        "document_certificates": {a: production_certificate(a) for a in ISSUING_AGENCIES},
        "codec_allowed_origins": ["https://temporal-ui.example.gov.vn"],
        "sms_gateway_url": "https://sms.provider.example.vn",
        "sms_auth_token": key(),
        "smtp_host": "relay.mail.example.gov.vn",
        "smtp_security": "starttls",
        "smtp_password": key(),
    }
    values.update(overrides)
    return Settings(**values)


def refused(**overrides: Any) -> str:
    with pytest.raises(ValidationError) as error:
        production(**overrides)
    return str(error.value)


def test_a_production_deployment_without_development_credentials_starts() -> None:
    settings = production(
        token_signing_keys={OPERATOR_ISSUER: {"key_id": "ops-2026-1", "seed": key()}}
    )
    assert settings.token_signing_key(OPERATOR_ISSUER).key_id == "ops-2026-1"


def test_production_refuses_development_token_keys() -> None:
    dev_seed = {"key_id": dev_token_key_id(PORTAL_ISSUER), "seed": dev_token_seed(PORTAL_ISSUER)}
    assert "TOKEN_SIGNING_KEYS[lienthong-portal] is a development key" in refused(
        token_signing_keys={PORTAL_ISSUER: dev_seed}
    )
    dev_public = {
        dev_token_key_id(OPERATOR_ISSUER): public_key_b64(dev_token_seed(OPERATOR_ISSUER))
    }
    assert "TOKEN_VERIFY_KEYS[lienthong-operators]" in refused(
        token_verify_keys={OPERATOR_ISSUER: dev_public}
    )
    # Left unset, both are the development defaults.
    message = refused(token_signing_keys=Settings().token_signing_keys)
    assert "TOKEN_SIGNING_KEYS" in message


def test_production_refuses_development_or_plain_notification_channels() -> None:
    development = Settings()
    message = refused(
        sms_auth_token=development.sms_auth_token,
        smtp_password=development.smtp_password,
        sms_gateway_url="http://sms.provider.example.vn",
        smtp_security="none",
    )
    assert "SMS_AUTH_TOKEN is a development token" in message
    assert "SMTP_PASSWORD is a development password" in message
    assert "SMS_GATEWAY_URL must use https" in message
    assert "SMTP_SECURITY must be starttls or tls off loopback" in message


def test_production_refuses_development_or_weak_pseudonym_keys() -> None:
    development = Settings()
    assert "PSEUDONYM_KEYS[dev-1]" in refused(
        pseudonym_keys=development.pseudonym_keys,
        pseudonym_active_key=development.pseudonym_active_key,
    )
    assert "PSEUDONYM_KEYS[short]" in refused(
        pseudonym_keys={"short": "too-short"}, pseudonym_active_key="short"
    )


def agency_worker_in_production(
    agency: str, system_url: str, **overrides: Any
) -> AgencyWorkerSettings:
    portal: dict[str, Any] = {}
    if agency in ISSUING_AGENCIES:
        portal = {
            "portal_url": "https://api.lienthong.example.gov.vn",
            "portal_token_key": {"key_id": f"{agency}-2026-1", "seed": key()},
        }
    values = {**portal, **overrides}
    return AgencyWorkerSettings.for_agency(
        agency,
        environment="production",
        temporal_tls=True,
        payload_encryption_keys={f"{agency}-1": key()},
        payload_encryption_active_key=f"{agency}-1",
        system_url=system_url,
        service_key=key(),
        document_signing_key=DOCUMENT_KEY,
        document_certificate=production_certificate(agency),
        **values,
    )


def test_production_refuses_a_development_portal_token_key_or_plain_http_portal() -> None:
    https = "https://justice.example.gov.vn"
    with pytest.raises(ValidationError, match="PORTAL_TOKEN_KEY is unset or a development"):
        agency_worker_in_production("justice", https, portal_token_key=None)
    with pytest.raises(ValidationError, match="PORTAL_URL must use https"):
        agency_worker_in_production("justice", https, portal_url="http://10.0.0.8:8000")


# An agency's own key and certificate, as its certification authority would issue them.
DOCUMENT_KEY = (
    Ed25519PrivateKey.generate()
    .private_bytes(Encoding.PEM, PrivateFormat.PKCS8, NoEncryption())
    .decode()
)


def production_certificate(agency: str) -> str:
    signer = load_pem_private_key(DOCUMENT_KEY.encode(), password=None)
    assert isinstance(signer, Ed25519PrivateKey)
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, agency)])
    now = datetime.now(UTC)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(signer.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now)
        .not_valid_after(now + timedelta(days=365))
        .sign(signer, None)
    )
    return certificate.public_bytes(Encoding.PEM).decode()


def test_production_refuses_development_document_certificates() -> None:
    assert "DOCUMENT_CERTIFICATES[justice] is a development certificate" in refused(
        document_certificates={"justice": dev_document_certificate("justice")}
    )
    with pytest.raises(ValidationError, match="DOCUMENT_SIGNING_KEY or DOCUMENT_CERTIFICATE"):
        AgencyWorkerSettings.for_agency(
            "justice",
            environment="production",
            temporal_tls=True,
            payload_encryption_keys={"justice-1": key()},
            payload_encryption_active_key="justice-1",
            system_url="https://justice.example.gov.vn",
            service_key=key(),
        )


@pytest.mark.parametrize("agency", AGENCIES)
def test_production_refuses_plain_http_agency_systems(agency: str) -> None:
    assert agency_worker_in_production(agency, f"https://{agency}.example.gov.vn").system_url
    with pytest.raises(ValidationError, match="SYSTEM_URL must use https"):
        agency_worker_in_production(agency, "http://10.0.0.7:8101")


def test_production_refuses_a_wildcard_codec_origin() -> None:
    assert "CODEC_ALLOWED_ORIGINS" in refused(codec_allowed_origins=["*"])


def test_token_and_pseudonym_keys_are_checked_in_every_environment() -> None:
    with pytest.raises(ValidationError, match="unknown issuer"):
        Settings(token_verify_keys={"lienthong": {}})
    with pytest.raises(ValidationError, match="not base64"):
        Settings(token_verify_keys={OPERATOR_ISSUER: {"k": "not-a-key"}})
    with pytest.raises(ValidationError, match="names no configured key"):
        Settings(pseudonym_active_key="missing")
