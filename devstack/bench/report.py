"""What a run reports: each phase's figures, and the results set side by side, product and
baseline, per declaration."""

from __future__ import annotations

import argparse
import os
import statistics
from dataclasses import asdict, dataclass, field
from typing import Any

from devstack.bench.load import Closed
from devstack.bench.readings import orchestrator_cpu, pid_of, rss_mb
from devstack.bench.records import Recorded
from devstack.bench.stack import (
    BASELINE,
    BASELINE_AGENCIES,
    BASELINE_ORCHESTRATOR,
    PRODUCT_AGENCIES,
    PRODUCT_ORCHESTRATOR,
    TEMPORAL,
)
from devstack.processes import ManagedProcess


@dataclass
class PhaseResult:
    phase: str
    declarations: int
    seconds: float
    throughput_per_second: float
    latency_p50: float
    latency_p95: float
    latency_p99: float
    peak_worker_rss_mb: float
    # CPU the orchestrator's own processes (its worker and the Temporal server) spent over the
    # phase, per declaration.
    orchestrator_cpu_ms_per_declaration: float
    # Events each declaration's workflow wrote to its history in the orchestrator's namespace.
    history_events_per_declaration: float
    notes: dict[str, Any] = field(default_factory=dict)
    # The product's phases only, from what the stack recorded (`records`). The agencies' case
    # workers' CPU, until the last of the phase's documents was stored, per signed document the
    # portal stored for the phase's declarations; the SMS the gateway accepted over the phase,
    # and the segments it counted, per declaration.
    case_worker_cpu_ms_per_document: float | None = None
    # Of that, what printing and signing one document took, as the case workers measured it.
    document_cpu_ms_per_document: float | None = None
    sms_messages_per_declaration: float | None = None
    sms_segments_per_declaration: float | None = None
    # From the submission until the declaration's outcome was in its status (the store's close
    # time); the latency above runs until its workflow closed, once its last notice was sent.
    outcome_latency_p50: float | None = None
    outcome_latency_p95: float | None = None
    outcome_latency_p99: float | None = None
    # Until the last message of its outcome and results was sent (the post's delivery report,
    # which waits on the post, left out).
    notice_latency_p50: float | None = None
    notice_latency_p95: float | None = None
    notice_latency_p99: float | None = None


def per_document(cpu_seconds: float, documents: int) -> float | None:
    return round(1000 * cpu_seconds / documents, 1) if documents else None


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def measure(
    phase: str,
    submitted: dict[str, float],
    closed: Closed,
    worker: ManagedProcess,
    cpu_seconds: dict[str, float],
    recorded: Recorded | None = None,
    **notes: Any,
) -> PhaseResult:
    latencies = [closed.times[w] - submitted[w] for w in submitted if w in closed.times]
    span = max(closed.times.values()) - min(submitted.values())
    count = len(latencies)
    events = [closed.history_events[w] for w in submitted if w in closed.history_events]
    result = PhaseResult(
        phase=phase,
        declarations=count,
        seconds=round(span, 2),
        throughput_per_second=round(count / span, 2),
        latency_p50=round(statistics.median(latencies), 3),
        latency_p95=round(percentile(latencies, 0.95), 3),
        latency_p99=round(percentile(latencies, 0.99), 3),
        peak_worker_rss_mb=round(rss_mb(pid_of(worker)), 1),
        orchestrator_cpu_ms_per_declaration=round(
            1000 * orchestrator_cpu(cpu_seconds, worker.name) / count, 1
        ),
        history_events_per_declaration=round(statistics.mean(events), 1),
        notes={
            "not_closed": len(submitted) - count,
            "history_events_min_max": [min(events), max(events)],
            "orchestrator_processes": [worker.name, TEMPORAL],
            "cpu_seconds": {name: round(seconds, 1) for name, seconds in cpu_seconds.items()},
            **notes,
        },
    )
    if recorded is not None:
        _add_records(result, submitted, recorded)
    return result


