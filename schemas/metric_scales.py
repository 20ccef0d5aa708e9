"""The product's workflow metrics that the SDK runtime must know by name, with histogram buckets
on the scale of what each measures. The workflows record them; the runtime that exports them
sits below the workflows, so both read the names from here."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

HOUR = 3600.0
DAY = 24 * HOUR

# Recorded as a duration: exported in seconds, as `lienthong_agency_decision_time_seconds`.
AGENCY_DECISION_TIME = "lienthong_agency_decision_time"

# Officers decide within a step's legal limit, one to ten working days: up to two calendar weeks,
# three over Tết; the buckets beyond keep decisions past their deadline apart. The first ones
# keep the agencies' automatic decisions (and the sandbox's quick officers) apart from the rest.
AGENCY_DECISION_TIME_BUCKETS: Sequence[float] = (
    60.0,
    10 * 60.0,
    HOUR,
    4 * HOUR,
    8 * HOUR,
    DAY,
    2 * DAY,
    3 * DAY,
    5 * DAY,
    7 * DAY,
    10 * DAY,
    15 * DAY,
    20 * DAY,
    30 * DAY,
    45 * DAY,
)

# Recorded as a duration by the case workers: `lienthong_document_issue_cpu_seconds`.
DOCUMENT_ISSUE_CPU = "lienthong_document_issue_cpu"

# Printing and signing one result takes milliseconds; the last buckets keep a slow one apart.
DOCUMENT_ISSUE_CPU_BUCKETS: Sequence[float] = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0)

WORKFLOW_HISTOGRAM_BUCKETS: Mapping[str, Sequence[float]] = {
    AGENCY_DECISION_TIME: AGENCY_DECISION_TIME_BUCKETS,
    DOCUMENT_ISSUE_CPU: DOCUMENT_ISSUE_CPU_BUCKETS,
}
