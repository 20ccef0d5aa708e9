"""The Temporal SDK runtime of a process: its core logs go through the product's JSON logging."""

from __future__ import annotations

import logging
from functools import lru_cache

from temporalio.runtime import (
    LogForwardingConfig,
    LoggingConfig,
    Runtime,
    TelemetryConfig,
    TelemetryFilter,
)


@lru_cache(maxsize=1)
def process_runtime() -> Runtime:
    return Runtime(
        telemetry=TelemetryConfig(
            logging=LoggingConfig(
                filter=TelemetryFilter(core_level="WARN", other_level="ERROR"),
                forwarding=LogForwardingConfig(logger=logging.getLogger("temporalio.core")),
            )
        )
    )
