"""The settings of a test stack and of the agencies' case workers beside it, and the same
settings as the environment of a worker in a separate process."""

from __future__ import annotations

import json
import secrets
from pathlib import Path

from pydantic import SecretStr

from schemas.parties import AGENCY_PARTIES, settings_prefix
from settings import AgencyWorkerSettings, PartySettings, Settings
from tests.harness.session_services import SessionServices

# Small enough that a test can send an attachment over the limit without a large body.
TEST_ATTACHMENT_MAX_BYTES = 256 * 1024


def stack_settings(services: SessionServices, **overrides: object) -> Settings:
    values: dict[str, object] = {
        "environment": "test",
        "temporal_address": services.temporal_address,
        "task_queue_prefix": f"test-{secrets.token_hex(4)}",
        "database_url": services.database_url,
        "agency_call_timeout_seconds": 6.0,
        "attachment_max_bytes": TEST_ATTACHMENT_MAX_BYTES,
        "decision_recheck_seconds": 1.0,
        "ended_runs_watch_seconds": 1.0,
        # The session's sandbox SMS gateway and mail server, which declarants are told through.
        "sms_gateway_url": services.sms_gateway_url,
        "smtp_port": services.smtp_port,
        "notice_send_timeout_seconds": 5.0,
    }
    values.update(overrides)
    return Settings(**values)  # type: ignore[arg-type]


def agency_settings_for(
    services: SessionServices, settings: Settings, agency: str, portal_url: str | None = None
) -> AgencyWorkerSettings:
    """An agency's own case-worker settings beside a test stack: its sandbox system, its
    namespace and keys (the development ones), the stack's server and prefix, and the portal
    API its signed results are stored through."""
    portal = {"portal_url": portal_url} if portal_url else {}
    return AgencyWorkerSettings.for_agency(
        agency,
        environment="test",
        temporal_address=services.temporal_address,
        task_queue_prefix=settings.task_queue_prefix,
        system_url=services.agency_urls[agency],
        agency_http_timeout_seconds=2.0,
        agency_call_timeout_seconds=6.0,
        decision_poll_interval_seconds=0.1,
        **portal,
    )


def _plain(value: object) -> object:
    if isinstance(value, SecretStr):
        return value.get_secret_value()
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if hasattr(value, "model_dump"):
        return {k: _plain(getattr(value, k)) for k in type(value).model_fields}  # type: ignore[attr-defined]
    return value


def settings_env(settings: PartySettings, base: dict[str, str], prefix: str = "") -> dict[str, str]:
    """The same settings as environment variables, for a worker in a separate process."""
    env = dict(base)
    for name in type(settings).model_fields:
        value = _plain(getattr(settings, name))
        if value is None:
            continue
        if isinstance(value, Path):
            value = str(value)
        env[f"{prefix}{name.upper()}"] = (
            json.dumps(value, default=str) if isinstance(value, (dict, list)) else str(value)
        )
    return env


def stack_env(
    services: SessionServices, settings: Settings, portal_url: str | None = None
) -> dict[str, str]:
    """The environment of a worker process serving a stack: the orchestrator's settings, and
    each agency's own under its prefix."""
    env = settings_env(settings, services.env)
    for agency in AGENCY_PARTIES:
        own = agency_settings_for(services, settings, agency, portal_url)
        env = settings_env(own, env, prefix=settings_prefix(agency))
    return env
