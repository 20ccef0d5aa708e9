"""The workflow sandbox every worker runs its workflows in."""

from __future__ import annotations

from temporalio.worker.workflow_sandbox import SandboxedWorkflowRunner, SandboxRestrictions

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


def workflow_runner(*also_passed_through: str) -> SandboxedWorkflowRunner:
    return SandboxedWorkflowRunner(
        restrictions=SandboxRestrictions.default.with_passthrough_modules(
            *PASSTHROUGH_MODULES, *also_passed_through
        )
    )
