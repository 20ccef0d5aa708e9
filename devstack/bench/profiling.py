"""py-spy profiles of the product's processes while the product runs at its peak."""

from __future__ import annotations

import signal
import subprocess

from devstack.bench.stack import BASELINE, STATE, BenchStack


def start_profilers(py_spy: str | None, stack: BenchStack) -> list[subprocess.Popen[bytes]]:
    """Sample the product's processes with py-spy while the product runs at its peak."""
    if py_spy is None:
        return []
    profilers = []
    for process in stack.processes:
        if process.process is None or process.name.startswith(BASELINE):
            continue
        output = STATE / "profiles" / f"{process.name}.txt"
        output.parent.mkdir(parents=True, exist_ok=True)
        profilers.append(
            subprocess.Popen(
                [
                    py_spy,
                    "record",
                    "--gil",
                    "--rate",
                    "200",
                    "--format",
                    "raw",
                    "--pid",
                    str(process.process.pid),
                    "--output",
                    str(output),
                ],
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )
        )
    return profilers


def stop_profilers(profilers: list[subprocess.Popen[bytes]]) -> None:
    for profiler in profilers:
        profiler.send_signal(signal.SIGINT)  # py-spy writes its profile on interrupt
    for profiler in profilers:
        profiler.wait(timeout=60)
