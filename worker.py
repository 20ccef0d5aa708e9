"""Run the orchestrator worker and any agency adapter workers in one process.

    python worker.py orchestrator                  # the workflows and the store
    python worker.py justice police                # adapter workers, e.g. inside an agency
    python worker.py all                           # everything, for development

An agency's adapter worker needs only Temporal and its own agency's address and credentials.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import os
import signal
from collections.abc import Awaitable, Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from contextlib import AsyncExitStack
from dataclasses import dataclass
from typing import Any

from temporalio.client import Client
from temporalio.worker import Worker
from temporalio.worker.workflow_sandbox import SandboxedWorkflowRunner, SandboxRestrictions

from activities.agency_cases import AgencyCaseActivities
from activities.justice import JusticeActivities
from activities.police import PoliceActivities
from activities.postal import PostalActivities
from activities.records import RecordActivities
from activities.social_security import SocialSecurityActivities
from adapters.agency_cases import AgencyCaseClient
from adapters.agency_http import AgencyHttpClient
from adapters.decision_relay import DecisionRelay
from adapters.justice import JusticeClient
from adapters.police import PoliceClient
from adapters.postal import PostalClient
from adapters.social_security import SocialSecurityClient
from observability.logging import configure_logging, get_logger
from schemas.common import Agency
from schemas.workflow_inputs import TaskQueues
from settings import Settings, get_settings
from store.database import engine_for
from temporal_connection.client import connect
from workflows.birth import BirthDeclarationWorkflow
from workflows.death import DeathDeclarationWorkflow

ROLES = ("orchestrator", "justice", "police", "social_security", "postal")

# Modules the workflow sandbox shares with the host instead of re-importing per workflow run:
# they hold no workflow state, and re-importing pydantic models per run is slow.
PASSTHROUGH_MODULES = (
    # The workflows hold no state in their modules either: passing them through spares
    # re-importing them for every new workflow run (a fifth of a run's CPU when replayed). The
    # price is that the sandbox no longer sees their calls; tests/test_workflow_determinism.py
    # keeps them off the clock and I/O instead, and the replay tests catch what it cannot.
    "workflows",
    "schemas",
    "security",
    "cryptography",
    "legal_deadlines",
    "activities",
    "adapters",
    "reference_data",
    "temporal_connection",
    "observability",
    "store",
    "settings",
    "pydantic",
    "pydantic_core",
    "email_validator",
    "holidays",
    "sqlalchemy",
    "sqlmodel",
    "httpx",
    "structlog",
    "tenacity",
)

log = get_logger("worker")


def workflow_runner() -> SandboxedWorkflowRunner:
    return SandboxedWorkflowRunner(
        restrictions=SandboxRestrictions.default.with_passthrough_modules(*PASSTHROUGH_MODULES)
    )


def _agency_http(settings: Settings, agency: str, base_url: str) -> AgencyHttpClient:
    return AgencyHttpClient(
        agency,
        base_url,
        timeout_seconds=settings.agency_http_timeout_seconds,
        transport_attempts=settings.agency_transport_attempts,
        api_key=settings.service_key(agency),
    )


@dataclass
class RoleWorker:
    """A role's Temporal worker, and what else the role runs beside it."""

    worker: Worker
    close: Callable[[], Awaitable[None]] | None = None
    relay: DecisionRelay | None = None


AGENCY_URLS: dict[str, Callable[[Settings], str]] = {
    "justice": lambda s: s.justice_url,
    "police": lambda s: s.police_url,
    "social_security": lambda s: s.social_security_url,
    "postal": lambda s: s.postal_url,
}


def _agency_activities(role: str, http: AgencyHttpClient) -> list[Callable[..., Any]]:
    if role == "justice":
        justice = JusticeActivities(JusticeClient(http))
        return [justice.register_birth, justice.register_death]
    if role == "police":
        police = PoliceActivities(PoliceClient(http))
        return [police.register_residence, police.remove_residence, police.verify_identities]
    if role == "social_security":
        vss = SocialSecurityActivities(SocialSecurityClient(http))
        return [
            vss.issue_health_insurance_card,
            vss.settle_funeral_allowance,
            vss.settle_survivor_benefit,
        ]
    return [PostalActivities(PostalClient(http)).send_results]


