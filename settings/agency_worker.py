"""An agency's case worker's settings, read under the agency's own prefix (`JUSTICE_`, …)."""

from __future__ import annotations

from typing import Any

from pydantic import Field, SecretStr, model_validator

from schemas.parties import AGENCY_PARTIES, AgencyParty, namespace_of, settings_prefix
from security.dev_credentials import dev_secret, is_dev_value
from security.document_certificates import (
    ISSUING_AGENCIES,
    dev_document_certificate,
    dev_document_key,
    is_dev_certificate,
)
from security.principals import agency_issuer
from security.signed_pdfs import DocumentSigner
from security.tokens import SigningKey
from settings.keys import PayloadKeys, TokenSigningKey
from settings.party import PartySettings

# Where a local stack serves each agency's system (the sandbox's ports in `make run`).
DEFAULT_AGENCY_URLS = {a: f"http://127.0.0.1:{8101 + n}" for n, a in enumerate(AGENCY_PARTIES)}


class AgencyWorkerSettings(PartySettings):
    """An agency's case worker: its namespace, its payload key, its system and the key its
    system expects of it. Read under the agency's prefix, e.g. `JUSTICE_TEMPORAL_NAMESPACE`."""

    agency: AgencyParty
    system_url: str = ""
    service_key: SecretStr = SecretStr("")
    agency_http_timeout_seconds: float = Field(default=5.0, gt=0)
    agency_transport_attempts: int = Field(default=3, ge=1)
    agency_call_timeout_seconds: float = Field(default=30.0, gt=0)
    # How often the worker reads its agency's feed of decisions.
    decision_poll_interval_seconds: float = Field(default=1.0, gt=0)
    # The key and certificate (PEM) the agency signs its electronic results with: its own,
    # held by no other party.
    document_signing_key: SecretStr = SecretStr("")
    document_certificate: str = ""
    # The portal API the signed results are stored through, and the agency's own key for the
    # tokens it presents there (the portal holds the public half).
    portal_url: str = "http://127.0.0.1:8000"
    portal_token_key: TokenSigningKey | None = None

    @property
    def document_signer(self) -> DocumentSigner:
        return DocumentSigner(
            self.agency, self.document_signing_key.get_secret_value(), self.document_certificate
        )

    @property
    def portal_signing_key(self) -> SigningKey:
        key = self.portal_token_key
        if key is None:
            raise LookupError(f"{self.agency} has no PORTAL_TOKEN_KEY: it issues no documents")
        return SigningKey(agency_issuer(self.agency), key.key_id, key.seed.get_secret_value())

    @model_validator(mode="before")
    @classmethod
    def _development_defaults(cls, values: Any) -> Any:
        """Unset, each agency gets its own development namespace, keys and address."""
        if not isinstance(values, dict) or values.get("agency") not in AGENCY_PARTIES:
            return values
        agency = values["agency"]
        dev_keys = PayloadKeys.development(agency)
        values.setdefault("temporal_namespace", namespace_of(agency))
        values.setdefault("payload_encryption_keys", dev_keys.keys)
        values.setdefault("payload_encryption_active_key", dev_keys.active)
        values.setdefault("system_url", DEFAULT_AGENCY_URLS[agency])
        values.setdefault("service_key", dev_secret(f"{agency} service key"))
        if agency in ISSUING_AGENCIES:
            values.setdefault("document_signing_key", dev_document_key(agency))
            values.setdefault("document_certificate", dev_document_certificate(agency))
            values.setdefault(
                "portal_token_key", TokenSigningKey.development(agency_issuer(agency))
            )
        return values

    @classmethod
    def for_agency(cls, agency: str, **overrides: Any) -> AgencyWorkerSettings:
        return cls(agency=agency, _env_prefix=settings_prefix(agency), **overrides)

    @model_validator(mode="after")
    def _refuse_unsafe_production_config(self) -> AgencyWorkerSettings:
        if self.environment != "production":
            return self
        problems = self.connection_problems()
        if is_dev_value(self.service_key.get_secret_value()):
            problems.append("SERVICE_KEY is a development default")
        if is_dev_certificate(self.document_signing_key.get_secret_value()) or is_dev_certificate(
            self.document_certificate
        ):
            problems.append("DOCUMENT_SIGNING_KEY or DOCUMENT_CERTIFICATE is a development default")
        if not self.system_url.startswith("https://"):
            problems.append("SYSTEM_URL must use https")
        if self.agency in ISSUING_AGENCIES:
            token_key = self.portal_token_key
            if token_key is None or is_dev_value(token_key.seed.get_secret_value()):
                problems.append("PORTAL_TOKEN_KEY is unset or a development key")
            if not self.portal_url.startswith("https://"):
                problems.append("PORTAL_URL must use https")
        if problems:
            raise ValueError(
                f"unsafe production settings for {self.agency}: " + "; ".join(problems)
            )
        return self
