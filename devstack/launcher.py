"""The one launcher of a stack on this machine, for `make run`, the tests, the benchmark and the
fault suite: the Temporal dev server (with every party's namespace and the agencies' Nexus
endpoints), the sandbox agencies, the sandbox SMS gateway and mail server the notifications go
through, the workers, the portal API and the codec server, each in a process of its own, on its
own ports and in one run directory.

Each component can be started, stopped, killed and started again on its own while the others
keep running. `close` stops what is left, callers before what they call, and can be called any
number of times. The children also die with the launcher (see `devstack.processes`), so a
launcher killed outright leaves nothing behind either.
"""

from __future__ import annotations

import sys
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from devstack.processes import ManagedProcess, http_ok, port_open, python_module
from devstack.stack_layout import StackLayout, StackOptions, StackPorts, stack_env, worker_env
from devstack.temporal_server.launch import dev_server_command
from devstack.temporal_server.nexus_endpoints import register_on_dev_server
from schemas.parties import AGENCY_PARTIES
from settings import PROJECT_ROOT

# Written by worker.py once its Temporal workers poll (and their decision relays run).
WORKER_READY_EVENT = '"worker_started"'
# Callers stop before what they call, so nothing in flight finds its callee gone.
SHUTDOWN_ORDER = ("api", "codec", "worker", "sms_gateway", "mail_server", "agency", "temporal")


def _shutdown_rank(key: str) -> int:
    kind = key.split(":")[0]
    return SHUTDOWN_ORDER.index(kind) if kind in SHUTDOWN_ORDER else 0


# A process just started, how to tell it serves, and how long to give it.
Starting = tuple[ManagedProcess, Callable[[], bool], float]


