"""What the demo found, for the developer who ran it: the declarations it filed, and each step
that failed (a filing refused, a service that did not answer, a declaration that did not close
in time) with where to look: the log file of the component concerned, the workflow in the
Temporal UI, the declaration's status at the portal.

A failed step is recorded and the demo goes on with the others; the stack stays up to be looked
at. Only declaration IDs, workflow IDs and the API's field-by-field answers are printed."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx


@dataclass(frozen=True)
class DemoStack:
    """Where the demo files its declarations, and where its reader looks when one fails."""

    api_url: str
    # The police population registry, which tells the demo who is still alive to declare.
    police_url: str
    # The Temporal UI's list of the orchestrator's workflows (a workflow's page is beneath it).
    workflows_url: str
    log_dir: Path
    # The log of the worker process that runs the declarations and the agencies' cases.
    worker_log: str = "worker-all"

    def log(self, component: str) -> Path:
        """A component's log file, by its process name (`portal-api`, `sandbox-police`, …)."""
        return self.log_dir / f"{component}.log"

    def workflow_url(self, workflow_id: str) -> str:
        return f"{self.workflows_url}/{workflow_id}"

    def status_url(self, declaration_id: str) -> str:
        return f"{self.api_url}/v1/declarations/{declaration_id}"


@dataclass(frozen=True)
class DemoFailure:
    what: str
    where_to_look: tuple[str, ...]

    def render(self) -> str:
        return "\n".join([f"  ✗ {self.what}", *(f"      {place}" for place in self.where_to_look)])


class DemoStepFailed(Exception):
    """A step of the demo that could not go on; the demo records it and takes the next."""

    def __init__(self, failure: DemoFailure) -> None:
        super().__init__(failure.what)
        self.failure = failure


@dataclass(frozen=True)
class Filed:
    title: str
    declaration_id: str
    workflow_id: str


@dataclass
class DemoReport:
    filed: list[Filed] = field(default_factory=list)
    # The final status of each filed declaration that closed, by its ID.
    outcomes: dict[str, dict[str, Any]] = field(default_factory=dict)
    failures: list[DemoFailure] = field(default_factory=list)

    @property
    def failed(self) -> bool:
        return bool(self.failures)

    def render_failures(self) -> str:
        count = len(self.failures)
        return "\n".join(
            [f"\nThe demo did not go through: {count} step(s) failed."]
            + [failure.render() for failure in self.failures]
        )


def answer_detail(response: httpx.Response) -> str:
    """What the API said, short: its field-by-field errors (`loc: msg`), or its detail."""
    try:
        body = response.json()
    except ValueError:
        return response.text[:300]
    detail = body.get("detail") if isinstance(body, dict) else body
    if isinstance(detail, list):
        return "; ".join(
            f"{'.'.join(str(part) for part in error.get('loc', []))}: {error.get('msg')}"
            for error in detail[:5]
            if isinstance(error, dict)
        )
    return str(detail)[:300]


def refused(what: str, response: httpx.Response, stack: DemoStack) -> DemoFailure:
    return DemoFailure(
        f"{what}: the portal API answered {response.status_code} — {answer_detail(response)}",
        (f"the portal API's log: {stack.log('portal-api')}",),
    )


def unreachable(what: str, url: str, error: httpx.TransportError, log: Path) -> DemoFailure:
    return DemoFailure(
        f"{what}: {url} did not answer ({type(error).__name__})", (f"its log: {log}",)
    )


def not_closed(
    title: str, filed: Filed, status: dict[str, Any] | None, waited: float, stack: DemoStack
) -> DemoFailure:
    """A declaration still open when the demo stopped waiting: its workflow, its status, the
    worker's log, and the log of each agency whose decision it still waits for."""
    state = status["status"] if status else "unread"
    waiting_on = [
        step["agency"]
        for step in (status or {}).get("steps", [])
        if step["status"] in ("pending", "submitted")
    ]
    places = [
        f"the workflow in the Temporal UI: {stack.workflow_url(filed.workflow_id)}",
        f"its status: {stack.status_url(filed.declaration_id)}",
        f"the workers' log: {stack.log(stack.worker_log)}",
        *(
            f"the {agency} service's log: {stack.log(f'sandbox-{agency}')}"
            for agency in dict.fromkeys(waiting_on)
        ),
    ]
    return DemoFailure(
        f"{title} {filed.declaration_id}: still {state} after {waited:.0f}s", tuple(places)
    )
