"""CPU and memory readings of the stack's processes, from /proc."""

from __future__ import annotations

import os
from pathlib import Path

from devstack.bench.stack import TEMPORAL
from devstack.processes import ManagedProcess


def pid_of(process: ManagedProcess) -> int:
    assert process.process is not None, f"{process.name} was never started"
    return process.process.pid


def cpu_seconds(pid: int) -> float:
    """User and system CPU time the process has used so far."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def cpu_by_process(processes: list[ManagedProcess]) -> dict[str, float]:
    return {
        p.name: cpu_seconds(p.process.pid) for p in processes if p.process is not None and p.running
    }


def cpu_spent(before: dict[str, float], after: dict[str, float]) -> dict[str, float]:
    """CPU seconds each process spent between two readings, busiest first."""
    spent = {name: after[name] - before.get(name, 0.0) for name in after}
    return dict(sorted(spent.items(), key=lambda item: -item[1]))


def orchestrator_cpu(spent: dict[str, float], worker_name: str) -> float:
    """CPU seconds of the orchestrator's own processes: its worker and the Temporal server."""
    return spent.get(worker_name, 0.0) + spent.get(TEMPORAL, 0.0)


def rss_mb(pid: int, field_name: str = "VmHWM") -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(field_name + ":"):
            return int(line.split()[1]) / 1024
    return 0.0
