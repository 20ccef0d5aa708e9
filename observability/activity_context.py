"""What every activity's log lines carry: the declaration it works for, and where it runs."""

from __future__ import annotations

from temporalio import activity

from observability.logging import bind_boundary_context


def bind_activity_context(declaration_id: str) -> None:
    info = activity.info()
    bind_boundary_context(
        declaration_id=declaration_id,
        workflow_id=info.workflow_id,
        activity_type=info.activity_type,
        activity_attempt=info.attempt,
        task_queue=info.task_queue,
    )
