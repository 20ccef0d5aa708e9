"""Where a local stack's components listen, where a run keeps its files, how the stack behaves,
and the settings (environment variables) every process of it reads."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from devstack.processes import free_port
from sandbox.mail_server import MAILBOX_DIR, TRANSACTIONS_FILE
from sandbox.sms_gateway import OUTBOX_FILE
from schemas.parties import AGENCY_PARTIES, settings_prefix


@dataclass(frozen=True)
class StackPorts:
    """Where each component listens. No `ui` runs the dev server headless; no `codec`, no
    codec server; no `worker_metrics` or `api_metrics`, no metrics served."""

    temporal: int
    api: int
    agencies: Mapping[str, int]
    # The sandbox notification channels: the SMS gateway's HTTP API and the mail server's SMTP.
    sms_gateway: int
    smtp: int
    ui: int | None = None
    codec: int | None = None
    # Prometheus metrics: the worker's (the SDK's and the workflows') and the API's own.
    worker_metrics: int | None = None
    api_metrics: int | None = None

    @classmethod
    def fixed(cls) -> StackPorts:
        """`make run`'s well-known ports, which the README, the demo and `monitoring/` name."""
        agencies: dict[str, int] = {a: 8101 + n for n, a in enumerate(AGENCY_PARTIES)}
        return cls(
            temporal=7233,
            api=8000,
            agencies=agencies,
            sms_gateway=8110,
            smtp=2525,
            ui=8233,
            codec=8091,
            worker_metrics=9464,
            api_metrics=9465,
        )

    @classmethod
    def pick(cls, *, ui: bool = False, codec: bool = False, metrics: bool = False) -> StackPorts:
        """Free ports, so that several stacks (a test session, a benchmark) run side by side."""
        return cls(
            temporal=free_port(),
            api=free_port(),
            agencies={a: free_port() for a in AGENCY_PARTIES},
            sms_gateway=free_port(),
            smtp=free_port(),
            ui=free_port() if ui else None,
            codec=free_port() if codec else None,
            worker_metrics=free_port() if metrics else None,
            api_metrics=free_port() if metrics else None,
        )

    @property
    def temporal_address(self) -> str:
        return f"127.0.0.1:{self.temporal}"

    @property
    def api_url(self) -> str:
        return f"http://127.0.0.1:{self.api}"

    def agency_url(self, agency: str) -> str:
        return f"http://127.0.0.1:{self.agencies[agency]}"

    @property
    def sms_gateway_url(self) -> str:
        return f"http://127.0.0.1:{self.sms_gateway}"

    def all(self) -> list[int]:
        optional = (self.ui, self.codec, self.worker_metrics, self.api_metrics)
        return [
            self.temporal,
            self.api,
            *self.agencies.values(),
            self.sms_gateway,
            self.smtp,
            *(p for p in optional if p is not None),
        ]


@dataclass(frozen=True)
class StackLayout:
    """Where one run keeps its databases and logs."""

    run_dir: Path

    @property
    def log_dir(self) -> Path:
        return self.run_dir / "logs"

    @property
    def temporal_db(self) -> Path:
        return self.run_dir / "temporal.db"

    @property
    def sandbox_dir(self) -> Path:
        return self.run_dir / "sandbox"

    @property
    def mailbox_dir(self) -> Path:
        """The mail server's Maildir (`sandbox.mail_server.mailbox_reader` reads it)."""
        return self.sandbox_dir / MAILBOX_DIR

    @property
    def mailbox_transactions(self) -> Path:
        return self.sandbox_dir / TRANSACTIONS_FILE

    @property
    def sms_outbox_db(self) -> Path:
        return self.sandbox_dir / OUTBOX_FILE

    @property
    def store_path(self) -> Path:
        return self.run_dir / "lienthong.db"

    @property
    def store_url(self) -> str:
        return f"sqlite:///{self.store_path}"


