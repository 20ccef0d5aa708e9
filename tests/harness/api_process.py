"""The portal API as its own process beside a test stack, with the stack's settings: for what
only a real process shows (its memory, its metrics address)."""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from devstack.processes import ManagedProcess, free_port
from tests.harness.configuration import settings_env
from tests.harness.stack import Stack


@dataclass(frozen=True)
class ApiProcess:
    url: str
    process: ManagedProcess

    @property
    def pid(self) -> int:
        assert self.process.process is not None
        return self.process.process.pid

    def memory_kib(self) -> dict[str, int]:
        """Resident memory now (VmRSS) and at its peak (VmHWM), in KiB."""
        values = {}
        for line in Path(f"/proc/{self.pid}/status").read_text().splitlines():
            key, _, value = line.partition(":")
            if key in ("VmRSS", "VmHWM"):
                values[key] = int(value.split()[0])
        return values

    def reset_peak_memory(self) -> None:
        """Start VmHWM again from the current RSS (Linux's clear_refs, value 5)."""
        Path(f"/proc/{self.pid}/clear_refs").write_text("5")


@contextmanager
def api_process(stack: Stack, **env: str) -> Iterator[ApiProcess]:
    """The API on a free port, reading the stack's settings from its environment (`env` on
    top, e.g. `API_METRICS_BIND_ADDRESS`)."""
    port = free_port()
    launcher = stack.services.launcher
    key = f"api:{port}"
    process, ready, timeout = launcher.spawn_api(
        port, {**settings_env(stack.settings, dict(os.environ)), **env}, key, f"portal-api-{port}"
    )
    try:
        launcher.await_ready(process, ready, timeout)
        yield ApiProcess(f"http://127.0.0.1:{port}", process)
    finally:
        launcher.stop(key)
