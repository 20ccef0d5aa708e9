"""Run the orchestrator worker and any agency adapter workers in one process.

    python worker.py orchestrator                  # the workflows and the store
    python worker.py justice police                # adapter workers, e.g. inside an agency
    python worker.py all                           # everything, for development

An agency's adapter worker needs only Temporal and its own agency's address and credentials.
"""

from __future__ import annotations

import argparse
import asyncio
import signal
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from contextlib import AsyncExitStack
from typing import Any

from temporalio.client import Client
from temporalio.worker import Worker
from temporalio.worker.workflow_sandbox import SandboxedWorkflowRunner, SandboxRestrictions

from activities.justice import JusticeActivities
from activities.police import PoliceActivities
from activities.postal import PostalActivities
from activities.records import RecordActivities
from activities.social_security import SocialSecurityActivities
from adapters.agency_http import AgencyHttpClient
from adapters.justice import JusticeClient
from adapters.police import PoliceClient
from adapters.postal import PostalClient
from adapters.social_security import SocialSecurityClient
from observability.logging import configure_logging, get_logger
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
    "schemas",
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
    )


def build_worker(
    role: str, client: Client, settings: Settings, executor: ThreadPoolExecutor
) -> tuple[Worker, Callable[[], Any] | None]:
    """The worker for one role, and what to close when it stops."""
    queues = TaskQueues.with_prefix(settings.task_queue_prefix)
    common: dict[str, Any] = {
        "max_concurrent_activities": settings.max_concurrent_activities,
    }
    if role == "orchestrator":
        records = RecordActivities(engine_for(settings.database_url))
        worker = Worker(
            client,
            task_queue=queues.orchestrator,
            workflows=[BirthDeclarationWorkflow, DeathDeclarationWorkflow],
            activities=[records.save_progress],
            activity_executor=executor,
            workflow_runner=workflow_runner(),
            max_cached_workflows=settings.max_cached_workflows,
            max_concurrent_workflow_tasks=settings.max_concurrent_workflow_tasks,
            max_concurrent_local_activities=settings.max_concurrent_activities,
            **common,
        )
        return worker, None
    if role == "justice":
        http = _agency_http(settings, "justice", settings.justice_url)
        justice = JusticeActivities(JusticeClient(http))
        activities: list[Callable[..., Any]] = [justice.register_birth, justice.register_death]
        task_queue = queues.justice
    elif role == "police":
        http = _agency_http(settings, "police", settings.police_url)
        police = PoliceActivities(PoliceClient(http))
        activities = [police.register_residence, police.remove_residence]
        task_queue = queues.police
    elif role == "social_security":
        http = _agency_http(settings, "social_security", settings.social_security_url)
        vss = SocialSecurityActivities(SocialSecurityClient(http))
        activities = [
            vss.issue_health_insurance_card,
            vss.settle_funeral_allowance,
            vss.settle_survivor_benefit,
        ]
        task_queue = queues.social_security
    elif role == "postal":
        http = _agency_http(settings, "postal", settings.postal_url)
        activities = [PostalActivities(PostalClient(http)).send_results]
        task_queue = queues.postal
    else:
        raise ValueError(f"unknown worker role {role!r}; choose from {', '.join(ROLES)}")
    return Worker(client, task_queue=task_queue, activities=activities, **common), http.aclose


async def run_workers(roles: list[str], settings: Settings) -> None:
    client = await connect(settings)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    with ThreadPoolExecutor(max_workers=settings.max_concurrent_activities) as executor:
        async with AsyncExitStack() as stack:
            for role in roles:
                worker, close = build_worker(role, client, settings, executor)
                if close is not None:
                    stack.push_async_callback(close)
                await stack.enter_async_context(worker)
                log.info("worker_started", role=role, task_queue=worker.task_queue)
            await stop.wait()
            log.info("workers_stopping")


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


if __name__ == "__main__":
    main()
