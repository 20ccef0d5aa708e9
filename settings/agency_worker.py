"""An agency's case worker's settings, read under the agency's own prefix (`JUSTICE_`, …)."""

from __future__ import annotations

from typing import Any

from pydantic import Field, SecretStr, model_validator

from schemas.parties import AGENCY_PARTIES, AgencyParty, namespace_of
from security.dev_credentials import dev_secret, is_dev_value
from settings.keys import PayloadKeys
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
        return values

    @classmethod
    def for_agency(cls, agency: str, **overrides: Any) -> AgencyWorkerSettings:
        prefix = f"{agency.upper()}_"
        return cls(agency=agency, _env_prefix=prefix, **overrides)

    @model_validator(mode="after")
    def _refuse_unsafe_production_config(self) -> AgencyWorkerSettings:
        if self.environment != "production":
            return self
        problems = self.connection_problems()
        if is_dev_value(self.service_key.get_secret_value()):
            problems.append("SERVICE_KEY is a development default")
        if not self.system_url.startswith("https://"):
            problems.append("SYSTEM_URL must use https")
        if problems:
            raise ValueError(
                f"unsafe production settings for {self.agency}: " + "; ".join(problems)
            )
        return self
