"""The worker processes of a PostgreSQL-mode session, started once and shared by its tests: two
orchestrator workers and one with every agency role, all polling one task-queue prefix."""

from __future__ import annotations

import asyncio
import secrets
import socket
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path

from temporalio.api.enums.v1 import TaskQueueType
from temporalio.api.taskqueue.v1 import TaskQueue
from temporalio.api.workflowservice.v1 import DescribeTaskQueueRequest
from temporalio.client import Client

from devstack.processes import ManagedProcess, free_port
from devstack.temporal_server.nexus_endpoints import register_nexus_endpoints
from schemas.parties import AGENCY_PARTIES, case_task_queue, namespace_of
from schemas.workflow_inputs import orchestrator_task_queue
from tests.harness.configuration import stack_env, stack_settings
from tests.harness.session_services import SessionServices

ORCHESTRATOR_PROCESSES = 2

# The settings a stack may change for itself while the session's shared workers serve it: they
# reach only the portal API and the options it passes to each workflow, never a worker.
API_ONLY_SETTINGS = frozenset(
    {"agency_call_timeout_seconds", "working_day_seconds", "max_request_bytes"}
)


@dataclass(frozen=True)
class SharedWorkers:
    task_queue_prefix: str
    orchestrators: tuple[ManagedProcess, ...]
    agencies: ManagedProcess

    @property
    def processes(self) -> tuple[ManagedProcess, ...]:
        return (*self.orchestrators, self.agencies)

    @property
    def orchestrator_identities(self) -> dict[str, ManagedProcess]:
        """Each orchestrator process by the identity Temporal records for it: the SDK's default,
        `pid@host`, which tells processes on one host apart."""
        host = socket.gethostname()
        identities = {}
        for process in self.orchestrators:
            assert process.process is not None
            identities[f"{process.process.pid}@{host}"] = process
        return identities

    @property
    def log_paths(self) -> list[Path]:
        return [process.log_path for process in self.processes]


async def _pollers(
    client: Client, queue: str, kind: TaskQueueType.ValueType, namespace: str | None = None
) -> set[str]:
    response = await client.workflow_service.describe_task_queue(
        DescribeTaskQueueRequest(
            namespace=namespace or client.namespace,
            task_queue=TaskQueue(name=queue),
            task_queue_type=kind,
        )
    )
    return {poller.identity for poller in response.pollers}


async def _wait_until_polling(client: Client, shared: SharedWorkers, timeout: float = 90) -> None:
    """Until each orchestrator process polls for workflow tasks and the agency process for each
    agency's activities: a test's first declaration then finds every worker ready."""
    prefix = shared.task_queue_prefix
    expected = set(shared.orchestrator_identities)
    deadline = time.monotonic() + timeout
    while True:
        for process in shared.processes:
            if not process.running:
                raise RuntimeError(f"{process.name} exited early:\n{process.log_tail()}")
        seen = await _pollers(
            client, orchestrator_task_queue(prefix), TaskQueueType.TASK_QUEUE_TYPE_WORKFLOW
        )
        agencies_ready = [
            await _pollers(
                client,
                case_task_queue(prefix, agency),
                TaskQueueType.TASK_QUEUE_TYPE_NEXUS,
                namespace_of(agency),
            )
            for agency in AGENCY_PARTIES
        ]
        if expected <= seen and all(agencies_ready):
            return
        if time.monotonic() > deadline:
            raise TimeoutError(
                f"shared workers not polling after {timeout:.0f}s: orchestrator pollers {seen}, "
                f"expected {expected}; agency pollers {agencies_ready}"
            )
        await asyncio.sleep(0.2)


@asynccontextmanager
async def shared_worker_processes(
    services: SessionServices, client: Client
) -> AsyncIterator[SharedWorkers]:
    """The session's worker processes, polling and ready. The store's tables must exist first."""
    settings = stack_settings(services, task_queue_prefix=f"test-shared-{secrets.token_hex(4)}")
    await register_nexus_endpoints(client, settings.task_queue_prefix)
    launcher = services.launcher
    # The agencies' workers store the documents they issue through a portal API of the
    # session's own: each test's API is gone when the test ends, and all share the store.
    api_port = free_port()
    api_key = f"api:{api_port}"
    env = stack_env(services, settings, portal_url=f"http://127.0.0.1:{api_port}")
    names = [f"orchestrator-{n}" for n in range(1, ORCHESTRATOR_PROCESSES + 1)]
    started: list[str] = []
    try:
        api, ready, timeout = launcher.spawn_api(api_port, env, api_key, "portal-api-session")
        started.append(api_key)
        launcher.await_ready(api, ready, timeout)
        orchestrators = []
        for name in names:
            orchestrators.append(launcher.spawn_worker(["orchestrator"], name, env=env)[0])
            started.append(name)
        agencies = launcher.spawn_worker(AGENCY_PARTIES, "agency-workers", env=env)[0]
        started.append("agency-workers")
        shared = SharedWorkers(settings.task_queue_prefix, tuple(orchestrators), agencies)
        await _wait_until_polling(client, shared)
        yield shared
    finally:
        for name in reversed(started):
            launcher.stop(name if name == api_key else f"worker:{name}")