@dataclass
class LocalStack:
    """Starts, stops, kills and restarts a stack's processes. A process that stopped without
    being asked to is reported by `unexpected_exits`."""

    layout: StackLayout
    ports: StackPorts
    options: StackOptions = field(default_factory=StackOptions)
    env: dict[str, str] = field(init=False)
    _processes: dict[str, ManagedProcess] = field(default_factory=dict, init=False)
    _generations: Counter[str] = field(default_factory=Counter, init=False)
    _reported: set[int] = field(default_factory=set, init=False)
    _closed: bool = field(default=False, init=False)
    _lock: threading.Lock = field(default_factory=threading.Lock, init=False)

    def __post_init__(self) -> None:
        self.env = stack_env(self.layout, self.ports, self.options)

    def __enter__(self) -> LocalStack:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()

    # --- keeping track ------------------------------------------------------------------------

    def spawn(
        self, key: str, name: str, command: list[str], env: Mapping[str, str] | None = None
    ) -> ManagedProcess:
        """Start a process and keep it at once, so `close` stops it even if it never serves."""
        process = ManagedProcess(
            name, command, dict(env or self.env), self.layout.log_dir / f"{name}.log"
        )
        with self._lock:
            if self._closed:
                raise RuntimeError("the stack is shutting down")
            if (running := self._processes.get(key)) is not None and running.running:
                raise RuntimeError(f"{running.name} already runs in this stack")
            self._processes[key] = process
            process.start()
        return process

    def await_ready(
        self, process: ManagedProcess, ready: Callable[[], bool], timeout: float
    ) -> None:
        deadline = time.monotonic() + timeout
        while not ready():
            if not process.running:
                raise RuntimeError(f"{process.name} exited while starting:\n{process.log_tail()}")
            if self._closed or time.monotonic() > deadline:
                raise TimeoutError(f"{process.name} was not ready within {timeout:.0f}s")
            time.sleep(0.2)

    def await_all(self, pending: Iterable[Starting]) -> None:
        for process, ready, timeout in list(pending):
            self.await_ready(process, ready, timeout)

    def _release(self, key: str) -> ManagedProcess:
        with self._lock:
            return self._processes.pop(key)

    def running(self, key: str) -> bool:
        with self._lock:
            process = self._processes.get(key)
        return process is not None and process.running

    def stop(self, key: str) -> None:
        """Stop one process the stack started, by the key it was spawned under."""
        self._release(key).stop()

    @property
    def processes(self) -> list[ManagedProcess]:
        with self._lock:
            return list(self._processes.values())

    def unexpected_exits(self) -> list[str]:
        """Processes that stopped on their own since the last call, with their exit codes."""
        found = []
        for process in self.processes:
            if process.process is None or process.running or process.process.pid in self._reported:
                continue
            self._reported.add(process.process.pid)
            code = process.process.returncode
            found.append(f"{process.name} (exit code {code}, log {process.log_path})")
        return found

    # --- the components -----------------------------------------------------------------------

    def start_temporal(self) -> list[str]:
        """Start the dev server on the run's database file and register the agencies' Nexus
        endpoints. A restart finds everything there, the namespaces and endpoints included (the
        registration then changes nothing). Returns the endpoints' names."""
        self.layout.run_dir.mkdir(parents=True, exist_ok=True)
        command = dev_server_command(
            self.layout.temporal_db,
            port=self.ports.temporal,
            ui_port=self.ports.ui or 0,
            headless=self.ports.ui is None,
        )
        process = self.spawn("temporal", "temporal", command)
        self.await_ready(process, lambda: port_open(self.ports.temporal), 90)
        return register_on_dev_server(self.ports.temporal_address, self.options.task_queue_prefix)

    def stop_temporal(self) -> None:
        self._release("temporal").stop(timeout=30)

    def spawn_agency(self, agency: str) -> Starting:
        process = self.spawn(
            f"agency:{agency}",
            f"sandbox-{agency}",
            python_module("sandbox", agency, "--port", str(self.ports.agencies[agency])),
        )
        return process, lambda: http_ok(f"{self.ports.agency_url(agency)}/healthz"), 60

    def start_agency(self, agency: str) -> None:
        self.await_ready(*self.spawn_agency(agency))

    def stop_agency(self, agency: str) -> None:
        self._release(f"agency:{agency}").stop()

    # The notification channels keep what they received in the sandbox's state directory, so
    # one stopped and started again, on the same port, still has its outbox or mailbox.

    def spawn_sms_gateway(self) -> Starting:
        command = python_module("sandbox.sms_gateway", "--port", str(self.ports.sms_gateway))
        process = self.spawn("sms_gateway", "sandbox-sms-gateway", command)
        return process, lambda: http_ok(f"{self.ports.sms_gateway_url}/healthz"), 60

    def start_sms_gateway(self) -> None:
        self.await_ready(*self.spawn_sms_gateway())

    def stop_sms_gateway(self) -> None:
        self._release("sms_gateway").stop()

    def spawn_mail_server(self) -> Starting:
        command = python_module("sandbox.mail_server", "--port", str(self.ports.smtp))
        process = self.spawn("mail_server", "sandbox-mail-server", command)
        return process, lambda: port_open(self.ports.smtp), 60

    def start_mail_server(self) -> None:
        self.await_ready(*self.spawn_mail_server())

    def stop_mail_server(self) -> None:
        self._release("mail_server").stop()

    def spawn_worker(
        self,
        roles: Iterable[str],
        name: str | None = None,
        module: str | None = None,
        env: Mapping[str, str] | None = None,
    ) -> Starting:
        """A worker process for `roles` (`worker.py`, or another module of the same command
        line, such as the benchmark's baseline, with settings of its own). Without `env`, the
        stack's, with its worker metrics address if it has one."""
        roles = list(roles)
        key = name or f"worker-{'-'.join(roles)}"
        self._generations[key] += 1
        # Each generation writes its own log, so the marker can only be this process's.
        log_name = f"{key}-{self._generations[key]}" if self._generations[key] > 1 else key
        command = (
            python_module(module, *roles)
            if module
            else [sys.executable, str(PROJECT_ROOT / "worker.py"), *roles]
        )
        process = self.spawn(
            f"worker:{key}", log_name, command, env or worker_env(self.env, self.ports)
        )
        return process, lambda: log_contains(process.log_path, WORKER_READY_EVENT), 120

    def start_worker(self, roles: Iterable[str], name: str | None = None) -> ManagedProcess:
        """Start a worker for `roles` and wait until it polls its task queues."""
        process, ready, timeout = self.spawn_worker(roles, name)
        self.await_ready(process, ready, timeout)
        return process

    def kill_worker(self, name: str) -> None:
        """SIGKILL, as a crashed host: no graceful shutdown, in-flight tasks are abandoned."""
        self._release(f"worker:{name}").kill()

    def spawn_api(
        self,
        port: int | None = None,
        env: Mapping[str, str] | None = None,
        key: str = "api",
        name: str = "portal-api",
    ) -> Starting:
        """The portal API, on the stack's port or another (a second API with settings of its
        own, beside the stack: give it its own `key` and `name`)."""
        port = port or self.ports.api
        command = python_module("portal_api", "--port", str(port))
        process = self.spawn(key, name, command, env)
        return process, lambda: http_ok(f"http://127.0.0.1:{port}/healthz"), 90

    def api_healthy(self) -> bool:
        return http_ok(f"{self.ports.api_url}/healthz")

    def spawn_codec(self) -> Starting:
        assert self.ports.codec is not None, "the stack was laid out without a codec server"
        port = self.ports.codec
        command = python_module("codec_server", "--port", str(port))
        ready = lambda: http_ok(f"http://127.0.0.1:{port}/healthz")  # noqa: E731 - a one-line probe
        return self.spawn("codec", "codec-server", command), ready, 60

    def spawn_outside_systems(self) -> list[Starting]:
        """What stands in for the systems the product reaches: the agencies' own, the SMS
        provider and the mail relay."""
        return [
            *(self.spawn_agency(agency) for agency in AGENCY_PARTIES),
            self.spawn_sms_gateway(),
            self.spawn_mail_server(),
        ]

    def start(
        self,
        worker_groups: Iterable[Iterable[str]] = (("orchestrator", *AGENCY_PARTIES),),
        *,
        api: bool = True,
    ) -> None:
        """The whole stack: Temporal first (unless it already runs); then everything else at
        once, since each part waits only for Temporal."""
        self.layout.log_dir.mkdir(parents=True, exist_ok=True)
        if not self.running("temporal"):
            self.start_temporal()
        pending = self.spawn_outside_systems()
        pending += [self.spawn_worker(group) for group in worker_groups]
        if self.ports.codec is not None:
            pending.append(self.spawn_codec())
        if api:
            pending.append(self.spawn_api())
        self.await_all(pending)

    def close(self) -> dict[str, int | None]:
        """Stop everything still running, callers before what they call: the API, the workers,
        the notification channels, the agencies, and the Temporal server last. Returns each
        process's exit code. Safe to call again, from a signal's unwinding or an exit hook."""
        with self._lock:
            self._closed = True
            processes = dict(self._processes)
            self._processes.clear()
        codes: dict[str, int | None] = {}
        for key in sorted(processes, key=_shutdown_rank):
            process = processes[key]
            process.stop(timeout=20)
            codes[process.name] = process.process.returncode if process.process else None
        return codes


def log_contains(path: Path, marker: str) -> bool:
    return path.exists() and marker.encode() in path.read_bytes()
