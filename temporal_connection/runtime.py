"""The Temporal SDK runtime of a process: its core logs go through the product's JSON logging,
and, when a bind address is set, its metrics (the SDK's and the product's own, emitted from
workflows) are served for Prometheus to scrape."""

from __future__ import annotations

import logging

from temporalio.runtime import (
    LogForwardingConfig,
    LoggingConfig,
    PrometheusConfig,
    Runtime,
    TelemetryConfig,
    TelemetryFilter,
)

_runtime: Runtime | None = None


def process_runtime(metrics_bind_address: str | None = None) -> Runtime:
    """The one runtime of this process, made by its first client: several parties' workers in
    one development process share it, and its metrics endpoint."""
    global _runtime
    if _runtime is not None:
        return _runtime
    _runtime = Runtime(
        telemetry=TelemetryConfig(
            logging=LoggingConfig(
                filter=TelemetryFilter(core_level="WARN", other_level="ERROR"),
                forwarding=LogForwardingConfig(logger=logging.getLogger("temporalio.core")),
            ),
            metrics=PrometheusConfig(bind_address=metrics_bind_address, durations_as_seconds=True)
            if metrics_bind_address
            else None,
        )
    )
    return _runtime
