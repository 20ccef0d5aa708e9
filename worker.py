"""Run the orchestrator worker and any agency case workers in one process.

    python worker.py orchestrator                  # the declarations and the store
    python worker.py justice police                # case workers, e.g. inside an agency
    python worker.py all                           # everything, for development

Each role connects as its own party: the orchestrator to its namespace with its settings, an
agency's case worker to the agency's namespace with the agency's own settings (`JUSTICE_…`),
serving the agency's Nexus endpoint. Several roles in one process share nothing else.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import os
import signal
from collections.abc import Awaitable, Callable, Coroutine, Sequence
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
from activities.records import RecordActivities
from activities.social_security import SocialSecurityActivities
from activities.trust import TrustActivities
from adapters.agency_cases import AgencyCaseClient
from adapters.agency_http import AgencyHttpClient
from adapters.justice import JusticeClient
from adapters.police import PoliceClient
from adapters.postal import PostalClient
from adapters.social_security import SocialSecurityClient
from agency_gateway.decision_feed import DecisionRelay
from agency_gateway.service_handlers import (
    JusticeCases,
    PoliceCases,
    PostalDesk,
    SocialSecurityCases,
)
from observability.logging import configure_logging, get_logger
from schemas.common import Agency
from schemas.parties import AGENCY_PARTIES, case_task_queue
from schemas.workflow_inputs import orchestrator_task_queue
from settings import AgencyWorkerSettings, Settings, get_settings
from store.attachment_sweep import SweepPolicy, watch_attachments
from store.database import engine_for
from store.ended_runs import watch_ended_runs
from store.trust import seed_trust_store
from temporal_connection.client import connect
from workflows.agency_case import AgencyCaseWorkflow
from workflows.birth import BirthDeclarationWorkflow
from workflows.death import DeathDeclarationWorkflow

ROLES = ("orchestrator", *AGENCY_PARTIES)

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


def workflow_runner(*also_passed_through: str) -> SandboxedWorkflowRunner:
    return SandboxedWorkflowRunner(
        restrictions=SandboxRestrictions.default.with_passthrough_modules(
            *PASSTHROUGH_MODULES, *also_passed_through
        )
    )


def _agency_http(settings: AgencyWorkerSettings) -> AgencyHttpClient:
    return AgencyHttpClient(
        settings.agency,
        settings.system_url,
        timeout_seconds=settings.agency_http_timeout_seconds,
        transport_attempts=settings.agency_transport_attempts,
        api_key=settings.service_key.get_secret_value() or None,
    )


@dataclass
class RoleWorker:
    """A role's Temporal worker, and what else the role runs beside it."""

    worker: Worker
    close: Callable[[], Awaitable[None]] | None = None
    # What runs beside the worker until the process stops: an agency's decision relay, the
    # orchestrator's watch over runs that ended without closing their declaration.
    background: Callable[[asyncio.Event], Coroutine[Any, Any, None]] | None = None


def _agency_parts(
    agency: str, http: AgencyHttpClient, call_timeout_seconds: float
) -> tuple[list[Callable[..., Any]], Any]:
    """The agency's case activities and its Nexus service handler."""
    if agency == "postal":
        return [], PostalDesk(PostalClient(http))
    follow_ups = AgencyCaseActivities(Agency(agency), AgencyCaseClient(http))
    activities: list[Callable[..., Any]] = [follow_ups.cancel_case, follow_ups.follow_up_case]
    if agency == "justice":
        justice = JusticeActivities(JusticeClient(http))
        return [*activities, justice.register_birth, justice.register_death], JusticeCases(
            call_timeout_seconds
        )
    if agency == "police":
        police = PoliceActivities(PoliceClient(http))
        activities += [police.register_residence, police.remove_residence]
        return activities, PoliceCases(PoliceClient(http), call_timeout_seconds)
    vss = SocialSecurityActivities(SocialSecurityClient(http))
    activities += [
        vss.issue_health_insurance_card,
        vss.settle_funeral_allowance,
        vss.settle_survivor_benefit,
    ]
    return activities, SocialSecurityCases(call_timeout_seconds)


def workflow_worker(
    client: Client,
    settings: Settings,
    task_queue: str,
    workflows: Sequence[type],
    activities: Sequence[Callable[..., Any]],
    executor: ThreadPoolExecutor,
    runner: SandboxedWorkflowRunner | None = None,
) -> Worker:
    """A worker for workflows, with the orchestrator's tuning (the benchmark's baseline runs on
    the same)."""
    return Worker(
        client,
        task_queue=task_queue,
        workflows=workflows,
        activities=activities,
        activity_executor=executor,
        workflow_runner=runner or workflow_runner(),
        max_cached_workflows=settings.max_cached_workflows,
        max_concurrent_workflow_tasks=settings.max_concurrent_workflow_tasks,
        max_concurrent_activities=settings.max_concurrent_activities,
        max_concurrent_local_activities=settings.max_concurrent_activities,
    )


def orchestrator_worker(
    client: Client, settings: Settings, executor: ThreadPoolExecutor
) -> RoleWorker:
    engine = engine_for(settings.database_url)
    seed_trust_store(engine, settings.agency_verify_keys)
    records, trust = RecordActivities(engine), TrustActivities(engine)
    sweep = SweepPolicy.of(settings)

    async def watch(stop: asyncio.Event) -> None:
        await asyncio.gather(
            watch_ended_runs(client, engine, stop, settings.ended_runs_watch_seconds),
            watch_attachments(engine, sweep, stop, settings.attachment_sweep_seconds),
        )

    return RoleWorker(
        workflow_worker(
            client,
            settings,
            orchestrator_task_queue(settings.task_queue_prefix),
            [BirthDeclarationWorkflow, DeathDeclarationWorkflow],
            [
                records.save_progress,
                records.record_escalation,
                records.verify_attachments,
                trust.verify_decision,
            ],
            executor,
        ),
        background=watch,
    )


