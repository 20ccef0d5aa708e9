"""The test stack: a real Temporal dev server and real sandbox agency services, started once per
session on free ports; workers and the portal API started per test on a fresh task queue.

With LIENTHONG_TEST_STORE=postgresql the same tests run as the product is deployed: the store on
a PostgreSQL server of their own, and the workers in separate processes shared by the session
(two orchestrator workers and one with every agency role) on one task-queue prefix."""

from __future__ import annotations

import asyncio
import json
import os
import secrets
import socket
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import AsyncExitStack, ExitStack
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import pytest
import uvicorn
from pydantic import SecretStr
from sqlalchemy.engine import Engine
from starlette.types import ASGIApp
from temporalio.api.enums.v1 import TaskQueueType
from temporalio.api.taskqueue.v1 import TaskQueue
from temporalio.api.workflowservice.v1 import DescribeTaskQueueRequest
from temporalio.client import Client

from devstack.declaration_factory import DeclarationFactory
from devstack.issuing import issue_from_settings
from devstack.processes import (
    AGENCY_NAMES,
    ManagedProcess,
    dev_server,
    free_port,
    sandbox_agency,
    worker,
)
from devstack.temporal_server.nexus_endpoints import register_nexus_endpoints
from observability.logging import configure_logging
from portal_api.app import create_app
from sandbox.settings import DEFAULT_DATASET_DIR, SandboxSettings
from schemas.parties import case_task_queue, namespace_of
from schemas.workflow_inputs import orchestrator_task_queue
from security.principals import Role
from settings import AgencyWorkerSettings, PartySettings, Settings
from store.database import engine_for
from temporal_connection.client import connect
from tests.portal_session import PortalAuth
from tests.postgres_server import postgres_server
from tests.scenario_people import SCENARIOS, write_test_dataset
from worker import ROLES, start_role_workers

STORE_MODES = ("sqlite", "postgresql")
STORE_MODE = os.environ.get("LIENTHONG_TEST_STORE") or "sqlite"
POSTGRESQL_MODE = STORE_MODE == "postgresql"

# The settings a stack may change for itself while the session's shared workers serve it: they
# reach only the portal API and the options it passes to each workflow, never a worker.
API_ONLY_SETTINGS = frozenset(
    {"agency_call_timeout_seconds", "working_day_seconds", "max_request_bytes"}
)
ORCHESTRATOR_PROCESSES = 2


@dataclass(frozen=True)
class SessionServices:
    temporal_address: str
    ui_url: str
    agency_urls: dict[str, str]
    dataset_dir: Path
    database_url: str
    log_dir: Path
    env: dict[str, str]


def pytest_configure(config: pytest.Config) -> None:
    if STORE_MODE not in STORE_MODES:
        raise pytest.UsageError(
            f"LIENTHONG_TEST_STORE={STORE_MODE!r}: choose one of {', '.join(STORE_MODES)}"
        )
    configure_logging("tests", "INFO")


def pytest_report_header(config: pytest.Config) -> str:
    if POSTGRESQL_MODE:
        return (
            "lienthong store: PostgreSQL; workers: "
            f"{ORCHESTRATOR_PROCESSES} orchestrator processes and one agency process"
        )
    return "lienthong store: SQLite; workers: in-process, per test"


@pytest.fixture(scope="session")
def session_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("stack")


@pytest.fixture(scope="session")
def services(session_dir: Path) -> Iterator[SessionServices]:
    dataset_dir = write_test_dataset(DEFAULT_DATASET_DIR, session_dir / "dataset")
    log_dir = session_dir / "logs"
    env = {
        **os.environ,
        "SANDBOX_DATA_DIR": str(dataset_dir),
        "SANDBOX_STATE_DIR": str(session_dir / "sandbox"),
    }
    processes: list[ManagedProcess] = []
    with ExitStack() as exits:
        if POSTGRESQL_MODE:
            database_url = exits.enter_context(postgres_server()).url
        else:
            database_url = f"sqlite:///{session_dir / 'lienthong.db'}"

        def stop_processes() -> None:
            for process in reversed(processes):
                process.stop()

        # Registered after the database, so unwound before it: the processes stop first.
        exits.callback(stop_processes)
        port, ui_port = free_port(), free_port()
        processes.append(
            # With its Web UI: an operator's view of decoded payloads is tested in a browser.
            dev_server(session_dir / "temporal.db", port, ui_port, log_dir, env)
        )
        urls = {}
        for agency in AGENCY_NAMES:
            agency_port = free_port()
            processes.append(sandbox_agency(agency, agency_port, log_dir, env))
            urls[agency] = f"http://127.0.0.1:{agency_port}"
        yield SessionServices(
            temporal_address=f"127.0.0.1:{port}",
            ui_url=f"http://127.0.0.1:{ui_port}",
            agency_urls=urls,
            dataset_dir=dataset_dir,
            database_url=database_url,
            log_dir=log_dir,
            env=env,
        )


