"""The fault suite's own stack: every component in its own process, on its own ports and in its
own directory, so that each can be killed, stopped and started again on its own while the others
keep running. As deployed: the orchestrator worker in the orchestrator's namespace, and each
agency's case worker in the agency's own namespace, reached through the agency's Nexus endpoint."""

from __future__ import annotations

import os
import socket
import sys
import threading
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import httpx

from devstack.processes import AGENCY_NAMES, ManagedProcess, free_port, python_module
from devstack.temporal_server.launch import dev_server_command
from devstack.temporal_server.nexus_endpoints import register_on_dev_server
from settings import PROJECT_ROOT

# One worker process per role, so a fault can take out exactly one of them: the orchestrator's,
# and each agency's case worker.
WORKER_ROLES = ("orchestrator", *AGENCY_NAMES)
TASK_QUEUE_PREFIX = "faults"
SHUTDOWN_ORDER = ("api", "worker", "agency", "temporal")
# A process just started, how to tell it serves, and how long to give it.
Starting = tuple[ManagedProcess, Callable[[], bool], float]
# Written by worker.py once its Temporal worker polls (and its decision relay runs).
WORKER_READY_EVENT = '"worker_started"'


@dataclass(frozen=True)
class StackTuning:
    """Settings that keep declarations in flight long enough to be hit, and recovery quick."""

    decision_delay_seconds: float = 40.0
    agency_call_timeout_seconds: float = 10.0
    decision_poll_interval_seconds: float = 0.5


@dataclass(frozen=True)
class StackLayout:
    """Where one run keeps its databases and logs."""

    run_dir: Path

    @classmethod
    def fresh(cls, parent: Path) -> StackLayout:
        run_dir = parent / f"run-{datetime.now(UTC):%Y%m%d-%H%M%S}"
        run_dir.mkdir(parents=True, exist_ok=False)
        return cls(run_dir)

    @property
    def log_dir(self) -> Path:
        return self.run_dir / "logs"

    @property
    def temporal_db(self) -> Path:
        return self.run_dir / "temporal.db"

    @property
    def sandbox_dir(self) -> Path:
        return self.run_dir / "sandbox"

    @property
    def store_path(self) -> Path:
        return self.run_dir / "lienthong.db"


@dataclass(frozen=True)
class StackPorts:
    temporal: int
    api: int
    agencies: dict[str, int]

    @classmethod
    def pick(cls) -> StackPorts:
        return cls(free_port(), free_port(), {agency: free_port() for agency in AGENCY_NAMES})

    @property
    def temporal_address(self) -> str:
        return f"127.0.0.1:{self.temporal}"

    @property
    def api_url(self) -> str:
        return f"http://127.0.0.1:{self.api}"

    def agency_url(self, agency: str) -> str:
        return f"http://127.0.0.1:{self.agencies[agency]}"


def agency_env(agency: str, ports: StackPorts, tuning: StackTuning) -> dict[str, str]:
    """An agency case worker's own settings, under its prefix (`JUSTICE_SYSTEM_URL`, …). Its
    namespace and payload keys are its development defaults; outside production it shares the
    stack's Temporal address and task-queue prefix."""
    prefix = f"{agency.upper()}_"
    return {
        f"{prefix}SYSTEM_URL": ports.agency_url(agency),
        f"{prefix}AGENCY_CALL_TIMEOUT_SECONDS": str(tuning.agency_call_timeout_seconds),
        f"{prefix}DECISION_POLL_INTERVAL_SECONDS": str(tuning.decision_poll_interval_seconds),
    }


def stack_env(layout: StackLayout, ports: StackPorts, tuning: StackTuning) -> dict[str, str]:
    """The settings of every process, as environment variables (the upper-cased field names):
    the orchestrator's, the sandboxes', and each agency case worker's under its prefix."""
    env = {
        **os.environ,
        "TEMPORAL_ADDRESS": ports.temporal_address,
        "TASK_QUEUE_PREFIX": TASK_QUEUE_PREFIX,
        "DATABASE_URL": f"sqlite:///{layout.store_path}",
        "SANDBOX_STATE_DIR": str(layout.sandbox_dir),
        "SANDBOX_DECISION_MODE": "delayed",
        "SANDBOX_DECISION_DELAY_SECONDS": str(tuning.decision_delay_seconds),
        "AGENCY_CALL_TIMEOUT_SECONDS": str(tuning.agency_call_timeout_seconds),
        **{f"{agency.upper()}_URL": ports.agency_url(agency) for agency in AGENCY_NAMES},
    }
    for agency in AGENCY_NAMES:
        env.update(agency_env(agency, ports, tuning))
    return env


def log_contains(path: Path, marker: str) -> bool:
    return path.exists() and marker.encode() in path.read_bytes()


def port_open(port: int) -> bool:
    with socket.socket() as probe:
        probe.settimeout(0.5)
        return probe.connect_ex(("127.0.0.1", port)) == 0


def http_ok(url: str) -> bool:
    try:
        return httpx.get(url, timeout=2.0).status_code == 200
    except httpx.HTTPError:
        return False


