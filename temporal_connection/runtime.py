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

from schemas.metric_scales import WORKFLOW_HISTOGRAM_BUCKETS

_runtime: Runtime | None = None


def prometheus_config(bind_address: str) -> PrometheusConfig:
    """Names as Prometheus expects them (counters end in `_total`, durations in `_seconds`), and
    the product's histograms bucketed on their own scale: an officer's decision takes days, not
    the milliseconds of the SDK's defaults."""
    return PrometheusConfig(
        bind_address=bind_address,
        counters_total_suffix=True,
        unit_suffix=True,
        durations_as_seconds=True,
        histogram_bucket_overrides={
            name: list(buckets) for name, buckets in WORKFLOW_HISTOGRAM_BUCKETS.items()
        },
    )


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
            metrics=prometheus_config(metrics_bind_address) if metrics_bind_address else None,
        )
    )
    return _runtime
