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

from schemas.parties import AGENCY_PARTIES, case_task_queue, namespace_of
from schemas.workflow_inputs import orchestrator_task_queue

# Every agency's decisions come later, through the relay beside its case worker: the officers'
# decisions to the cases, and the post's delivery reports to the shipments on their way.
RELAYED_AGENCIES = AGENCY_PARTIES

WORKFLOW = TaskQueueType.TASK_QUEUE_TYPE_WORKFLOW
ACTIVITY = TaskQueueType.TASK_QUEUE_TYPE_ACTIVITY
NEXUS = TaskQueueType.TASK_QUEUE_TYPE_NEXUS


@dataclass(frozen=True)
class RoleQueue:
    """A worker role's task queue, in its party's namespace, and the kinds of task its worker
    polls there."""

    namespace: str
    name: str
    kinds: tuple[TaskQueueType.ValueType, ...]


def task_queues_by_role(prefix: str) -> dict[str, RoleQueue]:
    """The orchestrator's queue in its namespace (declarations, and the dossier check); each
    agency's case queue in the agency's own namespace, where its case worker takes the Nexus
    calls and runs its cases' workflows and activities. The post office runs no activity: it
    posts the results in its Nexus handler and watches each shipment in a workflow."""
    queues = {
        "orchestrator": RoleQueue(
            namespace_of("orchestrator"), orchestrator_task_queue(prefix), (WORKFLOW, ACTIVITY)
        )
    }
    for agency in AGENCY_PARTIES:
        kinds = (WORKFLOW, NEXUS) if agency == "postal" else (WORKFLOW, ACTIVITY, NEXUS)
        queues[agency] = RoleQueue(namespace_of(agency), case_task_queue(prefix, agency), kinds)
    return queues


async def _polled_since(
    client: Client, queue: RoleQueue, kind: TaskQueueType.ValueType, since: datetime
) -> bool:
    """Whether a worker has polled the queue for `kind` since `since` (a killed worker's last
    poll stays listed for a while, so any poller would not do)."""
    try:
        response = await client.workflow_service.describe_task_queue(
            DescribeTaskQueueRequest(
                namespace=queue.namespace,
                task_queue=TaskQueue(name=queue.name),
                task_queue_type=kind,
            ),
            timeout=timedelta(seconds=5),
        )
    except RPCError:
        return False
    return any(p.last_access_time.ToDatetime(tzinfo=UTC) >= since for p in response.pollers)


async def _role_polled_since(client: Client, queue: RoleQueue, since: datetime) -> bool:
    polled = await asyncio.gather(*(_polled_since(client, queue, k, since) for k in queue.kinds))
    return all(polled)


async def unpolled_queues(
    client: Client, prefix: str, roles: Sequence[str], since: datetime
) -> list[str]:
    """Those of `roles` whose task queue has not been polled, for every kind of task its worker
    takes, since `since`."""
    queues = task_queues_by_role(prefix)
    polled = await asyncio.gather(*(_role_polled_since(client, queues[r], since) for r in roles))
    return [role for role, ok in zip(roles, polled, strict=True) if not ok]


@dataclass(frozen=True)
class Feed:
    """Decisions the agency has made that the relay beside its case worker has not yet passed on
    and acknowledged."""

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
