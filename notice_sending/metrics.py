"""What became of the messages to declarants, counted by channel and outcome on the worker's
Prometheus endpoint (`lienthong_notices_total`): sent, refused by the provider, given up after
the channel was down too long, or suppressed by the recipient's limits."""

from __future__ import annotations

from collections.abc import Callable

from temporal_connection.runtime import process_runtime


def notice_counter() -> Callable[[str, str], None]:
    counter = process_runtime().metric_meter.create_counter(
        "lienthong_notices", "Messages to declarants, by channel and outcome."
    )

    def count(channel: str, outcome: str) -> None:
        counter.add(1, {"channel": channel, "outcome": outcome})

    return count
