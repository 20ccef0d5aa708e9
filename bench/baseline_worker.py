"""Run the baseline's workers in processes of their own, split as the product's are:

    python -m bench.baseline_worker orchestrator       # the bare declarations
    python -m bench.baseline_worker justice police social_security postal   # the bare cases

The orchestrator role connects to the orchestrator's namespace with its settings and runs the
bare declarations with the product orchestrator worker's tuning; each agency role connects to the
agency's namespace with the agency's own settings and keys (`JUSTICE_…`, as `worker.py` reads
them) and serves the agency's bare Nexus handlers, tuned as the product's case worker. Both take
the task-queue prefix from `TASK_QUEUE_PREFIX` (the benchmark gives them `<prefix>-baseline`).
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import os
import signal
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from contextlib import AsyncExitStack

from temporalio.client import Client
from temporalio.worker import Worker

from agency_contracts.parties import AGENCY_PARTIES
from bench.baseline import (
    BareJusticeHandler,
    BarePoliceHandler,
    BarePostalHandler,
    BareSocialSecurityHandler,
    BaselineCaseWorkflow,
    BaselineDeclarationWorkflow,
    do_nothing,
    report_nothing,
)
from observability.logging import configure_logging, get_logger
from schemas.workflow_inputs import orchestrator_task_queue
from settings import AgencyWorkerSettings, Settings, get_settings
from temporal_connection.client import connect
from worker import agency_settings, case_worker, workflow_runner, workflow_worker

ROLES = ("orchestrator", *AGENCY_PARTIES)
HANDLERS: dict[str, type] = {
    "justice": BareJusticeHandler,
    "police": BarePoliceHandler,
    "social_security": BareSocialSecurityHandler,
    "postal": BarePostalHandler,
}

log = get_logger("baseline-worker")


def orchestrator_worker(client: Client, settings: Settings, executor: ThreadPoolExecutor) -> Worker:
    """The bare declarations, tuned as the product's orchestrator worker. The baseline's module
    is passed through the sandbox as the product's workflows are: neither re-imports its
    workflow code for each run."""
    return workflow_worker(
        client,
        settings,
        orchestrator_task_queue(settings.task_queue_prefix),
        [BaselineDeclarationWorkflow],
        [do_nothing, report_nothing],
        executor,
        workflow_runner("bench"),
    )


def agency_worker(client: Client, settings: AgencyWorkerSettings) -> Worker:
    """An agency's bare handlers, tuned as the product's case worker: the post office answers
    at once and runs no case workflows."""
    workflows = [BaselineCaseWorkflow] if settings.agency != "postal" else []
    handler = HANDLERS[settings.agency]()
    return case_worker(client, settings, workflows, [], handler, workflow_runner("bench"))


async def run_workers(roles: Sequence[str]) -> None:
    """As `worker.run_workers`: only the orchestrator role reads the orchestrator's settings;
    each agency role reads its own alone (`worker.agency_settings`)."""
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    async with AsyncExitStack() as stack:
        for role in roles:
            if role == "orchestrator":
                settings = get_settings()
                executor = stack.enter_context(
                    ThreadPoolExecutor(max_workers=settings.max_concurrent_activities)
                )
                worker = orchestrator_worker(await connect(settings), settings, executor)
            else:
                own = agency_settings(role)
                worker = agency_worker(await connect(own), own)
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
    configure_logging("baseline-worker", os.environ.get("LOG_LEVEL", "INFO"))
    asyncio.run(run_workers(roles))
    # As worker.py: end the process once the workers have shut down and the logs are flushed,
    # before the SDK's native threads can abort the interpreter's teardown.
    logging.shutdown()
    os._exit(0)


if __name__ == "__main__":
    main()
