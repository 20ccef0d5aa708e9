"""The Temporal SDK runtime of a process: its core logs go through the product's JSON logging,
and, when a bind address is set, its metrics (the SDK's and the product's own, emitted from
workflows) are served for Prometheus to scrape."""

from __future__ import annotations

import logging
from functools import lru_cache

from temporalio.runtime import (
    LogForwardingConfig,
    LoggingConfig,
    PrometheusConfig,
    Runtime,
    TelemetryConfig,
    TelemetryFilter,
)


@lru_cache(maxsize=1)
def process_runtime(metrics_bind_address: str | None = None) -> Runtime:
    return Runtime(
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
