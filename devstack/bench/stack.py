"""The benchmark's stack, from the one launcher: a fresh server, store and agencies for every run
(the generated dataset is kept), on free ports, headless. The orchestrator's worker runs in a
process of its own, so that its CPU is its own; the agencies' case workers together in another.
The baseline's workers are split the same way, on a task-queue prefix of their own."""

from __future__ import annotations

import asyncio
import secrets
import shutil
from dataclasses import dataclass
from pathlib import Path

from temporalio.api.enums.v1 import TaskQueueType
from temporalio.api.taskqueue.v1 import TaskQueue
from temporalio.api.workflowservice.v1 import DescribeTaskQueueRequest
from temporalio.client import Client
from temporalio.service import RPCError

from devstack.launcher import LocalStack, Starting
from devstack.processes import ManagedProcess, free_port
from devstack.stack_layout import StackLayout, StackOptions, StackPorts, worker_env
from devstack.temporal_server.nexus_endpoints import register_on_dev_server
from sandbox.dataset_generator import write_dataset
from schemas.parties import AGENCY_PARTIES, case_task_queue, namespace_of, settings_prefix
from schemas.workflow_inputs import orchestrator_task_queue
from settings import PROJECT_ROOT, Settings

STATE = PROJECT_ROOT / "var" / "bench"
BASELINE = "baseline"
BASELINE_WORKER_MODULE = "devstack.bench.baseline_worker"
# The processes, by the names the CPU readings carry. The orchestrator's own are its worker and
# the Temporal server; the agencies' case workers, the sandboxes and the portal API are not.
TEMPORAL = "temporal"
PRODUCT_ORCHESTRATOR = "orchestrator-worker"
PRODUCT_AGENCIES = "agency-workers"
BASELINE_ORCHESTRATOR = "baseline-orchestrator"
BASELINE_AGENCIES = "baseline-agencies"

# A task queue a worker polls: its namespace, its name, and what it polls there for.
Queue = tuple[str, str, "TaskQueueType.ValueType"]


@dataclass
class BenchStack:
    local: LocalStack
    settings: Settings
    dataset_dir: Path
    # Where the agencies' case workers serve their metrics: the CPU each document's printing
    # and signature took (`lienthong_document_issue_cpu_seconds`).
    agency_metrics_port: int

    @property
    def agency_metrics_url(self) -> str:
        return f"http://127.0.0.1:{self.agency_metrics_port}/metrics"

    @property
    def prefix(self) -> str:
        return self.settings.task_queue_prefix

    @property
    def baseline_prefix(self) -> str:
        return f"{self.prefix}-{BASELINE}"

    @property
    def api_url(self) -> str:
        return self.local.ports.api_url

    def agency_url(self, agency: str) -> str:
        return self.local.ports.agency_url(agency)

    @property
    def processes(self) -> list[ManagedProcess]:
        return self.local.processes

    def process(self, name: str) -> ManagedProcess:
        return next(p for p in self.processes if p.name == name)

    @property
    def orchestrator_worker(self) -> ManagedProcess:
        return self.process(PRODUCT_ORCHESTRATOR)

    @property
    def baseline_orchestrator(self) -> ManagedProcess:
        return self.process(BASELINE_ORCHESTRATOR)

    def start(self) -> None:
        """Temporal first, with the product's and the baseline's endpoints; then everything
        else at once, since each part waits only for Temporal."""
        local = self.local
        local.start_temporal()
        register_on_dev_server(local.ports.temporal_address, self.baseline_prefix)
        baseline_env = {**local.env, "TASK_QUEUE_PREFIX": self.baseline_prefix}
        orchestrator, agencies = ["orchestrator"], list(AGENCY_PARTIES)
        pending = local.spawn_outside_systems()
        pending += [
            self._polling(
                local.spawn_worker(orchestrator, name=PRODUCT_ORCHESTRATOR),
                self._orchestrator_queues(self.prefix),
            ),
            self._polling(
                local.spawn_worker(
                    agencies,
                    name=PRODUCT_AGENCIES,
                    env={
                        **worker_env(local.env, local.ports),
                        # Read under each agency's prefix; the process's first client serves
                        # them, whichever agency it is.
                        **{
                            f"{settings_prefix(agency)}METRICS_BIND_ADDRESS": (
                                f"127.0.0.1:{self.agency_metrics_port}"
                            )
                            for agency in AGENCY_PARTIES
                        },
                    },
                ),
                self._agency_queues(self.prefix),
            ),
            self._polling(
                local.spawn_worker(
                    orchestrator,
                    name=BASELINE_ORCHESTRATOR,
                    module=BASELINE_WORKER_MODULE,
                    env=baseline_env,
                ),
                self._orchestrator_queues(self.baseline_prefix),
            ),
            self._polling(
                local.spawn_worker(
                    agencies,
                    name=BASELINE_AGENCIES,
                    module=BASELINE_WORKER_MODULE,
                    env=baseline_env,
                ),
                self._agency_queues(self.baseline_prefix),
            ),
            local.spawn_api(),
        ]
        local.await_all(pending)

    def close(self) -> None:
        self.local.close()

    # --- when a worker is ready ---------------------------------------------------------------

    def _orchestrator_queues(self, prefix: str) -> list[Queue]:
        return [
            (
                self.settings.temporal_namespace,
                orchestrator_task_queue(prefix),
                TaskQueueType.TASK_QUEUE_TYPE_WORKFLOW,
            )
        ]

    @staticmethod
    def _agency_queues(prefix: str) -> list[Queue]:
        # Every agency serves Nexus on its case queue; the post office runs no workflows there.
        return [
            (namespace_of(a), case_task_queue(prefix, a), TaskQueueType.TASK_QUEUE_TYPE_NEXUS)
            for a in AGENCY_PARTIES
        ]

    def _polling(self, starting: Starting, queues: list[Queue]) -> Starting:
        """The workers log that they have started at INFO, which the benchmark's WARNING level
        silences: a worker is ready once the server has seen it poll each of its queues."""
        process, _, timeout = starting
        address = self.local.ports.temporal_address
        return process, lambda: polled(address, queues), timeout