@dataclass(frozen=True)
class StackOptions:
    """How the stack behaves: its task queues' prefix, how the sandbox officers decide, its
    time limits, and any other settings (environment variables) its processes should read."""

    task_queue_prefix: str = "lienthong"
    decision_mode: str = "immediate"
    decision_delay_seconds: float = 0.0
    # How long the sandbox post takes to deliver; None keeps its own default.
    postal_delivery_seconds: float | None = None
    # How long the SMS gateway and the mail server hold their answer after storing a message
    # (a provider slow to answer, or whose answer is lost); None keeps their default, none.
    sms_response_delay_seconds: float | None = None
    smtp_reply_delay_seconds: float | None = None
    agency_call_timeout_seconds: float | None = None
    decision_poll_interval_seconds: float | None = None
    dataset_dir: Path | None = None
    database_url: str | None = None
    extra_env: Mapping[str, str] = field(default_factory=dict)


def stack_env(layout: StackLayout, ports: StackPorts, options: StackOptions) -> dict[str, str]:
    """The settings of every process, as environment variables: the orchestrator's, the
    sandboxes' (`SANDBOX_…`), and each agency case worker's under its prefix (`JUSTICE_…`). The
    agencies' namespaces and keys are their development defaults."""
    env = {
        **os.environ,
        "TEMPORAL_ADDRESS": ports.temporal_address,
        "TASK_QUEUE_PREFIX": options.task_queue_prefix,
        "DATABASE_URL": options.database_url or layout.store_url,
        "SANDBOX_STATE_DIR": str(layout.sandbox_dir),
        "SANDBOX_DECISION_MODE": options.decision_mode,
        "SANDBOX_DECISION_DELAY_SECONDS": str(options.decision_delay_seconds),
    }
    if options.dataset_dir is not None:
        env["SANDBOX_DATA_DIR"] = str(options.dataset_dir)
    if options.postal_delivery_seconds is not None:
        env["SANDBOX_POSTAL_DELIVERY_SECONDS"] = str(options.postal_delivery_seconds)
    if options.sms_response_delay_seconds is not None:
        env["SANDBOX_SMS_RESPONSE_DELAY_SECONDS"] = str(options.sms_response_delay_seconds)
    if options.smtp_reply_delay_seconds is not None:
        env["SANDBOX_SMTP_REPLY_DELAY_SECONDS"] = str(options.smtp_reply_delay_seconds)
    # Where the product sends its notifications; its credentials default to the sandboxes'.
    env["SMS_GATEWAY_URL"] = ports.sms_gateway_url
    env["SMTP_HOST"] = "127.0.0.1"
    env["SMTP_PORT"] = str(ports.smtp)
    if options.agency_call_timeout_seconds is not None:
        env["AGENCY_CALL_TIMEOUT_SECONDS"] = str(options.agency_call_timeout_seconds)
    tuning = {
        "AGENCY_CALL_TIMEOUT_SECONDS": options.agency_call_timeout_seconds,
        "DECISION_POLL_INTERVAL_SECONDS": options.decision_poll_interval_seconds,
    }
    for agency in AGENCY_PARTIES:
        prefix = settings_prefix(agency)
        env[f"{prefix}SYSTEM_URL"] = ports.agency_url(agency)
        # Where the agency stores the signed results it issues.
        env[f"{prefix}PORTAL_URL"] = ports.api_url
        env.update({prefix + name: str(v) for name, v in tuning.items() if v is not None})
    if ports.api_metrics is not None:
        # Only the API reads it.
        env["API_METRICS_BIND_ADDRESS"] = f"127.0.0.1:{ports.api_metrics}"
    env.update(options.extra_env)
    return env


def worker_env(env: Mapping[str, str], ports: StackPorts) -> dict[str, str]:
    """A worker process's settings: the stack's, and where it serves its metrics. Not in the
    stack's own settings, since every process that connects to Temporal (the API too) would
    serve the SDK's metrics there; one worker process of the stack serves them."""
    own = dict(env)
    if ports.worker_metrics is not None:
        own["METRICS_BIND_ADDRESS"] = f"127.0.0.1:{ports.worker_metrics}"
    return own
