"""What printing and signing a result costs, on the case worker's Prometheus endpoint: the CPU
time of each document's printing and signature, by agency and kind of document
(`lienthong_document_issue_cpu_seconds`). The benchmark reads it beside the case workers' whole
CPU, which also pays for their cases, their Nexus handlers and their relays."""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import timedelta
from typing import TypeVar

from temporalio.common import MetricMeter

from schemas.metric_scales import DOCUMENT_ISSUE_CPU

T = TypeVar("T")


class DocumentMetrics:
    def __init__(self, meter: MetricMeter, agency: str) -> None:
        # A duration, so that it is exported in seconds, as the runtime exports durations.
        self._cpu = meter.create_histogram_timedelta(
            DOCUMENT_ISSUE_CPU, "CPU time to print and sign one electronic result."
        ).with_additional_attributes({"agency": agency})

    def timed(self, kind: str, work: Callable[[], T]) -> T:
        """`work`, run in the calling thread, its CPU time recorded against `kind`."""
        started = time.thread_time()
        done = work()
        self._cpu.record(timedelta(seconds=time.thread_time() - started), {"kind": kind})
        return done
