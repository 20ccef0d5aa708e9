"""The fault suite's stack, from the one launcher: every component in its own process, on its
own ports and in its own run directory, so that each can be killed, stopped and started again on
its own while the others keep running. As deployed: the orchestrator worker in the
orchestrator's namespace, and each agency's case worker in the agency's own namespace, reached
through the agency's Nexus endpoint."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from devstack.launcher import LocalStack
from devstack.stack_layout import StackLayout, StackOptions, StackPorts
from schemas.parties import AGENCY_PARTIES

# One worker process per role, so a fault can take out exactly one of them: the orchestrator's,
# and each agency's case worker.
WORKER_ROLES = ("orchestrator", *AGENCY_PARTIES)
TASK_QUEUE_PREFIX = "faults"


@dataclass(frozen=True)
class StackTuning:
    """Settings that keep declarations in flight long enough to be hit, and recovery quick."""

    decision_delay_seconds: float = 40.0
    agency_call_timeout_seconds: float = 10.0
    decision_poll_interval_seconds: float = 0.5

    def options(self) -> StackOptions:
        return StackOptions(
            task_queue_prefix=TASK_QUEUE_PREFIX,
            decision_mode="delayed",
            decision_delay_seconds=self.decision_delay_seconds,
            agency_call_timeout_seconds=self.agency_call_timeout_seconds,
            decision_poll_interval_seconds=self.decision_poll_interval_seconds,
        )


def fault_stack(parent: Path, tuning: StackTuning) -> LocalStack:
    """A stack in a fresh run directory under `parent`, on free ports, headless."""
    run_dir = parent / f"run-{datetime.now(UTC):%Y%m%d-%H%M%S}"
    run_dir.mkdir(parents=True, exist_ok=False)
    return LocalStack(StackLayout(run_dir), StackPorts.pick(), tuning.options())


def start(stack: LocalStack) -> None:
    stack.start(worker_groups=[[role] for role in WORKER_ROLES])


def worker_name(role: str) -> str:
    return f"worker-{role}"
