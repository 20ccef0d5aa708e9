"""An agency outage is alerted twice: a log line, and a counter by agency that an alert rule
watches. Counted wherever the call was made: in an activity or in a Nexus handler."""

from __future__ import annotations

from temporalio import activity, nexus

from observability.logging import get_logger

log = get_logger(__name__)


def agency_outage(agency: str, error: Exception) -> None:
    log.warning("agency_outage", agency=agency, error=str(error))
    if activity.in_activity():
        meter = activity.metric_meter()
    elif nexus.in_operation():
        meter = nexus.metric_meter()
    else:
        return
    meter.create_counter(
        "lienthong_agency_outages",
        "Agency calls that found the agency down or refusing our credentials; retried.",
    ).add(1, {"agency": agency})
