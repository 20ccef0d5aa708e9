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
import functools
import logging
import os
import signal
from collections.abc import Awaitable, Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from contextlib import AsyncExitStack
from dataclasses import dataclass
from typing import Any

from temporalio import workflow
from temporalio.client import Client
from temporalio.worker import Worker
from temporalio.worker.workflow_sandbox import SandboxedWorkflowRunner

from activities.records import RecordActivities
from activities.trust import TrustActivities
from adapters.case_worker.worker import agency_settings
from adapters.desks import agency_worker
from notice_sending.metrics import notice_counter
from notice_sending.sender import NoticeSender
from observability.logging import configure_logging, get_logger
from schemas.parties import AGENCY_PARTIES
from schemas.workflow_inputs import orchestrator_task_queue
from settings import AgencyWorkerSettings, Settings, get_settings
from store.attachment_sweep import SweepPolicy, watch_attachments
from store.database import engine_for
from store.ended_runs import watch_ended_runs
from store.refusal_audit import RefusalAudit
from store.sealing import store_cipher
from store.trust import seed_trust_store
from temporal_connection.client import connect
from temporal_connection.role_worker import RoleWorker
from temporal_connection.workflow_runner import workflow_runner
from workflows.birth import BirthDeclarationWorkflow
from workflows.death import DeathDeclarationWorkflow

ROLES = ("orchestrator", *AGENCY_PARTIES)
# The declarations' workflows, one per procedure group, which the orchestrator's worker runs.
DECLARATION_WORKFLOWS: tuple[type, ...] = (BirthDeclarationWorkflow, DeathDeclarationWorkflow)

log = get_logger("worker")


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


def workflow_types(workflows: Sequence[type]) -> list[str]:
    """The names the worker registers `workflows` under, as their definitions give them."""
    names = [workflow._Definition.must_from_class(w).name for w in workflows]
    if None in names:
        raise ValueError("a dynamic workflow has no type of its own to look for")
    return [name for name in names if name is not None]


def orchestrator_worker(
    client: Client, settings: Settings, executor: ThreadPoolExecutor
) -> RoleWorker:
    engine, cipher = engine_for(settings.database_url), store_cipher(settings)
    seed_trust_store(engine, settings.trust_store_seed)
    notices = NoticeSender.from_settings(engine, cipher, settings, notice_counter())
    records = RecordActivities(engine, cipher, on_notices=notices.wake)
    trust = TrustActivities(engine)
    sweep = SweepPolicy.of(settings)

    task_queue = orchestrator_task_queue(settings.task_queue_prefix)
    refusals = RefusalAudit(engine, task_queue).attach()

    async def watch(stop: asyncio.Event) -> None:
        await asyncio.gather(
            watch_ended_runs(
                client,
                engine,
                cipher,
                workflow_types(DECLARATION_WORKFLOWS),
                stop,
                settings.ended_runs_watch_seconds,
            ),
            watch_attachments(engine, sweep, stop, settings.attachment_sweep_seconds),
            notices.run(stop),
        )

    async def close() -> None:
        refusals.detach()

    return RoleWorker(
        workflow_worker(
            client,
            settings,
            task_queue,
            DECLARATION_WORKFLOWS,
            [
                records.save_progress,
                records.record_escalation,
                records.verify_attachments,
                trust.verify_start,
                trust.verify_decision,
            ],
            executor,
        ),
        close=close,
        background=watch,
    )


async def _start(
    built: RoleWorker, role: str, stack: AsyncExitStack, stop: asyncio.Event
) -> asyncio.Task[None] | None:
    if built.close is not None:
        stack.push_async_callback(built.close)
    await stack.enter_async_context(built.worker)
    log.info("worker_started", role=role, task_queue=built.worker.task_queue)
    return asyncio.create_task(built.background(stop)) if built.background else None


OrchestratorBuilder = Callable[[Client, Settings, ThreadPoolExecutor], RoleWorker]
AgencyBuilder = Callable[[Client, AgencyWorkerSettings], RoleWorker]


async def _connect_orchestrator(settings: Settings) -> Client:
    return await connect(settings)


@dataclass(frozen=True)
class WorkerSetup:
    """Where each role of this process takes its settings, its connection and its worker from.
    Only a process that runs the orchestrator reads the orchestrator's settings: an agency's
    case worker is deployed with its own alone."""

    orchestrator_settings: Callable[[], Settings]
    agency_settings: Callable[[str], AgencyWorkerSettings]
    build_orchestrator: OrchestratorBuilder = orchestrator_worker
    build_agency: AgencyBuilder = agency_worker
    connect_orchestrator: Callable[[Settings], Awaitable[Client]] = _connect_orchestrator


async def start_role_workers(
    roles: Sequence[str], setup: WorkerSetup, stack: AsyncExitStack, stop: asyncio.Event
) -> list[asyncio.Task[None]]:
    """Start each role's worker on the stack, and what runs beside it until `stop` is set. The
    caller awaits those tasks before the stack shuts the workers down."""
    tasks = []
    for role in roles:
        if role == "orchestrator":
            settings = setup.orchestrator_settings()
            executor = stack.enter_context(
                ThreadPoolExecutor(max_workers=settings.max_concurrent_activities)
            )
            client = await setup.connect_orchestrator(settings)
            built = setup.build_orchestrator(client, settings, executor)
        else:
            own = setup.agency_settings(role)
            built = setup.build_agency(await connect(own), own)
        task = await _start(built, role, stack, stop)
        if task is not None:
            tasks.append(task)
    return tasks


async def run_workers(roles: Sequence[str], setup: WorkerSetup) -> None:
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    async with AsyncExitStack() as stack:
        tasks = await start_role_workers(roles, setup, stack, stop)
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
    # The process's environment is read here, and only here.
    setup = WorkerSetup(
        orchestrator_settings=get_settings,
        agency_settings=functools.partial(agency_settings, environ=os.environ),
        build_orchestrator=build_orchestrator,
        build_agency=build_agency,
    )
    asyncio.run(run_workers(roles, setup))
    # The workers have shut down cleanly by now. The SDK's native threads can still abort the
    # interpreter's own teardown (PyGILState_Release), which a supervisor would read as a crash:
    # end the process here instead, once the logs are flushed.
    logging.shutdown()
    os._exit(0)


if __name__ == "__main__":
    main()
