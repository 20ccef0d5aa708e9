"""The product's own metrics, emitted from workflows through Temporal's replay-safe meter and
exported by each worker's Prometheus endpoint beside the SDK's metrics. The runtime adds the
suffixes: counters are scraped as `…_total`, durations as `…_seconds`."""

from __future__ import annotations

from datetime import datetime

from temporalio import workflow

with workflow.unsafe.imports_passed_through():
    from schemas.metric_scales import AGENCY_DECISION_TIME


def step_decided(agency: str, procedure: str, outcome: str, submitted_at: datetime | None) -> None:
    meter = workflow.metric_meter()
    attributes = {"agency": agency, "procedure": procedure, "outcome": outcome}
    meter.create_counter(
        "lienthong_agency_steps", "Agency steps decided, by agency, procedure and outcome."
    ).add(1, attributes)
    if submitted_at is not None:
        # "duration": the runtime exports it in the unit it is set up for, seconds.
        meter.create_histogram_timedelta(
            AGENCY_DECISION_TIME,
            "Time from a step's submission to its agency's decision.",
            unit="duration",
        ).record(workflow.now() - submitted_at, attributes)


def deadline_missed(scope: str) -> None:
    workflow.metric_meter().create_counter(
        "lienthong_deadlines_missed", "Legal deadlines missed and escalated, by scope."
    ).add(1, {"scope": scope})


def declaration_closed(group: str, status: str) -> None:
    workflow.metric_meter().create_counter(
        "lienthong_declarations_closed", "Declarations closed, by procedure group and outcome."
    ).add(1, {"procedure": group, "status": status})
