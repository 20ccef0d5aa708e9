"""The sandbox agencies' own settings: their dataset, their databases, how their officers decide,
and the secrets each agency's system holds (the key its callers present, its officers' key, its
decision-signing key); and the sandbox notification channels' (the SMS gateway's accounts, the
mail server's users, how slowly each answers). They stand in for outside systems and share
nothing with the orchestrator's settings.

Read under `SANDBOX_` (`SANDBOX_DATA_DIR`, `SANDBOX_SERVICE_KEYS`, …).
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Literal

from pydantic import AliasChoices, Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict

from security.dev_credentials import (
    AGENCIES,
    DEV_SMS_ACCOUNT_SID,
    DEV_SMTP_USERNAME,
    dev_secret,
    dev_signing_key_id,
    dev_signing_seed,
    dev_sms_auth_token,
    dev_smtp_password,
)

SANDBOX_ROOT = Path(__file__).resolve().parent
DEFAULT_DATASET_DIR = SANDBOX_ROOT / "data" / "default"


class SandboxSettings(BaseSettings):
    model_config = SettingsConfigDict(
        env_prefix="SANDBOX_", env_file=".env", extra="ignore", frozen=True
    )

    log_level: str = Field(default="INFO", validation_alias=AliasChoices("log_level", "LOG_LEVEL"))
    # How long a sandbox service keeps an idle connection: longer than its clients do (httpx
    # keeps one 5 s), so that a client never sends a request on a connection being closed.
    keep_alive_seconds: int = Field(default=75, ge=1)

    # The people, insured persons and administrative units the agencies' registers start from
    # (the format of `../shared/sandbox/`), and where each agency keeps its own database.
    data_dir: Path = DEFAULT_DATASET_DIR
    state_dir: Path = SANDBOX_ROOT.parent / "var" / "sandbox"

    # How the officers decide when none acts through the officer API.
    decision_mode: Literal["immediate", "delayed", "manual"] = "immediate"
    decision_delay_seconds: float = Field(default=0.0, ge=0)
    # How long after posting the post reports a shipment delivered (days, in life).
    postal_delivery_seconds: float = Field(default=5.0, ge=0)

    # Each agency's secrets, by agency. The defaults are the development credentials its
    # callers also default to (`security.dev_credentials`).
    service_keys: dict[str, SecretStr] = Field(
        default_factory=lambda: {a: SecretStr(dev_secret(f"{a} service key")) for a in AGENCIES}
    )
    officer_keys: dict[str, SecretStr] = Field(
        default_factory=lambda: {a: SecretStr(dev_secret(f"{a} officer key")) for a in AGENCIES}
    )
    signing_keys: dict[str, SecretStr] = Field(
        default_factory=lambda: {a: SecretStr(dev_signing_seed(a)) for a in AGENCIES}
    )
    signing_key_ids: dict[str, str] = Field(
        default_factory=lambda: {a: dev_signing_key_id(a) for a in AGENCIES}
    )

    # The SMS gateway's accounts (account SID → auth token) and the mail server's users (user →
    # password); the defaults are the development credentials the product also defaults to.
    sms_accounts: dict[str, SecretStr] = Field(
        default_factory=lambda: {DEV_SMS_ACCOUNT_SID: SecretStr(dev_sms_auth_token())}
    )
    smtp_users: dict[str, SecretStr] = Field(
        default_factory=lambda: {DEV_SMTP_USERNAME: SecretStr(dev_smtp_password())}
    )
    # How long each channel holds its answer after it has stored a message: a provider whose
    # answer is slow or lost, so that a sender can die between the send and the reply.
    sms_response_delay_seconds: float = Field(default=0.0, ge=0)
    smtp_reply_delay_seconds: float = Field(default=0.0, ge=0)

    def service_key(self, agency: str) -> str:
        return self.service_keys[agency].get_secret_value()

    def officer_key(self, agency: str) -> str:
        return self.officer_keys[agency].get_secret_value()


@lru_cache
def get_sandbox_settings() -> SandboxSettings:
    return SandboxSettings()