def agency_worker(client: Client, settings: AgencyWorkerSettings) -> RoleWorker:
    """An agency's case worker, in the agency's namespace: its Nexus handlers, its cases'
    workflow and activities, and the relay of its officers' decisions to its open cases."""
    http = _agency_http(settings)
    activities, handler = _agency_parts(settings.agency, http, settings.agency_call_timeout_seconds)
    relay = None
    if settings.agency != "postal":
        relay = DecisionRelay(
            Agency(settings.agency), http, client, settings.decision_poll_interval_seconds
        )
    worker = case_worker(
        client, settings, [AgencyCaseWorkflow] if activities else [], activities, handler
    )
    return RoleWorker(worker, http.aclose, relay.run if relay else None)


def case_worker(
    client: Client,
    settings: AgencyWorkerSettings,
    workflows: Sequence[type],
    activities: Sequence[Callable[..., Any]],
    handler: object,
    runner: SandboxedWorkflowRunner | None = None,
) -> Worker:
    """An agency's worker on its case queue, in its namespace (the benchmark's baseline runs on
    the same)."""
    return Worker(
        client,
        task_queue=case_task_queue(settings.task_queue_prefix, settings.agency),
        workflows=workflows,
        activities=activities,
        nexus_service_handlers=[handler],
        workflow_runner=runner or workflow_runner(),
        max_concurrent_activities=settings.max_concurrent_activities,
    )


def agency_settings(agency: str) -> AgencyWorkerSettings:
    """The agency's own settings from its prefixed environment (`JUSTICE_…`). Outside
    production, where the agency sets no server or prefix of its own, it joins the stack's
    (`TEMPORAL_ADDRESS`, `TASK_QUEUE_PREFIX`), as on one development machine."""
    own = AgencyWorkerSettings.for_agency(agency)
    if own.environment == "production":
        return own
    prefix = f"{agency.upper()}_"
    shared = {
        name: os.environ[name.upper()]
        for name in ("temporal_address", "task_queue_prefix")
        if f"{prefix}{name.upper()}" not in os.environ and name.upper() in os.environ
    }
    return AgencyWorkerSettings.for_agency(agency, **shared) if shared else own


async def _start(
    built: RoleWorker, role: str, stack: AsyncExitStack, stop: asyncio.Event
) -> asyncio.Task[None] | None:
    if built.close is not None:
        stack.push_async_callback(built.close)
    await stack.enter_async_context(built.worker)
    log.info("worker_started", role=role, task_queue=built.worker.task_queue)
    return asyncio.create_task(built.background(stop)) if built.background else None


async def start_role_workers(
    roles: Sequence[str],
    client: Client,
    settings: Settings,
    executor: ThreadPoolExecutor,
    stack: AsyncExitStack,
    stop: asyncio.Event,
    settings_of_agency: Callable[[str], AgencyWorkerSettings] = agency_settings,
) -> list[asyncio.Task[None]]:
    """Start each role's worker on the stack, and what runs beside it until `stop` is set. The
    caller awaits those tasks before the stack shuts the workers down."""
    tasks = []
    for role in roles:
        if role == "orchestrator":
            built = orchestrator_worker(client, settings, executor)
        else:
            own = settings_of_agency(role)
            built = agency_worker(await connect(own), own)
        task = await _start(built, role, stack, stop)
        if task is not None:
            tasks.append(task)
    return tasks


OrchestratorBuilder = Callable[[Client, Settings, ThreadPoolExecutor], RoleWorker]
AgencyBuilder = Callable[[Client, AgencyWorkerSettings], RoleWorker]


async def run_workers(
    roles: Sequence[str],
    build_orchestrator: OrchestratorBuilder = orchestrator_worker,
    build_agency: AgencyBuilder = agency_worker,
) -> None:
    """Only a process that runs the orchestrator reads the orchestrator's settings: an agency's
    case worker is deployed with its own alone."""
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    async with AsyncExitStack() as stack:
        tasks = []
        for role in roles:
            if role == "orchestrator":
                settings = get_settings()
                executor = stack.enter_context(
                    ThreadPoolExecutor(max_workers=settings.max_concurrent_activities)
                )
                built = build_orchestrator(await connect(settings), settings, executor)
            else:
                own = agency_settings(role)
                built = build_agency(await connect(own), own)
            task = await _start(built, role, stack, stop)
            if task is not None:
                tasks.append(task)
        await stop.wait()
        log.info("workers_stopping")
        await asyncio.gather(*tasks)


def main(
    description: str | None = __doc__,
    service: str = "worker",
    build_orchestrator: OrchestratorBuilder = orchestrator_worker,
    build_agency: AgencyBuilder = agency_worker,
) -> None:
    parser = argparse.ArgumentParser(
        description=description, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("roles", nargs="+", choices=[*ROLES, "all"])
    args = parser.parse_args()
    roles = list(ROLES) if "all" in args.roles else list(dict.fromkeys(args.roles))
    configure_logging(service, os.environ.get("LOG_LEVEL", "INFO"))
    asyncio.run(run_workers(roles, build_orchestrator, build_agency))
    # The workers have shut down cleanly by now. The SDK's native threads can still abort the
    # interpreter's own teardown (PyGILState_Release), which a supervisor would read as a crash:
    # end the process here instead, once the logs are flushed.
    logging.shutdown()
    os._exit(0)


if __name__ == "__main__":
    main()