def stack_settings(services: SessionServices, **overrides: object) -> Settings:
    values: dict[str, object] = {
        "environment": "test",
        "temporal_address": services.temporal_address,
        "task_queue_prefix": f"test-{secrets.token_hex(4)}",
        "database_url": services.database_url,
        "agency_call_timeout_seconds": 6.0,
        "attachment_max_bytes": 256 * 1024,
        "decision_recheck_seconds": 1.0,
        "ended_runs_watch_seconds": 1.0,
    }
    values.update(overrides)
    return Settings(**values)  # type: ignore[arg-type]


def agency_settings_for(
    services: SessionServices, settings: Settings, agency: str
) -> AgencyWorkerSettings:
    """An agency's own case-worker settings beside a test stack: its sandbox system, its
    namespace and keys (the development ones), the stack's server and prefix."""
    return AgencyWorkerSettings.for_agency(
        agency,
        environment="test",
        temporal_address=services.temporal_address,
        task_queue_prefix=settings.task_queue_prefix,
        system_url=services.agency_urls[agency],
        agency_http_timeout_seconds=2.0,
        agency_call_timeout_seconds=6.0,
        decision_poll_interval_seconds=0.1,
    )


def _plain(value: object) -> object:
    if isinstance(value, SecretStr):
        return value.get_secret_value()
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if hasattr(value, "model_dump"):
        return {k: _plain(getattr(value, k)) for k in type(value).model_fields}  # type: ignore[attr-defined]
    return value


def settings_env(settings: PartySettings, base: dict[str, str], prefix: str = "") -> dict[str, str]:
    """The same settings as environment variables, for a worker in a separate process."""
    env = dict(base)
    for name in type(settings).model_fields:
        value = _plain(getattr(settings, name))
        if value is None:
            continue
        if isinstance(value, Path):
            value = str(value)
        env[f"{prefix}{name.upper()}"] = (
            json.dumps(value, default=str) if isinstance(value, (dict, list)) else str(value)
        )
    return env


def stack_env(services: SessionServices, settings: Settings) -> dict[str, str]:
    """The environment of a worker process serving a stack: the orchestrator's settings, and
    each agency's own under its prefix."""
    env = settings_env(settings, services.env)
    for agency in AGENCY_NAMES:
        own = agency_settings_for(services, settings, agency)
        env = settings_env(own, env, prefix=f"{agency.upper()}_")
    return env


@pytest.fixture(scope="session")
async def client(services: SessionServices) -> Client:
    return await connect(stack_settings(services))


async def start_stack_endpoints(client: Client, settings: Settings) -> None:
    """The agencies' Nexus endpoints of a stack's task-queue prefix."""
    await register_nexus_endpoints(client, settings.task_queue_prefix)


@pytest.fixture(scope="session")
def engine(services: SessionServices) -> Engine:
    return engine_for(services.database_url)


@pytest.fixture(scope="session")
def factory(services: SessionServices) -> DeclarationFactory:
    built = DeclarationFactory.from_directory(services.dataset_dir, seed=7)
    # The scenario people belong to the benefit tests alone.
    built.reserve(p for s in SCENARIOS.values() for p in (s.personal_id, s.spouse_id))
    return built


@dataclass(frozen=True)
class SharedWorkers:
    """The worker processes of a PostgreSQL-mode session, all polling one task-queue prefix."""

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
            for agency in AGENCY_NAMES
        ]
        if expected <= seen and all(agencies_ready):
            return
        if time.monotonic() > deadline:
            raise TimeoutError(
                f"shared workers not polling after {timeout:.0f}s: orchestrator pollers {seen}, "
                f"expected {expected}; agency pollers {agencies_ready}"
            )
        await asyncio.sleep(0.2)


@pytest.fixture(scope="session")
async def shared_workers(
    services: SessionServices, client: Client, engine: Engine
) -> AsyncIterator[SharedWorkers | None]:
    """In PostgreSQL mode, the session's worker processes, started once (after `engine` has
    created the tables); in SQLite mode none, each test running its own workers in-process."""
    if not POSTGRESQL_MODE:
        yield None
        return
    settings = stack_settings(services, task_queue_prefix=f"test-shared-{secrets.token_hex(4)}")
    await start_stack_endpoints(client, settings)
    env = stack_env(services, settings)
    started: list[ManagedProcess] = []
    try:
        started.extend(
            worker(["orchestrator"], services.log_dir, env, f"orchestrator-{number}")
            for number in range(1, ORCHESTRATOR_PROCESSES + 1)
        )
        started.append(worker(list(AGENCY_NAMES), services.log_dir, env, "agency-workers"))
        shared = SharedWorkers(settings.task_queue_prefix, tuple(started[:-1]), started[-1])
        await _wait_until_polling(client, shared)
        yield shared
    finally:
        for process in reversed(started):
            process.stop()


