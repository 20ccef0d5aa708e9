"""Seeing, from outside, that the stack recovered from a fault: the task queues are polled
again, and the decisions the agencies made meanwhile reach the workflows again."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import httpx
from temporalio.api.enums.v1 import TaskQueueType
from temporalio.api.taskqueue.v1 import TaskQueue
from temporalio.api.workflowservice.v1 import DescribeTaskQueueRequest
from temporalio.client import Client
from temporalio.service import RPCError

from schemas.workflow_inputs import TaskQueues

# The agencies whose decisions come later, through their adapter's relay; the post office
# answers every shipment at once, so it has no feed to relay.
RELAYED_AGENCIES = ("justice", "police", "social_security")


def task_queues_by_role(prefix: str) -> dict[str, tuple[str, TaskQueueType.ValueType]]:
    """Each worker role's task queue, and the kind of task its worker must be polling for."""
    queues = TaskQueues.with_prefix(prefix)
    activity = TaskQueueType.TASK_QUEUE_TYPE_ACTIVITY
    return {
        "orchestrator": (queues.orchestrator, TaskQueueType.TASK_QUEUE_TYPE_WORKFLOW),
        "justice": (queues.justice, activity),
        "police": (queues.police, activity),
        "social_security": (queues.social_security, activity),
        "postal": (queues.postal, activity),
    }


async def _polled_since(
    client: Client, queue: str, kind: TaskQueueType.ValueType, since: datetime
) -> bool:
    """Whether a worker has polled the queue since `since` (a killed worker's last poll stays
    listed for a while, so any poller would not do)."""
    try:
        response = await client.workflow_service.describe_task_queue(
            DescribeTaskQueueRequest(
                namespace=client.namespace,
                task_queue=TaskQueue(name=queue),
                task_queue_type=kind,
            ),
            timeout=timedelta(seconds=5),
        )
    except RPCError:
        return False
    return any(p.last_access_time.ToDatetime(tzinfo=UTC) >= since for p in response.pollers)


async def unpolled_queues(
    client: Client, prefix: str, roles: Sequence[str], since: datetime
) -> list[str]:
    """Those of `roles` whose task queue no worker has polled since `since`."""
    queues = task_queues_by_role(prefix)
    polled = await asyncio.gather(*(_polled_since(client, *queues[r], since) for r in roles))
    return [role for role, ok in zip(roles, polled, strict=True) if not ok]


@dataclass(frozen=True)
class Feed:
    """Decisions the agency has made that its adapter has not yet relayed and acknowledged."""

    agency: str
    ages: dict[int, float]  # decision ID -> seconds since the agency decided

    def describe(self) -> str:
        if not self.ages:
            return f"{self.agency} 0 waiting"
        return f"{self.agency} {len(self.ages)} waiting (oldest {max(self.ages.values()):.0f}s)"


async def read_feed(agency: str, http: httpx.AsyncClient) -> Feed | None:
    """The agency's unacknowledged decisions, or None while it does not answer."""
    try:
        response = await http.get("/v1/decisions", params={"limit": 500})
        response.raise_for_status()
    except httpx.HTTPError:
        return None
    now = datetime.now(UTC)
    return Feed(
        agency,
        {
            e["decision_id"]: (now - datetime.fromisoformat(e["decided_at"])).total_seconds()
            for e in response.json()
        },
    )


async def read_feeds(agencies: dict[str, httpx.AsyncClient]) -> list[Feed] | None:
    feeds = await asyncio.gather(*(read_feed(a, agencies[a]) for a in RELAYED_AGENCIES))
    if any(feed is None for feed in feeds):
        return None
    return [feed for feed in feeds if feed is not None]


def still_waiting(earlier: list[Feed], now: list[Feed]) -> int:
    """How many of the decisions waiting `earlier` are waiting still."""
    current = {feed.agency: feed.ages.keys() for feed in now}
    return sum(len(feed.ages.keys() & current[feed.agency]) for feed in earlier)


async def wait_for(
    probe: Callable[[], Awaitable[bool]], timeout: float, interval: float = 1.0
) -> float | None:
    """Seconds until `probe` held, or None if it never did within `timeout`."""
    started = time.monotonic()
    while time.monotonic() - started < timeout:
        if await probe():
            return time.monotonic() - started
        await asyncio.sleep(interval)
    return None
