"""The workflow sandbox every worker runs its workflows in."""

from __future__ import annotations

from dataclasses import dataclass
from typing import cast

from temporalio.converter import SerializationContext
from temporalio.converter._extstore import StorageDriverStoreContext
from temporalio.worker import WorkflowInstance, WorkflowInstanceDetails
from temporalio.worker._command_aware_visitor import CommandInfo
from temporalio.worker.workflow_sandbox import SandboxedWorkflowRunner, SandboxRestrictions
from temporalio.worker.workflow_sandbox._in_sandbox import InSandbox
from temporalio.worker.workflow_sandbox._runner import _Instance

# Modules the workflow sandbox shares with the host instead of re-importing per workflow run:
# they hold no workflow state, and re-importing pydantic models per run is slow.
PASSTHROUGH_MODULES = (
    # The workflows hold no state in their modules either: passing them through spares
    # re-importing them for every new workflow run (a fifth of a run's CPU when replayed). The
    # price is that the sandbox no longer sees their calls; tests/test_workflow_determinism.py
    # keeps them off the clock and I/O instead, and the replay tests catch what it cannot.
    "workflows",
    "schemas",
    "security",
    "cryptography",
    "legal_deadlines",
    "activities",
    "adapters",
    "reference_data",
    "messages",
    "babel",
    "temporal_connection",
    "observability",
    "store",
    "settings",
    "pydantic",
    "pydantic_core",
    "email_validator",
    "holidays",
    "sqlalchemy",
    "sqlmodel",
    "httpx",
    "structlog",
    "tenacity",
)


class _SandboxedWorkflow(_Instance):
    """A sandboxed workflow run that answers its payloads' contexts without re-entering the sandbox.

    The SDK (1.35) asks a run for the serialization and storage context of every payload sequence
    it decodes or encodes, three to four times each, and the sandbox answers each question by
    compiling and executing a code string under its import hooks: the largest single cost of the
    orchestrator's worker. The answer only reads the run's pending commands and builds
    ``temporalio.converter`` values, and ``temporalio`` is passed through the sandbox, so asking
    the run directly gives the same answer (``tests/test_workflow_runner.py`` holds it to that).
    Workflow code itself still runs only inside the sandbox.
    """

    def _in_sandbox(self) -> InSandbox:
        # The SDK's globals are typed by their first entry, a file name: the run is in them too.
        return cast("InSandbox", self.globals_and_locals["__temporal_in_sandbox"])

    def get_serialization_context(
        self, command_info: CommandInfo | None
    ) -> SerializationContext | None:
        return self._in_sandbox().get_serialization_context(command_info)

    def get_external_store_context(
        self, command_info: CommandInfo | None
    ) -> StorageDriverStoreContext:
        return self._in_sandbox().get_external_store_context(command_info)


@dataclass(frozen=True)
class WorkflowSandbox(SandboxedWorkflowRunner):
    """The SDK's sandbox, with the payload-context lookup of :class:`_SandboxedWorkflow`."""

    def create_instance(self, det: WorkflowInstanceDetails) -> WorkflowInstance:
        return _SandboxedWorkflow(det, self.runner_class, self.restrictions)


def workflow_runner(*also_passed_through: str) -> WorkflowSandbox:
    return WorkflowSandbox(
        restrictions=SandboxRestrictions.default.with_passthrough_modules(
            *PASSTHROUGH_MODULES, *also_passed_through
        )
    )
