"""What every declaration workflow does, whatever its procedure group.

It checks the dossier before any agency sees it, runs the group's agency steps each through the
agency's decision (immediate, or an officer's days later), asks the citizen for supplements and
waits 7 working days for them, reminds agencies before their deadlines and escalates after them,
and takes a withdrawal at any time. The birth and death workflows name their group's steps.
"""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from typing import Generic

from temporalio import workflow
from temporalio.common import RawValue

with workflow.unsafe.imports_passed_through():
    from legal_deadlines.legal_clock import LegalClock
    from messages import Message
    from schemas.decisions import SupplementAnswer, WithdrawalRequest
    from schemas.status import DeclarationState, DeclarationStatusView
    from schemas.workflow_inputs import AttestedStart

from workflows import citizen, step_metrics, step_rounds
from workflows.agency_steps import (
    Declaration,
    DeclarationT,
    RequestT,
    ResultT,
    StepSpec,
)
from workflows.attested_start import check_start, refuse_start
from workflows.declarant_notices import DeclarantNotices
from workflows.declaration_progress import DeclarationProgress
from workflows.delivery import OnTheWay, deliver_results, receive_delivery
from workflows.dossier_check import check_dossier
from workflows.group_deadline import watch_group_deadline
from workflows.group_steps import ProcedureSteps
from workflows.initial_view import initial_view
from workflows.running_declaration import RunningDeclaration


class DeclarationWorkflow(Generic[DeclarationT]):
    """Handlers and the life of a declaration; subclasses define `run` and name their group."""

    def _setup(
        self,
        steps: ProcedureSteps[DeclarationT],
        start: AttestedStart,
        declaration: DeclarationT,
        late_registration: bool = False,
        verification: bool = False,
    ) -> None:
        self._start = start
        declaration_id, received_at, options = (
            start.declaration_id,
            start.received_at,
            start.options,
        )
        clock = LegalClock(options.working_day_seconds)
        notices = DeclarantNotices(workflow.info().workflow_id)
        self._running = RunningDeclaration(
            declaration_id=declaration_id,
            steps=steps,
            declaration=declaration,
            late_registration=late_registration,
            options=options,
            clock=clock,
            dossier_received_at=received_at,
            notices=notices,
            progress=DeclarationProgress(
                initial_view(
                    declaration_id,
                    steps.group,
                    received_at,
                    steps.procedures(declaration),
                    declaration.delivery,
                    workflow.info().workflow_id,
                    clock,
                    late_registration,
                    verification,
                )
            ),
        )
        self._running.progress.notices_for = lambda view: notices.for_report(
            view, self._running.declaration
        )

    # --- what the outside world can ask and tell -------------------------------------------

    @workflow.query(name="status")
    def status(self) -> DeclarationStatusView:
        return self._running.progress.view

    @workflow.query(name="declaration")
    def declaration(self) -> Declaration:
        return self._running.declaration

    @workflow.signal(dynamic=True)
    def refuse_signal(self, name: str, args: Sequence[RawValue]) -> None:
        """A declaration takes no signal: whoever speaks to it does so through an update the
        portal API attests. Whatever arrives, readable or not, is dropped and audited."""
        workflow.logger.warning(
            "signal_refused",
            extra={
                "audit_refusal": {
                    "action": "signal_refused",
                    "declaration_id": self._running.declaration_id,
                    "detail": f"signal {name[:80]!r} with {len(args)} payloads",
                }
            },
        )

    @workflow.update(name="answer_supplement")
    def answer_supplement(self, answer: SupplementAnswer) -> str:
        citizen.take_supplement(self._running, answer)
        return "accepted"

    @answer_supplement.validator
    def _check_supplement(self, answer: SupplementAnswer) -> None:
        citizen.check_supplement(self._running, answer)

    @workflow.update(name="withdraw")
    def withdraw(self, request: WithdrawalRequest) -> str:
        citizen.take_withdrawal(self._running, request)
        return "withdrawing"

    @withdraw.validator
    def _check_withdrawal(self, request: WithdrawalRequest) -> None:
        citizen.check_withdrawal(self._running, request)

    # --- the life of a declaration ------------------------------------------------------------

    async def _run(self) -> DeclarationStatusView:
        run = self._running
        progress = run.progress
        verdict = await check_start(self._start)
        if verdict.problem is not None:
            refuse_start(progress, verdict.problem)
            return progress.view
        run.requester_keys = verdict.requester_keys
        workflow.logger.info("declaration_started")
        # Never awaited: it watches every deadline for as long as the declaration runs.
        self._clock_task = asyncio.create_task(run.deadlines.run())
        progress.set_status(DeclarationState.IN_PROGRESS, Message.of("status.checking_dossier"))
        watcher = asyncio.create_task(watch_group_deadline(run))
        if await check_dossier(run):
            await run.steps.run(self)
        on_the_way: OnTheWay | None = None
        if run.withdrawal is not None:
            on_the_way = await citizen.close_withdrawn(run)
        elif not progress.closed:
            on_the_way = await deliver_results(
                progress, run.declaration.delivery, run.options.endpoints
            )
            progress.settle()
        await progress.publish()
        step_metrics.declaration_closed(run.group.value, progress.view.status.value)
        await watcher
        if on_the_way is not None:
            # Closed, but results by post end only when the post reports them delivered.
            await receive_delivery(progress, on_the_way, run.clock, run.deadlines)
            await progress.publish()
        await workflow.wait_condition(workflow.all_handlers_finished)
        workflow.logger.info("declaration_closed", extra={"status": progress.view.status.value})
        return progress.view

    # --- what the group's steps run in --------------------------------------------------------

    @property
    def current_declaration(self) -> DeclarationT:
        return self._running.declaration

    async def run_step(self, spec: StepSpec[DeclarationT, RequestT, ResultT]) -> ResultT | None:
        return await step_rounds.run_step(self._running, spec)

    def not_started(self, cause: Message) -> None:
        """The steps left cannot start; after a withdrawal, closing it cancels them instead."""
        if self._running.withdrawal is None:
            self._running.progress.cancel_unsettled_steps(
                Message.of("not_started", cause=cause), reason_code=cause.code
            )
