"""The tests' fixtures. What they run against lives in `tests.harness`: a real Temporal dev
server and real sandbox agency services, started once per session on free ports, and per test
the portal API and workers on a fresh task queue.

With LIENTHONG_TEST_STORE=postgresql the same tests run as the product is deployed: the store on
a PostgreSQL server of their own, and the workers in separate processes shared by the session
(two orchestrator workers and one with every agency role) on one task-queue prefix.

Tests that request none of the services' fixtures start no server."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from contextlib import AsyncExitStack
from pathlib import Path

import pytest
from sqlalchemy.engine import Engine
from temporalio.client import Client

from devstack.declaration_factory import DeclarationFactory
from observability.logging import configure_logging
from sandbox.settings import DEFAULT_DATASET_DIR
from settings import Settings
from store.at_rest import StoreCipher
from store.database import create_store_engine, engine_for
from store.sealing import store_cipher
from temporal_connection.client import connect
from tests.harness.configuration import stack_settings
from tests.harness.postgres_server import PostgresServer, postgres_server
from tests.harness.scenario_people import factory_sparing_scenario_people
from tests.harness.session_services import SessionServices, session_services
from tests.harness.shared_workers import (
    ORCHESTRATOR_PROCESSES,
    SharedWorkers,
    shared_worker_processes,
)
from tests.harness.stack import Stack, StackFactory, stack_builder
from tests.harness.store_mode import POSTGRESQL_MODE, STORE_FREE_TESTS, store_mode_problem


def pytest_configure(config: pytest.Config) -> None:
    problem = store_mode_problem()
    if problem is not None:
        raise pytest.UsageError(problem)
    configure_logging("tests", "INFO")


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    # A test that keeps nothing in the store would only repeat itself in the other store's run,
    # on the same two cores that run beside it.
    if STORE_FREE_TESTS == "run":
        return
    elsewhere = pytest.mark.skip(reason="keeps nothing in the store: the other store's run runs it")
    for item in items:
        if item.get_closest_marker("store_free") is not None:
            item.add_marker(elsewhere)


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
    with session_services(session_dir) as started:
        yield started


@pytest.fixture(scope="session")
async def client(services: SessionServices) -> Client:
    return await connect(stack_settings(services))


@pytest.fixture(scope="session")
def engine(services: SessionServices) -> Engine:
    return engine_for(services.database_url)


@pytest.fixture(scope="session")
def factory(services: SessionServices) -> DeclarationFactory:
    return factory_sparing_scenario_people(services.dataset_dir, seed=7)


@pytest.fixture(scope="session")
def cipher() -> StoreCipher:
    """The store's cipher under the tests' keys (the development ones), as every stack's
    processes build it from their settings."""
    return store_cipher(Settings(environment="test"))


@pytest.fixture(scope="session")
def own_postgres_server() -> Iterator[PostgresServer | None]:
    """In PostgreSQL mode, a server for the stores of tests' own; none otherwise."""
    if not POSTGRESQL_MODE:
        yield None
        return
    with postgres_server() as server:
        yield server


@pytest.fixture
def own_store_url(tmp_path: Path, own_postgres_server: PostgresServer | None) -> str:
    """Where a store of the test's own goes, nothing in it yet: a SQLite file, or in PostgreSQL
    mode a database of its own."""
    if own_postgres_server is None:
        return f"sqlite:///{tmp_path / 'store.db'}"
    return own_postgres_server.new_database_url()


@pytest.fixture
def own_store(own_store_url: str) -> Engine:
    """An empty store of the test's own, its schema made as the product makes it (upgraded to
    the head revision), for tests of the store itself that need no stack."""
    return create_store_engine(own_store_url)


@pytest.fixture(scope="session")
def bundled_factory() -> DeclarationFactory:
    """Declarations of the bundled sandbox dataset's people, for tests that reach no service."""
    return DeclarationFactory.from_directory(DEFAULT_DATASET_DIR, seed=7)


@pytest.fixture(scope="session")
async def shared_workers(
    services: SessionServices, client: Client, engine: Engine
) -> AsyncIterator[SharedWorkers | None]:
    """In PostgreSQL mode, the session's worker processes, started once (after `engine` has
    upgraded the store's schema); in SQLite mode none, each test running its own workers
    in-process."""
    if not POSTGRESQL_MODE:
        yield None
        return
    async with shared_worker_processes(services, client) as shared:
        yield shared


@pytest.fixture
async def stack_factory(
    services: SessionServices,
    client: Client,
    engine: Engine,
    shared_workers: SharedWorkers | None,
) -> AsyncIterator[StackFactory]:
    """Builds stacks for one test, torn down when it ends."""
    async with AsyncExitStack() as exits:
        yield stack_builder(services, client, engine, shared_workers, exits)


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
