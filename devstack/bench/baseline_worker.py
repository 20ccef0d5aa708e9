"""Run the baseline's workers in processes of their own, split as the product's are:

    python -m devstack.bench.baseline_worker orchestrator       # the bare declarations
    python -m devstack.bench.baseline_worker justice police social_security postal  # the cases

The orchestrator role connects to the orchestrator's namespace with its settings and runs the
bare declarations with the product orchestrator worker's tuning; each agency role connects to the
agency's namespace with the agency's own settings and keys (`JUSTICE_…`, as `worker.py` reads
them) and serves the agency's bare Nexus handlers, tuned as the product's case worker. Both take
the task-queue prefix from `TASK_QUEUE_PREFIX` (the benchmark gives them `<prefix>-baseline`).
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

from temporalio.client import Client

import worker
from adapters.case_worker.worker import case_worker
from devstack.bench.baseline import (
    BareJusticeHandler,
    BarePoliceHandler,
    BarePostalHandler,
    BareSocialSecurityHandler,
    BaselineCaseWorkflow,
    BaselineDeclarationWorkflow,
    do_nothing,
    report_nothing,
)
from schemas.workflow_inputs import orchestrator_task_queue
from settings import AgencyWorkerSettings, Settings
from temporal_connection.role_worker import RoleWorker
from temporal_connection.workflow_runner import workflow_runner
from worker import workflow_worker

HANDLERS: dict[str, type] = {
    "justice": BareJusticeHandler,
    "police": BarePoliceHandler,
    "social_security": BareSocialSecurityHandler,
    "postal": BarePostalHandler,
}


def orchestrator_worker(
    client: Client, settings: Settings, executor: ThreadPoolExecutor
) -> RoleWorker:
    """The bare declarations, tuned as the product's orchestrator worker. The baseline's module
    is passed through the sandbox as the product's workflows are: neither re-imports its
    workflow code for each run."""
    return RoleWorker(
        workflow_worker(
            client,
            settings,
            orchestrator_task_queue(settings.task_queue_prefix),
            [BaselineDeclarationWorkflow],
            [do_nothing, report_nothing],
            executor,
            workflow_runner("bench"),
        )
    )


def agency_worker(client: Client, settings: AgencyWorkerSettings) -> RoleWorker:
    """An agency's bare handlers, tuned as the product's case worker: the post office answers
    at once and runs no case workflows."""
    workflows = [BaselineCaseWorkflow] if settings.agency != "postal" else []
    handler = HANDLERS[settings.agency]()
    return RoleWorker(
        case_worker(client, settings, workflows, [], handler, workflow_runner("bench"))
    )


if __name__ == "__main__":
    worker.main(__doc__, "baseline-worker", orchestrator_worker, agency_worker)
