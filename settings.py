"""Process settings, read from the environment (and an optional `.env` file).

Every process of the product (portal API, orchestrator worker, agency adapter workers, sandbox
agencies) reads the same class; each uses only the fields it needs, so an agency's adapter worker
can be deployed with nothing but its own agency's address and credentials.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Literal

from pydantic import Field, SecretStr, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from security.decision_signatures import public_key_b64
from security.dev_credentials import (
    AGENCIES,
    dev_encryption_key,
    dev_secret,
    dev_signing_seed,
    is_dev_value,
)

PROJECT_ROOT = Path(__file__).resolve().parent
DEFAULT_DATASET_DIR = PROJECT_ROOT / "sandbox_data" / "default"


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_file=".env", extra="ignore", frozen=True)

    environment: Literal["development", "test", "production"] = "development"
    log_level: str = "INFO"

    # Temporal connection: a local dev server by default, a cluster or Temporal Cloud in production.
    temporal_address: str = "127.0.0.1:7233"
    temporal_namespace: str = "default"
    temporal_tls: bool = False
    temporal_tls_server_ca_path: Path | None = None
    temporal_tls_client_cert_path: Path | None = None
    temporal_tls_client_key_path: Path | None = None
    temporal_tls_server_name: str | None = None
    temporal_api_key: SecretStr | None = None

    # Task queues: one for the orchestrator, one per agency, so each agency's adapter worker can
    # run inside that agency's own network.
    task_queue_prefix: str = "lienthong"

    # Where this process serves Temporal SDK and workflow metrics for Prometheus (host:port);
    # unset, none are served. The portal API serves its own at /metrics.
    metrics_bind_address: str | None = None

    # Worker tuning. A declaration is busy for seconds, then waits days on officers: the sticky
    # cache only has to hold the declarations being worked on at once. It is also what bounds a
    # worker's memory however many declarations are open (docs/benchmarks.md measures both).
    max_cached_workflows: int = Field(default=250, ge=0)
    max_concurrent_activities: int = Field(default=100, ge=1)
    max_concurrent_workflow_tasks: int = Field(default=100, ge=1)

    # The orchestrator's own records.
    database_url: str = f"sqlite:///{PROJECT_ROOT / 'var' / 'lienthong.db'}"

    # Reference data (administrative units) and the sandbox agencies' dataset.
    sandbox_data_dir: Path = DEFAULT_DATASET_DIR
    sandbox_state_dir: Path = PROJECT_ROOT / "var" / "sandbox"

    # Agency systems, reached by the agency adapters.
    justice_url: str = "http://127.0.0.1:8101"
    police_url: str = "http://127.0.0.1:8102"
    social_security_url: str = "http://127.0.0.1:8103"
    postal_url: str = "http://127.0.0.1:8104"
    agency_http_timeout_seconds: float = Field(default=5.0, gt=0)
    agency_transport_attempts: int = Field(default=3, ge=1)
    # How long one agency call may take inside an activity before Temporal retries it elsewhere.
    agency_call_timeout_seconds: float = Field(default=30.0, gt=0)

    # Tests and demos only: a working day lasts this many seconds, so deadlines, reminders and the
    # 7-day wait for a supplement pass quickly. Unset, the real calendar applies.
    working_day_seconds: float | None = Field(default=None, gt=0)
    # How often each agency adapter reads its agency's feed of decisions.
    decision_poll_interval_seconds: float = Field(default=1.0, gt=0)
    # How the sandbox agencies decide when no officer acts.
    sandbox_decision_mode: Literal["immediate", "delayed", "manual"] = "immediate"
    sandbox_decision_delay_seconds: float = Field(default=0.0, ge=0)

    # Secrets. The defaults are development credentials (see security.dev_credentials), which
    # production refuses.
    auth_token_secret: SecretStr = SecretStr(dev_secret("portal token signing"))
    payload_encryption_keys: dict[str, SecretStr] = Field(
        default_factory=lambda: {"dev-1": SecretStr(dev_encryption_key())}
    )
    payload_encryption_active_key: str = "dev-1"
    # Each agency adapter needs only its own agency's entry.
    agency_service_keys: dict[str, SecretStr] = Field(
        default_factory=lambda: {a: SecretStr(dev_secret(f"{a} service key")) for a in AGENCIES}
    )
    agency_officer_keys: dict[str, SecretStr] = Field(
        default_factory=lambda: {a: SecretStr(dev_secret(f"{a} officer key")) for a in AGENCIES}
    )
    # Each agency's decision-signing key (held by the agency system, here the sandbox) ...
    agency_signing_keys: dict[str, SecretStr] = Field(
        default_factory=lambda: {a: SecretStr(dev_signing_seed(a)) for a in AGENCIES}
    )
    # ... and the public keys the orchestrator trusts for each agency (several during rotation).
    agency_verify_keys: dict[str, list[str]] = Field(
        default_factory=lambda: {a: [public_key_b64(dev_signing_seed(a))] for a in AGENCIES}
    )
    codec_allowed_origins: list[str] = Field(
        default_factory=lambda: ["http://127.0.0.1:8233", "http://localhost:8233"]
    )

    # Portal intake limits.
    attachment_max_bytes: int = Field(default=5 * 1024 * 1024, gt=0)
    max_attachments: int = Field(default=10, ge=1)
    max_request_bytes: int = Field(default=32 * 1024 * 1024, gt=0)

    def service_key(self, agency: str) -> str | None:
        key = self.agency_service_keys.get(agency)
        return key.get_secret_value() if key is not None else None

    @property
    def admin_units_path(self) -> Path:
        return self.sandbox_data_dir / "admin_units.json"

    @model_validator(mode="after")
    def _check_encryption_keys(self) -> Settings:
        if self.payload_encryption_active_key not in self.payload_encryption_keys:
            raise ValueError(
                "PAYLOAD_ENCRYPTION_ACTIVE_KEY names no key in PAYLOAD_ENCRYPTION_KEYS"
            )
        return self

    @model_validator(mode="after")
    def _refuse_unsafe_production_config(self) -> Settings:
        if self.environment != "production":
            return self
        problems = []
        if self.database_url.startswith("sqlite"):
            problems.append("DATABASE_URL must point at a shared database (PostgreSQL), not SQLite")
        has_mtls = self.temporal_tls_client_cert_path and self.temporal_tls_client_key_path
        if not (self.temporal_tls or has_mtls or self.temporal_api_key):
            problems.append(
                "the Temporal connection must use TLS (mTLS certificates or an API key)"
            )
        secrets = [
            ("AUTH_TOKEN_SECRET", self.auth_token_secret),
            *(
                (f"PAYLOAD_ENCRYPTION_KEYS[{k}]", v)
                for k, v in self.payload_encryption_keys.items()
            ),
            *((f"AGENCY_SERVICE_KEYS[{k}]", v) for k, v in self.agency_service_keys.items()),
            *((f"AGENCY_OFFICER_KEYS[{k}]", v) for k, v in self.agency_officer_keys.items()),
            *((f"AGENCY_SIGNING_KEYS[{k}]", v) for k, v in self.agency_signing_keys.items()),
        ]
        for name, secret in secrets:
            value = secret.get_secret_value()
            if not value or is_dev_value(value):
                problems.append(f"{name} is empty or a development default")
        dev_public = {public_key_b64(dev_signing_seed(a)) for a in AGENCIES}
        if any(set(keys) & dev_public for keys in self.agency_verify_keys.values()):
            problems.append("AGENCY_VERIFY_KEYS trusts a development signing key")
        if self.working_day_seconds is not None:
            problems.append("WORKING_DAY_SECONDS shortens legal deadlines and is for tests only")
        if problems:
            raise ValueError("unsafe production settings: " + "; ".join(problems))
        return self


@lru_cache
def get_settings() -> Settings:
    return Settings()