@dataclass
class FaultStack:
    """Starts, kills and restarts the stack's processes. A process the suite did not stop on
    purpose and that is no longer running is reported by `unexpected_exits`."""

    layout: StackLayout
    ports: StackPorts
    tuning: StackTuning
    env: dict[str, str] = field(init=False)
    _processes: dict[str, ManagedProcess] = field(default_factory=dict, init=False)
    _generations: Counter[str] = field(default_factory=Counter, init=False)
    _reported: set[int] = field(default_factory=set, init=False)
    _closed: bool = field(default=False, init=False)
    _lock: threading.Lock = field(default_factory=threading.Lock, init=False)

    def __post_init__(self) -> None:
        self.env = stack_env(self.layout, self.ports, self.tuning)

    # --- keeping track ------------------------------------------------------------------------

    def _spawn(self, key: str, name: str, command: list[str]) -> ManagedProcess:
        """Start a process and keep it at once, so `close` stops it even if it never serves."""
        process = ManagedProcess(name, command, self.env, self.layout.log_dir / f"{name}.log")
        with self._lock:
            if self._closed:
                raise RuntimeError("the stack is shutting down")
            self._processes[key] = process.start()
        return process

    def _await_ready(
        self, process: ManagedProcess, ready: Callable[[], bool], timeout: float
    ) -> None:
        deadline = time.monotonic() + timeout
        while not ready():
            if not process.running:
                raise RuntimeError(f"{process.name} exited while starting:\n{process.log_tail()}")
            if self._closed or time.monotonic() > deadline:
                raise TimeoutError(f"{process.name} was not ready within {timeout:.0f}s")
            time.sleep(0.2)

    def _release(self, key: str) -> ManagedProcess:
        with self._lock:
            return self._processes.pop(key)

    def unexpected_exits(self) -> list[str]:
        """Processes that stopped on their own since the last call, with their exit codes."""
        with self._lock:
            current = list(self._processes.values())
        found = []
        for process in current:
            if process.process is None or process.running or process.process.pid in self._reported:
                continue
            self._reported.add(process.process.pid)
            code = process.process.returncode
            found.append(f"{process.name} (exit code {code}, log {process.log_path})")
        return found

    # --- the components -----------------------------------------------------------------------

    def start(self) -> None:
        """Temporal first; then everything else at once, since each waits only for Temporal."""
        self.layout.log_dir.mkdir(parents=True, exist_ok=True)
        self.start_temporal()
        pending = [
            *(self._spawn_agency(agency) for agency in AGENCY_NAMES),
            *(self._spawn_worker(role) for role in WORKER_ROLES),
            self._spawn_api(),
        ]
        for process, ready, timeout in pending:
            self._await_ready(process, ready, timeout)

    def start_temporal(self) -> list[str]:
        """Start the dev server on the run's database file, and register the agencies' Nexus
        endpoints. A restart finds everything there, the namespaces and endpoints included (the
        registration then changes nothing). Returns the endpoints' names."""
        # Headless: the suite needs no UI.
        command = dev_server_command(
            self.layout.temporal_db, port=self.ports.temporal, headless=True
        )
        process = self._spawn("temporal", "temporal", command)
        self._await_ready(process, lambda: port_open(self.ports.temporal), 90)
        return register_on_dev_server(self.ports.temporal_address, TASK_QUEUE_PREFIX)

    def stop_temporal(self) -> None:
        self._release("temporal").stop(timeout=30)

    def _spawn_agency(self, agency: str) -> Starting:
        port = self.ports.agencies[agency]
        process = self._spawn(
            f"agency:{agency}",
            f"sandbox-{agency}",
            python_module("sandbox", agency, "--port", str(port)),
        )
        return process, lambda: http_ok(f"{self.ports.agency_url(agency)}/healthz"), 60

    def start_agency(self, agency: str) -> None:
        self._await_ready(*self._spawn_agency(agency))

    def stop_agency(self, agency: str) -> None:
        self._release(f"agency:{agency}").stop()

    def _spawn_worker(self, role: str) -> Starting:
        self._generations[role] += 1
        name = f"worker-{role}-{self._generations[role]}"
        command = [sys.executable, str(PROJECT_ROOT / "worker.py"), role]
        process = self._spawn(f"worker:{role}", name, command)
        # Each generation writes its own log, so the marker can only be this process's.
        return process, lambda: log_contains(process.log_path, WORKER_READY_EVENT), 120

    def start_worker(self, role: str) -> None:
        """Start the role's worker and wait until it polls its task queue."""
        self._await_ready(*self._spawn_worker(role))

    def kill_worker(self, role: str) -> None:
        """SIGKILL, as a crashed host: no graceful shutdown, in-flight tasks are abandoned."""
        self._release(f"worker:{role}").kill()

    def _spawn_api(self) -> Starting:
        command = python_module("portal_api", "--port", str(self.ports.api))
        return self._spawn("api", "portal-api", command), self.api_healthy, 90

    def api_healthy(self) -> bool:
        return http_ok(f"{self.ports.api_url}/healthz")

    def close(self) -> dict[str, int | None]:
        """Stop everything still running, callers before what they call: the API, the workers,
        the agencies, and the Temporal server last. Returns each process's exit code."""
        with self._lock:
            self._closed = True
            processes = dict(self._processes)
            self._processes.clear()
        codes: dict[str, int | None] = {}
        for key in sorted(processes, key=lambda k: SHUTDOWN_ORDER.index(k.split(":")[0])):
            process = processes[key]
            process.stop(timeout=20)
            codes[process.name] = process.process.returncode if process.process else None
        return codes
