"""CPU and memory readings of the stack's processes, from /proc; and what the case workers say
their documents' printing and signatures cost, from their metrics."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

import httpx

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


DOCUMENT_CPU = "lienthong_document_issue_cpu_seconds"


@dataclass(frozen=True)
class DocumentCpu:
    """The CPU seconds the case workers recorded for the documents they printed and signed so
    far, and how many documents that was."""

    seconds: float = 0.0
    documents: int = 0

    def since(self, before: DocumentCpu) -> DocumentCpu:
        return DocumentCpu(self.seconds - before.seconds, self.documents - before.documents)


def document_cpu(metrics_url: str) -> DocumentCpu:
    """Summed over agencies and kinds of document, from the histogram's `_sum` and `_count`."""
    seconds, documents = 0.0, 0
    for line in httpx.get(metrics_url, timeout=10).text.splitlines():
        name = line.split("{", 1)[0].split(" ", 1)[0]
        if name == f"{DOCUMENT_CPU}_sum":
            seconds += float(line.rsplit(" ", 1)[1])
        elif name == f"{DOCUMENT_CPU}_count":
            documents += int(float(line.rsplit(" ", 1)[1]))
    return DocumentCpu(seconds, documents)