async def _all_polled(address: str, queues: list[Queue]) -> bool:
    client = await Client.connect(address)
    for namespace, name, kind in queues:
        described = await client.workflow_service.describe_task_queue(
            DescribeTaskQueueRequest(
                namespace=namespace, task_queue=TaskQueue(name=name), task_queue_type=kind
            )
        )
        if not described.pollers:
            return False
    return True


def polled(address: str, queues: list[Queue]) -> bool:
    try:
        return asyncio.run(_all_polled(address, queues))
    except (RPCError, RuntimeError):
        return False


def prepare_dataset(households: int) -> Path:
    dataset = STATE / f"dataset-{households}"
    if not (dataset / "population.json").exists():
        write_dataset(dataset, seed=2026, households=households)
    return dataset


def clear_previous_run() -> None:
    # SQLite's -wal and -shm files go with their database.
    for leftover in [*STATE.glob("*.db*"), STATE / "sandbox", STATE / "logs"]:
        if leftover.is_dir():
            shutil.rmtree(leftover)
        else:
            leftover.unlink(missing_ok=True)


def bench_stack(households: int, max_cached_workflows: int | None) -> BenchStack:
    """The stack laid out in `var/bench`, not started yet."""
    clear_previous_run()
    STATE.mkdir(parents=True, exist_ok=True)
    dataset = prepare_dataset(households)
    extra_env = {"LOG_LEVEL": "WARNING"}
    if max_cached_workflows is not None:
        extra_env["MAX_CACHED_WORKFLOWS"] = str(max_cached_workflows)
    options = StackOptions(
        task_queue_prefix=f"bench-{secrets.token_hex(3)}",
        decision_mode="immediate",
        dataset_dir=dataset,
        extra_env=extra_env,
    )
    local = LocalStack(StackLayout(STATE), StackPorts.pick(), options)
    settings = Settings.model_validate(
        {k.lower(): v for k, v in local.env.items() if k.lower() in Settings.model_fields}
    )
    return BenchStack(local, settings, dataset, free_port())