def workflow_worker(
    client: Client,
    settings: Settings,
    task_queue: str,
    workflows: Sequence[type],
    activities: Sequence[Callable[..., Any]],
    executor: ThreadPoolExecutor,
) -> Worker:
    """A worker for workflows, with the orchestrator's tuning (the benchmark's baseline runs on
    the same)."""
    return Worker(
        client,
        task_queue=task_queue,
        workflows=workflows,
        activities=activities,
        activity_executor=executor,
        workflow_runner=workflow_runner(),
        max_cached_workflows=settings.max_cached_workflows,
        max_concurrent_workflow_tasks=settings.max_concurrent_workflow_tasks,
        max_concurrent_activities=settings.max_concurrent_activities,
        max_concurrent_local_activities=settings.max_concurrent_activities,
    )


def build_worker(
    role: str, client: Client, settings: Settings, executor: ThreadPoolExecutor
) -> RoleWorker:
    queues = TaskQueues.with_prefix(settings.task_queue_prefix)
    if role == "orchestrator":
        records = RecordActivities(engine_for(settings.database_url))
        return RoleWorker(
            workflow_worker(
                client,
                settings,
                queues.orchestrator,
                [BirthDeclarationWorkflow, DeathDeclarationWorkflow],
                [records.save_progress, records.record_escalation, records.verify_attachments],
                executor,
            )
        )
    if role not in AGENCY_URLS:
        raise ValueError(f"unknown worker role {role!r}; choose from {', '.join(ROLES)}")
    http = _agency_http(settings, role, AGENCY_URLS[role](settings))
    activities = _agency_activities(role, http)
    relay = None
    if role != "postal":
        agency = Agency(role)
        follow_ups = AgencyCaseActivities(agency, AgencyCaseClient(http))
        activities += [follow_ups.cancel_case, follow_ups.follow_up_case]
        relay = DecisionRelay(agency, http, client, settings.decision_poll_interval_seconds)
    worker = Worker(
        client,
        task_queue=getattr(queues, role),
        activities=activities,
        max_concurrent_activities=settings.max_concurrent_activities,
    )
    return RoleWorker(worker, http.aclose, relay)


async def start_role_workers(
    roles: Sequence[str],
    client: Client,
    settings: Settings,
    executor: ThreadPoolExecutor,
    stack: AsyncExitStack,
    stop: asyncio.Event,
) -> list[asyncio.Task[None]]:
    """Start each role's worker on the stack, and its decision relay until `stop` is set. The
    caller awaits the relays before the stack shuts the workers down."""
    relays = []
    for role in roles:
        built = build_worker(role, client, settings, executor)
        if built.close is not None:
            stack.push_async_callback(built.close)
        await stack.enter_async_context(built.worker)
        if built.relay is not None:
            relays.append(asyncio.create_task(built.relay.run(stop)))
        log.info("worker_started", role=role, task_queue=built.worker.task_queue)
    return relays


async def run_workers(roles: list[str], settings: Settings) -> None:
    client = await connect(settings)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    with ThreadPoolExecutor(max_workers=settings.max_concurrent_activities) as executor:
        async with AsyncExitStack() as stack:
            relays = await start_role_workers(roles, client, settings, executor, stack, stop)
            await stop.wait()
            log.info("workers_stopping")
            await asyncio.gather(*relays)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("roles", nargs="+", choices=[*ROLES, "all"])
    args = parser.parse_args()
    roles = list(ROLES) if "all" in args.roles else list(dict.fromkeys(args.roles))
    settings = get_settings()
    configure_logging("worker", settings.log_level)
    asyncio.run(run_workers(roles, settings))
    # The workers have shut down cleanly by now. The SDK's native threads can still abort the
    # interpreter's own teardown (PyGILState_Release), which a supervisor would read as a crash:
    # end the process here instead, once the logs are flushed.
    logging.shutdown()
    os._exit(0)


if __name__ == "__main__":
    main()
