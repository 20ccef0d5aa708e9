"""The faults, injected one after the other while declarations are in flight.

Each fault is logged with where the declarations stood when it struck, and is followed by what
recovery looked like from outside: the restarted process polling again, the task queues polled,
the agencies' decision feeds relayed again. A step that fails (a process that will not start) is
recorded and the next fault still runs, so the report shows everything that went wrong.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime

import httpx
from temporalio.client import Client

from devstack.faults.recovery import Feed, read_feeds, still_waiting, unpolled_queues, wait_for
from devstack.faults.snapshot import describe_in_flight
from devstack.faults.stack import TASK_QUEUE_PREFIX, WORKER_ROLES, worker_name
from devstack.faults.timeline import Timeline
from devstack.launcher import LocalStack
from schemas.parties import AGENCY_PARTIES


@dataclass(frozen=True)
class FaultPlan:
    first_fault_after: float = 20.0
    pause_seconds: float = 15.0
    # How long a killed worker stays dead before its replacement starts.
    restart_delay_seconds: float = 3.0
    # A case worker of each agency is killed in turn, this long after the last one recovered.
    killed_agencies: tuple[str, ...] = AGENCY_PARTIES
    between_agency_kills_seconds: float = 5.0
    outage_agency: str = "social_security"
    outage_seconds: float = 60.0
    temporal_down_seconds: float = 15.0
    recovery_timeout: float = 180.0


@dataclass
class FaultRun:
    """What the faults need, and what they found."""

    stack: LocalStack
    timeline: Timeline
    temporal: Client
    agencies: dict[str, httpx.AsyncClient]
    plan: FaultPlan
    failures: list[str] = field(default_factory=list)
    not_recovered: list[str] = field(default_factory=list)

    def strike(self, fault: str) -> None:
        self.timeline.record(f"FAULT: {fault}", describe_in_flight(self.stack.layout.store_path))

    async def step(self, what: str, action: Callable[[], object]) -> bool:
        """Run a blocking process action off the event loop (filings go on meanwhile)."""
        try:
            await asyncio.to_thread(action)
        except Exception as error:  # noqa: BLE001 - any failure here is a finding for the report
            failure = f"{what} failed: {type(error).__name__}: {error}"
            self.failures.append(failure)
            self.timeline.record("FAULT STEP FAILED", failure)
            return False
        return True


async def _observe(run: FaultRun, what: str, probe: Callable[[], Awaitable[bool]]) -> None:
    took = await wait_for(probe, run.plan.recovery_timeout)
    if took is None:
        run.not_recovered.append(f"{what} (not within {run.plan.recovery_timeout:.0f}s)")
        run.timeline.record("NOT RECOVERED", f"{what} within {run.plan.recovery_timeout:.0f}s")
    else:
        run.timeline.record("recovered", f"{what} after {took:.1f}s")


async def _feeds_once_readable(run: FaultRun) -> list[Feed] | None:
    feeds: list[Feed] | None = None

    async def readable() -> bool:
        nonlocal feeds
        feeds = await read_feeds(run.agencies)
        return feeds is not None

    await _observe(run, "every agency's decision feed readable", readable)
    return feeds


async def observe_recovery(
    run: FaultRun, roles: Sequence[str], since: datetime | None = None
) -> None:
    """From outside: the affected roles poll their task queues again, and every decision the
    agencies had waiting when the fault was mended reaches its workflow (is acknowledged)."""

    async def queues_polled() -> bool:
        assert since is not None
        return not await unpolled_queues(run.temporal, TASK_QUEUE_PREFIX, roles, since)

    if roles:
        await _observe(run, f"task queues polled again ({', '.join(roles)})", queues_polled)
    earlier = await _feeds_once_readable(run)
    if earlier is None:
        return
    run.timeline.say("decision feeds: " + ", ".join(f.describe() for f in earlier))

    async def relayed() -> bool:
        now = await read_feeds(run.agencies)
        return now is not None and still_waiting(earlier, now) == 0

    waiting = sum(len(f.ages) for f in earlier)
    await _observe(run, f"all {waiting} decision(s) waiting at that moment relayed", relayed)


async def kill_worker(run: FaultRun, role: str) -> None:
    """SIGKILL the role's worker (the orchestrator's, or an agency's case worker with its decision
    relay), start a new one after a pause, and watch it take up its task queue again."""
    run.strike(f"SIGKILL the {role} worker")
    if not await run.step(
        f"killing the {role} worker", lambda: run.stack.kill_worker(worker_name(role))
    ):
        return
    await asyncio.sleep(run.plan.restart_delay_seconds)
    since, started = datetime.now(UTC), run.timeline.elapsed()
    restarted = await run.step(
        f"restarting the {role} worker", lambda: run.stack.start_worker([role])
    )
    if restarted:
        took = run.timeline.elapsed() - started
        run.timeline.record(f"{role} worker restarted", f"ready {took:.1f}s after its start")
    await observe_recovery(run, [role], since)


async def agency_outage(run: FaultRun, agency: str, seconds: float) -> None:
    run.strike(f"stop the sandbox {agency} service for {seconds:.0f}s")
    if not await run.step(f"stopping {agency}", lambda: run.stack.stop_agency(agency)):
        return
    run.timeline.record(f"{agency} service stopped")
    await asyncio.sleep(seconds)
    if await run.step(f"starting {agency}", lambda: run.stack.start_agency(agency)):
        run.timeline.record(f"{agency} service serving again", "same state directory")
    # The agency's case worker never stopped polling; what must resume is its relay.
    await observe_recovery(run, [])


async def restart_temporal(run: FaultRun) -> None:
    run.strike("restart the Temporal dev server")
    if not await run.step("stopping the Temporal dev server", run.stack.stop_temporal):
        return
    run.timeline.record("Temporal dev server stopped")
    await asyncio.sleep(run.plan.temporal_down_seconds)
    since = datetime.now(UTC)
    if not await run.step("starting the Temporal dev server", run.stack.start_temporal):
        return
    run.timeline.record(
        "Temporal dev server listening again", "same database file, namespaces and endpoints"
    )

    async def api_healthy() -> bool:
        return await asyncio.to_thread(run.stack.api_healthy)

    await _observe(run, "portal API healthy (reaches Temporal)", api_healthy)
    await observe_recovery(run, WORKER_ROLES, since)


async def inject_faults(run: FaultRun) -> None:
    plan = run.plan
    await asyncio.sleep(plan.first_fault_after)
    await kill_worker(run, "orchestrator")
    for number, agency in enumerate(plan.killed_agencies):
        await asyncio.sleep(plan.between_agency_kills_seconds if number else plan.pause_seconds)
        await kill_worker(run, agency)
    await asyncio.sleep(plan.pause_seconds)
    await agency_outage(run, plan.outage_agency, plan.outage_seconds)
    await asyncio.sleep(plan.pause_seconds)
    await restart_temporal(run)
    run.timeline.record("all faults injected", describe_in_flight(run.stack.layout.store_path))
