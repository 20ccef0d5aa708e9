"""The test stack: a real Temporal dev server and real sandbox agency services, started once per
session on free ports; workers and the portal API started per test on a fresh task queue."""

from __future__ import annotations

import asyncio
import json
import os
import secrets
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import AsyncExitStack
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest
import uvicorn
from pydantic import SecretStr
from sqlalchemy.engine import Engine
from starlette.types import ASGIApp
from temporalio.client import Client

from local_stack.declaration_factory import DeclarationFactory
from local_stack.processes import (
    AGENCY_NAMES,
    ManagedProcess,
    dev_server,
    free_port,
    sandbox_agency,
)
from observability.logging import configure_logging
from portal_api.app import create_app
from security.principals import Role
from security.tokens import issue_token
from settings import DEFAULT_DATASET_DIR, Settings
from store.database import engine_for
from temporal_connection.client import connect
from tests.portal_session import PortalAuth
from tests.scenario_people import SCENARIOS, write_test_dataset
from worker import ROLES, build_worker


@dataclass(frozen=True)
class SessionServices:
    temporal_address: str
    agency_urls: dict[str, str]
    dataset_dir: Path
    database_url: str
    log_dir: Path
    env: dict[str, str]


def pytest_configure(config: pytest.Config) -> None:
    configure_logging("tests", "INFO")


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
    try:
        port = free_port()
        processes.append(
            dev_server(session_dir / "temporal.db", port, free_port(), log_dir, env, headless=True)
        )
        urls = {}
        for agency in AGENCY_NAMES:
            agency_port = free_port()
            processes.append(sandbox_agency(agency, agency_port, log_dir, env))
            urls[agency] = f"http://127.0.0.1:{agency_port}"
        yield SessionServices(
            temporal_address=f"127.0.0.1:{port}",
            agency_urls=urls,
            dataset_dir=dataset_dir,
            database_url=f"sqlite:///{session_dir / 'lienthong.db'}",
            log_dir=log_dir,
            env=env,
        )
    finally:
        for process in reversed(processes):
            process.stop()


def stack_settings(services: SessionServices, **overrides: object) -> Settings:
    values: dict[str, object] = {
        "environment": "test",
        "temporal_address": services.temporal_address,
        "task_queue_prefix": f"test-{secrets.token_hex(4)}",
        "database_url": services.database_url,
        "sandbox_data_dir": services.dataset_dir,
        "justice_url": services.agency_urls["justice"],
        "police_url": services.agency_urls["police"],
        "social_security_url": services.agency_urls["social_security"],
        "postal_url": services.agency_urls["postal"],
        "agency_http_timeout_seconds": 2.0,
        "agency_call_timeout_seconds": 6.0,
        "attachment_max_bytes": 256 * 1024,
        "decision_poll_interval_seconds": 0.1,
    }
    values.update(overrides)
    return Settings(**values)  # type: ignore[arg-type]


def settings_env(settings: Settings, base: dict[str, str]) -> dict[str, str]:
    """The same settings as environment variables, for a worker in a separate process."""
    env = dict(base)
    plain = settings.model_dump(mode="json", exclude_none=True)
    for name, value in plain.items():
        field = getattr(settings, name)
        if isinstance(field, SecretStr):
            value = field.get_secret_value()
        elif isinstance(field, dict) and any(isinstance(v, SecretStr) for v in field.values()):
            value = {k: v.get_secret_value() for k, v in field.items()}
        env[name.upper()] = json.dumps(value) if isinstance(value, (dict, list)) else str(value)
    return env


@pytest.fixture(scope="session")
async def client(services: SessionServices) -> Client:
    return await connect(stack_settings(services))


@pytest.fixture(scope="session")
def engine(services: SessionServices) -> Engine:
    return engine_for(services.database_url)


@pytest.fixture(scope="session")
def factory(services: SessionServices) -> DeclarationFactory:
    built = DeclarationFactory.from_directory(services.dataset_dir, seed=7)
    # The scenario people belong to the benefit tests alone.
    built.reserve(p for s in SCENARIOS.values() for p in (s.personal_id, s.spouse_id))
    return built


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

    def token(
        self,
        role: Role,
        *,
        citizen_id: str | None = None,
        subject: str | None = None,
        audience: str = "portal-api",
    ) -> str:
        return issue_token(
            self.settings.auth_token_secret.get_secret_value(),
            subject or f"test-{role}",
            role,
            citizen_id=citizen_id,
            audience=audience,
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
    settings: Settings, client: Client, stack: AsyncExitStack, roles: tuple[str, ...] = ROLES
) -> None:
    executor = stack.enter_context(
        ThreadPoolExecutor(max_workers=settings.max_concurrent_activities)
    )
    stop = asyncio.Event()
    for role in roles:
        built = build_worker(role, client, settings, executor)
        if built.close is not None:
            stack.push_async_callback(built.close)
        await stack.enter_async_context(built.worker)
        if built.relay is not None:
            relay_task = asyncio.create_task(built.relay.run(stop))

            async def stop_relay(task: asyncio.Task[None] = relay_task) -> None:
                stop.set()
                await task

            stack.push_async_callback(stop_relay)


@pytest.fixture
async def stack_factory(
    services: SessionServices, client: Client, engine: Engine
) -> AsyncIterator[StackFactory]:
    """Builds a stack for one test: its own task queues, the portal API, and (unless told
    otherwise) in-process workers for every role."""
    async with AsyncExitStack() as exits:

        async def build(with_workers: bool = True, **overrides: object) -> Stack:
            settings = stack_settings(services, **overrides)
            if with_workers:
                await start_workers(settings, client, exits)
            api_url = await serve_api(settings, exits)
            portal = PortalAuth(settings.auth_token_secret.get_secret_value())
            api = await exits.enter_async_context(
                httpx.AsyncClient(base_url=api_url, timeout=30, auth=portal)
            )

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
                await agency_clients(settings.agency_service_keys),
                await agency_clients(settings.agency_officer_keys),
                engine,
                services,
                api_url,
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
