"""What the relay of an agency's feed could not carry, counted on the case worker's Prometheus
endpoint: decisions dead-lettered (`lienthong_decisions_dead_lettered_total`), and polls of the
feed the agency refused as a whole (`lienthong_decision_feed_refusals_total`, by status)."""

from __future__ import annotations

from temporalio.common import MetricMeter


class FeedMetrics:
    def __init__(self, meter: MetricMeter, agency: str) -> None:
        labels = {"agency": agency}
        self._dead_lettered = meter.create_counter(
            "lienthong_decisions_dead_lettered",
            "Feed entries the relay could not carry to a case: kept at the agency for its "
            "operators.",
        ).with_additional_attributes(labels)
        self._refusals = meter.create_counter(
            "lienthong_decision_feed_refusals",
            "Polls of an agency's decision feed that it refused or answered unreadably; "
            "retried after a backoff.",
        ).with_additional_attributes(labels)

    def dead_lettered(self) -> None:
        self._dead_lettered.add(1)

    def feed_refused(self, status_code: int) -> None:
        self._refusals.add(1, {"status": str(status_code)})
