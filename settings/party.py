"""What every party's process needs to reach its own Temporal namespace and seal its payloads."""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import AliasChoices, Field, SecretStr, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from security.dev_credentials import dev_payload_key_id, is_dev_value
from settings.keys import PayloadKeys

PROJECT_ROOT = Path(__file__).resolve().parents[1]


class PartySettings(BaseSettings):
    """What every party's process needs to reach its own Temporal namespace."""

    model_config = SettingsConfigDict(env_file=".env", extra="ignore", frozen=True)

    # Read without a party's prefix: one machine runs in one environment.
    environment: Literal["development", "test", "production"] = Field(
        default="development", validation_alias=AliasChoices("environment", "ENVIRONMENT")
    )
    log_level: str = Field(default="INFO", validation_alias=AliasChoices("log_level", "LOG_LEVEL"))

    # Temporal connection: a local dev server by default, a cluster or Temporal Cloud in production.
    temporal_address: str = "127.0.0.1:7233"
    temporal_namespace: str = "lienthong"
    temporal_tls: bool = False
    temporal_tls_server_ca_path: Path | None = None
    temporal_tls_client_cert_path: Path | None = None
    temporal_tls_client_key_path: Path | None = None
    temporal_tls_server_name: str | None = None
    temporal_api_key: SecretStr | None = None

    # Names the task queues and the Nexus endpoints, so that several stacks can share a server.
    task_queue_prefix: str = "lienthong"

    # Where this process serves Temporal SDK and workflow metrics for Prometheus (host:port);
    # unset, none are served. The portal API serves its own at API_METRICS_BIND_ADDRESS.
    metrics_bind_address: str | None = None

    max_concurrent_activities: int = Field(default=100, ge=1)

    # This party's payload keys: key id -> base64 of 32 bytes, and the active one.
    payload_encryption_keys: dict[str, SecretStr] = Field(
        default_factory=lambda: PayloadKeys.development("orchestrator").keys
    )
    payload_encryption_active_key: str = dev_payload_key_id("orchestrator")

    @property
    def payload_keys(self) -> PayloadKeys:
        return PayloadKeys(
            keys=self.payload_encryption_keys, active=self.payload_encryption_active_key
        )

    @model_validator(mode="after")
    def _check_encryption_keys(self) -> PartySettings:
        if self.payload_encryption_active_key not in self.payload_encryption_keys:
            raise ValueError(
                "PAYLOAD_ENCRYPTION_ACTIVE_KEY names no key in PAYLOAD_ENCRYPTION_KEYS"
            )
        return self

    def connection_problems(self) -> list[str]:
        """What production refuses in how this party reaches Temporal and seals its payloads."""
        problems = []
        has_mtls = self.temporal_tls_client_cert_path and self.temporal_tls_client_key_path
        if not (self.temporal_tls or has_mtls or self.temporal_api_key):
            problems.append(
                "the Temporal connection must use TLS (mTLS certificates or an API key)"
            )
        for key_id, secret in self.payload_encryption_keys.items():
            if is_dev_value(secret.get_secret_value()):
                problems.append(f"PAYLOAD_ENCRYPTION_KEYS[{key_id}] is a development key")
        return problems
