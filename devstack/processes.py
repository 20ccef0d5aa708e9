"""Starting and stopping the stack's processes on this machine (for `make run`, tests and the
benchmark): the dev server, the sandbox agencies, the workers and the portal API."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

import httpx

from devstack.temporal_server.launch import dev_server_command, wait_for_port
from settings import PROJECT_ROOT

AGENCY_NAMES = ("justice", "police", "social_security", "postal")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


@dataclass
class ManagedProcess:
    name: str
    command: list[str]
    env: dict[str, str]
    log_path: Path
    process: subprocess.Popen[bytes] | None = field(default=None, repr=False)

    def start(self) -> ManagedProcess:
        self.log_path.parent.mkdir(parents=True, exist_ok=True)
        log = self.log_path.open("ab")
        self.process = subprocess.Popen(
            self.command,
            env=self.env,
            stdout=log,
            stderr=subprocess.STDOUT,
            cwd=PROJECT_ROOT,
            start_new_session=True,
        )
        log.close()
        return self

    @property
    def running(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def kill(self) -> None:
        """SIGKILL, as a crashed host would: no cleanup runs."""
        if self.running:
            assert self.process is not None
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait()

    def stop(self, timeout: float = 15.0) -> None:
        if not self.running:
            return
        assert self.process is not None
        os.killpg(self.process.pid, signal.SIGTERM)
        try:
            self.process.wait(timeout)
        except subprocess.TimeoutExpired:
            self.kill()

    def log_tail(self, lines: int = 30) -> str:
        if not self.log_path.exists():
            return ""
        return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])


def wait_http_ok(url: str, timeout: float = 60.0, process: ManagedProcess | None = None) -> None:
    deadline = time.monotonic() + timeout
    last_error = "no answer"
    while time.monotonic() < deadline:
        if process is not None and not process.running:
            raise RuntimeError(f"{process.name} exited early:\n{process.log_tail()}")
        try:
            response = httpx.get(url, timeout=2.0)
            if response.status_code == 200:
                return
            last_error = f"status {response.status_code}"
        except httpx.HTTPError as error:
            last_error = type(error).__name__
        time.sleep(0.2)
    raise TimeoutError(f"{url} not healthy after {timeout:.0f}s ({last_error})")


def python_module(module: str, *args: str) -> list[str]:
    return [sys.executable, "-m", module, *args]


def dev_server(
    db_path: Path,
    port: int,
    ui_port: int,
    log_dir: Path,
    env: dict[str, str],
    headless: bool = False,
) -> ManagedProcess:
    db_path.parent.mkdir(parents=True, exist_ok=True)
    command = dev_server_command(db_path, port=port, ui_port=ui_port, headless=headless)
    process = ManagedProcess("temporal", command, env, log_dir / "temporal.log").start()
    wait_for_port(port, timeout=90)
    return process


def sandbox_agency(agency: str, port: int, log_dir: Path, env: dict[str, str]) -> ManagedProcess:
    process = ManagedProcess(
        f"sandbox-{agency}",
        python_module("sandbox", agency, "--port", str(port)),
        env,
        log_dir / f"sandbox-{agency}.log",
    ).start()
    wait_http_ok(f"http://127.0.0.1:{port}/healthz", process=process)
    return process


def worker(
    roles: list[str], log_dir: Path, env: dict[str, str], name: str = "worker"
) -> ManagedProcess:
    return ManagedProcess(
        name,
        [sys.executable, str(PROJECT_ROOT / "worker.py"), *roles],
        env,
        log_dir / f"{name}.log",
    ).start()


def portal_api(port: int, log_dir: Path, env: dict[str, str]) -> ManagedProcess:
    process = ManagedProcess(
        "portal-api",
        python_module("portal_api", "--port", str(port)),
        env,
        log_dir / "portal-api.log",
    ).start()
    wait_http_ok(f"http://127.0.0.1:{port}/healthz", process=process)
    return process


def codec_server(port: int, log_dir: Path, env: dict[str, str]) -> ManagedProcess:
    process = ManagedProcess(
        "codec-server",
        python_module("codec_server", "--port", str(port)),
        env,
        log_dir / "codec-server.log",
    ).start()
    wait_http_ok(f"http://127.0.0.1:{port}/healthz", process=process)
    return process