def _add_records(result: PhaseResult, submitted: dict[str, float], recorded: Recorded) -> None:
    count = result.declarations
    result.case_worker_cpu_ms_per_document = per_document(
        recorded.case_worker_cpu_seconds, recorded.documents_stored
    )
    result.document_cpu_ms_per_document = per_document(
        recorded.document_cpu.seconds, recorded.document_cpu.documents
    )
    result.sms_messages_per_declaration = round(recorded.sms_messages / count, 2)
    result.sms_segments_per_declaration = round(recorded.sms_segments / count, 2)
    outcomes = [
        recorded.outcome_times[w] - submitted[w] for w in submitted if w in recorded.outcome_times
    ]
    if outcomes:
        result.outcome_latency_p50 = round(statistics.median(outcomes), 3)
        result.outcome_latency_p95 = round(percentile(outcomes, 0.95), 3)
        result.outcome_latency_p99 = round(percentile(outcomes, 0.99), 3)
    notices = [
        recorded.notice_times[w] - submitted[w] for w in submitted if w in recorded.notice_times
    ]
    if notices:
        result.notice_latency_p50 = round(statistics.median(notices), 3)
        result.notice_latency_p95 = round(percentile(notices, 0.95), 3)
        result.notice_latency_p99 = round(percentile(notices, 0.99), 3)
    result.notes.update(
        documents_stored=recorded.documents_stored,
        case_worker_cpu_seconds=round(recorded.case_worker_cpu_seconds, 1),
        documents_printed=recorded.document_cpu.documents,
        sms_messages=recorded.sms_messages,
        sms_segments=recorded.sms_segments,
        outcome_in_status=len(outcomes),
        outcome_told=len(notices),
    )


def ratio(product: float, baseline: float) -> float:
    return round(product / baseline, 3)


def summary(product: PhaseResult, baseline: PhaseResult, half: PhaseResult) -> dict[str, Any]:
    """The figures the benchmark is read by, per declaration, product beside baseline."""
    return {
        "throughput_per_second": {
            "product": product.throughput_per_second,
            BASELINE: baseline.throughput_per_second,
        },
        "latency_at_half_peak_rate_seconds": {
            "offered_rate_per_second": half.notes["offered_rate_per_second"],
            "p50": half.latency_p50,
            "p95": half.latency_p95,
            "p99": half.latency_p99,
        },
        "orchestrator_cpu_ms_per_declaration": {
            "product": product.orchestrator_cpu_ms_per_declaration,
            BASELINE: baseline.orchestrator_cpu_ms_per_declaration,
        },
        "history_events_per_declaration": {
            "product": product.history_events_per_declaration,
            BASELINE: baseline.history_events_per_declaration,
        },
    }


def half_rate_latencies(half: PhaseResult) -> dict[str, Any]:
    """The two latencies at half the peak rate: until the outcome is in the declaration's
    status, and until the last message of its outcome and results was sent."""
    return {
        "offered_rate_per_second": half.notes["offered_rate_per_second"],
        "until_outcome_in_status": {
            "p50": half.outcome_latency_p50,
            "p95": half.outcome_latency_p95,
            "p99": half.outcome_latency_p99,
        },
        "until_last_notice_sent": {
            "p50": half.notice_latency_p50,
            "p95": half.notice_latency_p95,
            "p99": half.notice_latency_p99,
        },
    }


def results(
    args: argparse.Namespace, product: PhaseResult, baseline: PhaseResult, half: PhaseResult
) -> dict[str, Any]:
    """The run's results, as printed and written to the output file."""
    return {
        "command": "python -m devstack.bench "
        + " ".join(f"--{k.replace('_', '-')} {v}" for k, v in vars(args).items()),
        "machine": {"cpus": os.cpu_count()},
        "processes": {
            "orchestrator": [PRODUCT_ORCHESTRATOR, TEMPORAL],
            "agencies": [PRODUCT_AGENCIES],
            BASELINE: [BASELINE_ORCHESTRATOR, BASELINE_AGENCIES],
        },
        "phases": [asdict(product), asdict(baseline), asdict(half)],
        "throughput_ratio_to_baseline": ratio(
            product.throughput_per_second, baseline.throughput_per_second
        ),
        "orchestrator_cpu_ratio_to_baseline": ratio(
            product.orchestrator_cpu_ms_per_declaration,
            baseline.orchestrator_cpu_ms_per_declaration,
        ),
        "history_events_ratio_to_baseline": ratio(
            product.history_events_per_declaration, baseline.history_events_per_declaration
        ),
        "per_declaration": summary(product, baseline, half),
        "case_worker_cpu_ms_per_document": product.case_worker_cpu_ms_per_document,
        "document_cpu_ms_per_document": product.document_cpu_ms_per_document,
        "sms_segments_per_declaration": product.sms_segments_per_declaration,
        "sms_messages_per_declaration": product.sms_messages_per_declaration,
        "latencies_at_half_peak_rate_seconds": half_rate_latencies(half),
    }
