"""One test's stack on the session's services: the portal API on a free port and, unless told
otherwise, workers for every role: in-process on task queues of the stack's own, or in
PostgreSQL mode the session's shared worker processes. A stack without workers always has task
queues of its own, which nobody polls."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from contextlib import AsyncExitStack
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import uvicorn
from pydantic import SecretStr
from sqlalchemy.engine import Engine
from starlette.types import ASGIApp
from temporalio.client import Client

from devstack.issuing import issue_from_settings
from devstack.processes import free_port
from devstack.temporal_server.nexus_endpoints import register_nexus_endpoints
from portal_api.app import create_app
from sandbox.settings import SandboxSettings
from security.principals import Role
from settings import Settings
from store.at_rest import StoreCipher
from store.sealing import store_cipher
from tests.harness.configuration import agency_settings_for, stack_env, stack_settings
from tests.harness.portal import PortalAuth
from tests.harness.session_services import SessionServices
from tests.harness.shared_workers import API_ONLY_SETTINGS, SharedWorkers
from worker import ROLES, WorkerSetup, start_role_workers


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

    @property
    def cipher(self) -> StoreCipher:
        """The store's cipher under this stack's keys, as its processes build it."""
        return store_cipher(self.settings)

    def worker_env(self) -> dict[str, str]:
        """The environment of a worker process of this stack's own: its agencies store the
        documents they issue through this stack's portal API."""
        return stack_env(self.services, self.settings, portal_url=self.api_url)

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


async def start_stack_endpoints(client: Client, settings: Settings) -> None:
    """The agencies' Nexus endpoints of a stack's task-queue prefix."""
    await register_nexus_endpoints(client, settings.task_queue_prefix)


async def serve(app: ASGIApp, stack: AsyncExitStack, keep_alive_seconds: int = 5) -> str:
    """Serve an ASGI app on a free loopback port until the stack closes; return its URL."""
    port = free_port()
    server = uvicorn.Server(
        uvicorn.Config(
            app,
            host="127.0.0.1",
            port=port,
            log_config=None,
            access_log=False,
            lifespan="on",
            timeout_keep_alive=keep_alive_seconds,
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
    # As `python -m portal_api` serves it: the tests' clients poll it hard, and one that reuses
    # a connection the server is closing for idleness would lose its request.
    return await serve(create_app(settings), stack, settings.api_keep_alive_seconds)


async def start_workers(
    settings: Settings,
    client: Client,
    stack: AsyncExitStack,
    services: SessionServices,
    roles: tuple[str, ...] = ROLES,
    portal_url: str | None = None,
) -> None:
    async def the_stacks_client(_: Settings) -> Client:
        return client

    setup = WorkerSetup(
        orchestrator_settings=lambda: settings,
        agency_settings=lambda agency: agency_settings_for(services, settings, agency, portal_url),
        connect_orchestrator=the_stacks_client,
    )
    stop = asyncio.Event()
    relays = await start_role_workers(roles, setup, stack, stop)

    async def stop_relays() -> None:
        stop.set()
        await asyncio.gather(*relays)

    stack.push_async_callback(stop_relays)


def stack_builder(
    services: SessionServices,
    client: Client,
    engine: Engine,
    shared_workers: SharedWorkers | None,
    exits: AsyncExitStack,
) -> StackFactory:
    """Builds stacks whose servers and clients last until `exits` closes."""

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
        # The API first: the agencies' workers store the documents they issue through it.
        api_url = await serve_api(settings, exits)
        if with_workers and shared_workers is None:
            await start_workers(settings, client, exits, services, portal_url=api_url)
        api = await exits.enter_async_context(
            httpx.AsyncClient(base_url=api_url, timeout=30, auth=PortalAuth(settings))
        )
        sandbox = SandboxSettings()
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

    return build
