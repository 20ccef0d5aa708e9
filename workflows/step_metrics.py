"""The product's own metrics, emitted from workflows through Temporal's replay-safe meter and
exported by each worker's Prometheus endpoint beside the SDK's metrics."""

from __future__ import annotations

from datetime import datetime

from temporalio import workflow


def step_decided(agency: str, procedure: str, outcome: str, submitted_at: datetime | None) -> None:
    meter = workflow.metric_meter()
    attributes = {"agency": agency, "procedure": procedure, "outcome": outcome}
    meter.create_counter(
        "lienthong_agency_steps", "Agency steps decided, by agency, procedure and outcome."
    ).add(1, attributes)
    if submitted_at is not None:
        meter.create_histogram_timedelta(
            "lienthong_agency_step_latency",
            "Time from a step's submission to its agency's decision.",
            unit="ms",
        ).record(workflow.now() - submitted_at, attributes)


def deadline_missed(scope: str) -> None:
    workflow.metric_meter().create_counter(
        "lienthong_overdue", "Legal deadlines missed and escalated, by scope."
    ).add(1, {"scope": scope})


def declaration_closed(group: str, status: str) -> None:
    workflow.metric_meter().create_counter(
        "lienthong_declarations_closed", "Declarations closed, by procedure group and outcome."
    ).add(1, {"procedure": group, "status": status})
