"""The procedure group's own time limit, watched beside its steps."""

from __future__ import annotations

from datetime import datetime

from temporalio import workflow

with workflow.unsafe.imports_passed_through():
    from messages import Message

from workflows.agency_steps import DeclarationT
from workflows.follow_ups import escalate
from workflows.running_declaration import RunningDeclaration

GROUP = "declaration"


async def watch_group_deadline(run: RunningDeclaration[DeclarationT]) -> None:
    """Past the group's deadline, the declaration is overdue and escalated. While the citizen is
    asked for a supplement, the agencies' time limit waits with them."""
    progress, deadlines = run.progress, run.deadlines
    escalated = False
    while not progress.closed:
        deadline = progress.view.deadline
        assert deadline is not None

        def moved_on(deadline: datetime = deadline) -> bool:
            return progress.closed or progress.view.deadline != deadline

        deadlines.set(GROUP, deadline)
        await workflow.wait_condition(lambda: moved_on() or deadlines.passed(GROUP))
        if moved_on():
            continue
        if run.open_requests:
            await workflow.wait_condition(lambda: moved_on() or not run.open_requests)
            continue
        if not escalated:
            escalated = True
            await escalate(
                run,
                "declaration",
                deadline,
                None,
                None,
                Message.of("escalation.declaration_overdue", group=run.steps.name),
            )
        await workflow.wait_condition(moved_on)
    deadlines.forget(GROUP)