@dataclass
class Stack:
    settings: Settings
    client: Client
    # The portal (acting for the citizen when a citizen acts), with its credentials.
    api: httpx.AsyncClient
    # Each agency's system as its adapter reaches it (service key) and as its officers do.
    agencies: dict[str, httpx.AsyncClient]
    officers: dict[str, httpx.AsyncClient]
    engine: Engine
    services: SessionServices
    api_url: str
    # The log files of the worker processes serving this stack; none when they run in-process.
    worker_logs: list[Path] = field(default_factory=list)

    def worker_env(self) -> dict[str, str]:
        """The environment of a worker process of this stack's own."""
        return stack_env(self.services, self.settings)

    def token(
        self,
        role: Role,
        *,
        citizen_id: str | None = None,
        subject: str | None = None,
        audience: str = "portal-api",
        party: str = "orchestrator",
    ) -> str:
        """A token from the issuer of `role`; a citizen's subject is their pseudonym."""
        return issue_from_settings(
            self.settings,
            role,
            subject or f"test-{role}",
            citizen_id=citizen_id,
            audience=audience,
            party=party,
        )


StackFactory = Callable[..., Awaitable[Stack]]


async def serve(app: ASGIApp, stack: AsyncExitStack) -> str:
    """Serve an ASGI app on a free loopback port until the stack closes; return its URL."""
    port = free_port()
    server = uvicorn.Server(
        uvicorn.Config(
            app, host="127.0.0.1", port=port, log_config=None, access_log=False, lifespan="on"
        )
    )
    task = asyncio.create_task(server.serve())

    async def stop() -> None:
        server.should_exit = True
        await task

    stack.push_async_callback(stop)
    while not server.started:
        if task.done():
            task.result()
        await asyncio.sleep(0.02)
    return f"http://127.0.0.1:{port}"


async def serve_api(settings: Settings, stack: AsyncExitStack) -> str:
    return await serve(create_app(settings), stack)


async def start_workers(
    settings: Settings,
    client: Client,
    stack: AsyncExitStack,
    services: SessionServices,
    roles: tuple[str, ...] = ROLES,
) -> None:
    executor = stack.enter_context(
        ThreadPoolExecutor(max_workers=settings.max_concurrent_activities)
    )
    stop = asyncio.Event()
    relays = await start_role_workers(
        roles,
        client,
        settings,
        executor,
        stack,
        stop,
        lambda agency: agency_settings_for(services, settings, agency),
    )

    async def stop_relays() -> None:
        stop.set()
        await asyncio.gather(*relays)

    stack.push_async_callback(stop_relays)


@pytest.fixture
async def stack_factory(
    services: SessionServices,
    client: Client,
    engine: Engine,
    shared_workers: SharedWorkers | None,
) -> AsyncIterator[StackFactory]:
    """Builds a stack for one test: the portal API and, unless told otherwise, workers for every
    role: in-process on task queues of its own, or in PostgreSQL mode the session's shared worker
    processes. A stack without workers always has task queues of its own, which nobody polls."""
    async with AsyncExitStack() as exits:

        async def build(with_workers: bool = True, **overrides: object) -> Stack:
            worker_logs: list[Path] = []
            if with_workers and shared_workers is not None:
                unsupported = set(overrides) - API_ONLY_SETTINGS
                if unsupported:
                    raise ValueError(
                        f"the shared worker processes cannot take {sorted(unsupported)}; "
                        "build the stack with_workers=False and start workers of its own"
                    )
                overrides["task_queue_prefix"] = shared_workers.task_queue_prefix
                worker_logs = shared_workers.log_paths
            settings = stack_settings(services, **overrides)
            await start_stack_endpoints(client, settings)
            if with_workers and shared_workers is None:
                await start_workers(settings, client, exits, services)
            api_url = await serve_api(settings, exits)
            portal = PortalAuth(settings)
            api = await exits.enter_async_context(
                httpx.AsyncClient(base_url=api_url, timeout=30, auth=portal)
            )

            sandbox = SandboxSettings()

            async def agency_clients(keys: dict[str, SecretStr]) -> dict[str, httpx.AsyncClient]:
                return {
                    name: await exits.enter_async_context(
                        httpx.AsyncClient(
                            base_url=url,
                            timeout=10,
                            headers={"Authorization": f"Bearer {keys[name].get_secret_value()}"},
                        )
                    )
                    for name, url in services.agency_urls.items()
                }

            return Stack(
                settings,
                client,
                api,
                await agency_clients(sandbox.service_keys),
                await agency_clients(sandbox.officer_keys),
                engine,
                services,
                api_url,
                worker_logs,
            )

        yield build


@pytest.fixture
async def stack(stack_factory: StackFactory) -> Stack:
    return await stack_factory()


@pytest.fixture
async def intake_stack(stack_factory: StackFactory) -> Stack:
    """The portal API alone: enough for tests that never reach a workflow."""
    return await stack_factory(with_workers=False)


@pytest.fixture(scope="session")
def worker_log_dir(session_dir: Path) -> Path:
    path = session_dir / "worker-logs"
    path.mkdir(exist_ok=True)
    return path
