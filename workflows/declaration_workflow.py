"""What every declaration workflow does, whatever its procedure group.

It checks the dossier before any agency sees it, runs each agency step through the agency's
decision (immediate, or an officer's days later), asks the citizen for supplements and waits
7 working days for them, reminds agencies before their deadlines and escalates after them, and
takes a withdrawal at any time. The birth and death workflows add the order of their steps.
"""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Literal

from temporalio import workflow
from temporalio.exceptions import ActivityError

with workflow.unsafe.imports_passed_through():
    from activities.agency_cases import AgencyCaseActivities
    from activities.police import PoliceActivities
    from activities.records import RecordActivities
    from legal_deadlines.legal_clock import LegalClock
    from legal_deadlines.procedure_limits import (
        GROUP_WORKING_DAYS_WITH_VERIFICATION,
        STEP_WORKING_DAYS,
        SUPPLEMENT_WAIT_WORKING_DAYS,
    )
    from schemas.birth import BirthDeclaration
    from schemas.common import Agency, Delivery, Procedure, ProcedureGroup
    from schemas.death import DeathDeclaration
    from schemas.decisions import (
        AttachmentCheck,
        CaseCancellation,
        CaseFollowUp,
        Escalation,
        IdentityCheckRequest,
        IdentityClaim,
        OfficerDecision,
        SupplementAnswer,
        WithdrawalRequest,
    )
    from schemas.results import StepResult
    from schemas.status import DeclarationState, DeclarationStatusView, StepState
    from schemas.supplements import POPULATION_REGISTRY, SupplementNeed, SupplementRequest
    from schemas.workflow_inputs import OrchestrationOptions
    from security.decision_trust import UntrustedDecision, trusted_decision

from workflows import step_metrics
from workflows.agency_steps import AGENCY_RETRY_POLICY, StepSpec, decision_from_refusal
from workflows.declaration_progress import DeclarationProgress, initial_view
from workflows.delivery import deliver_results

Declaration = BirthDeclaration | DeathDeclaration
# Workflow version marker: from here on, agency decisions must carry a verified signature.
SIGNED_DECISIONS = "signed-agency-decisions"
PARALLEL_DOSSIER_CHECKS = "parallel-dossier-checks"
ONE_REPORT_FOR_AN_IMMEDIATE_DECISION = "one-report-for-an-immediate-decision"
ORCHESTRATOR_CALL = timedelta(seconds=30)


class DeclarationWorkflow:
    """Shared state, handlers and steps; subclasses define `run` and the order of the steps."""

    group: ProcedureGroup

    def _setup(
        self,
        declaration_id: str,
        received_at: datetime,
        declaration: Declaration,
        options: OrchestrationOptions,
        procedures: Sequence[Procedure],
        late_registration: bool = False,
    ) -> None:
        self._declaration_id = declaration_id
        self._declaration = declaration
        self._options = options
        self._clock = LegalClock(options.working_day_seconds)
        self._call_timeout = timedelta(seconds=options.agency_call_timeout_seconds)
        self._progress = DeclarationProgress(
            initial_view(
                declaration_id,
                self.group,
                received_at,
                procedures,
                declaration.delivery,
                workflow.info().workflow_id,
                self._clock,
                late_registration,
            )
        )
        # Decisions relayed by the agencies' adapters, by case number, until a step takes them.
        self._decisions: dict[str, OfficerDecision] = {}
        # Submissions on their way to each agency, whose case numbers are not known yet.
        self._submitting: dict[Agency, int] = {agency: 0 for agency in Agency}
        self._supplement_answers = 0
        self._awaiting_supplement: set[str] = set()
        self._withdrawal: WithdrawalRequest | None = None

    # --- what the outside world can ask and tell -------------------------------------------

    @workflow.query(name="status")
    def status(self) -> DeclarationStatusView:
        return self._progress.view

    @workflow.query(name="declaration")
    def declaration(self) -> Declaration:
        return self._declaration

    def _trusted(self, decision: OfficerDecision) -> OfficerDecision:
        return trusted_decision(decision, self._options.agency_verify_keys)

    def _accepted(self, decision: OfficerDecision) -> OfficerDecision:
        """Declarations started before agencies signed their decisions keep their unsigned ones;
        every later one acts only on a verified decision."""
        if workflow.patched(SIGNED_DECISIONS):
            return self._trusted(decision)
        return decision

    @workflow.update(name="record_decision")
    def record_decision(self, decision: OfficerDecision) -> None:
        self._decisions[decision.case_number] = self._accepted(decision)

    @record_decision.validator
    def _check_decision(self, decision: OfficerDecision) -> None:
        self._trusted(decision)
        if self._progress.closed:
            raise ValueError("The declaration is closed.")
        steps = [s for s in self._progress.view.steps if s.agency == decision.agency]
        if not steps:
            raise ValueError(f"The {decision.agency.value} agency has no step in this declaration.")
        for step in steps:
            if step.case_number == decision.case_number:
                if step.status != StepState.SUBMITTED or decision.case_number in self._decisions:
                    raise ValueError(f"The {step.procedure.value} step is not awaiting a decision.")
                return
        if self._submitting[decision.agency] == 0:
            raise ValueError(f"Case {decision.case_number} is not one of this declaration's.")

    @workflow.update(name="answer_supplement")
    def answer_supplement(self, answer: SupplementAnswer) -> str:
        self._declaration = answer.declaration
        self._supplement_answers += 1
        self._progress.record_event("supplement_answered", reason=", ".join(answer.changed))
        return "accepted"

    @answer_supplement.validator
    def _check_supplement(self, answer: SupplementAnswer) -> None:
        if self._progress.closed:
            raise ValueError("The declaration is closed.")
        if not self._awaiting_supplement:
            raise ValueError("Nothing is awaited from the citizen.")
        if type(answer.declaration) is not type(self._declaration):
            raise ValueError("The supplement is for another kind of declaration.")

    @workflow.update(name="withdraw")
    def withdraw(self, request: WithdrawalRequest) -> str:
        self._withdrawal = request
        return "withdrawing"

    @withdraw.validator
    def _check_withdrawal(self, request: WithdrawalRequest) -> None:
        if self._progress.closed:
            raise ValueError("The declaration is already closed.")
        if self._withdrawal is not None:
            raise ValueError("The declaration is already being withdrawn.")

    # --- the life of a declaration ------------------------------------------------------------

    async def _run_procedures(self) -> None:
        raise NotImplementedError

    def _identity_claims(self) -> list[IdentityClaim]:
        raise NotImplementedError

    async def _run(self) -> DeclarationStatusView:
        progress = self._progress
        workflow.logger.info("declaration_started")
        progress.set_status(DeclarationState.IN_PROGRESS, "The dossier is being checked.")
        watcher = asyncio.create_task(self._watch_group_deadline())
        if await self._check_dossier():
            await self._run_procedures()
        if self._withdrawal is not None:
            await self._close_withdrawn()
        elif not progress.closed:
            await deliver_results(
                progress, self._delivery, self._options.task_queues.postal, self._call_timeout
            )
            progress.settle()
        await progress.publish()
        step_metrics.declaration_closed(self.group.value, progress.view.status.value)
        await watcher
        await workflow.wait_condition(workflow.all_handlers_finished)
        workflow.logger.info("declaration_closed", extra={"status": progress.view.status.value})
        return progress.view

    @property
    def _delivery(self) -> Delivery:
        return self._declaration.delivery

    def _queue(self, agency: Agency) -> str:
        queues = self._options.task_queues
        return {
            Agency.JUSTICE: queues.justice,
            Agency.POLICE: queues.police,
            Agency.SOCIAL_SECURITY: queues.social_security,
        }[agency]

    def _refuse(self, reason: str) -> None:
        self._progress.cancel_unsettled_steps(f"Not started: {reason}")
        self._progress.set_status(DeclarationState.REJECTED, reason)

    async def _check_dossier(self) -> bool:
        """Before any agency: the attachments are as filed, and the people are who the registry
        says they are. A mismatch goes back to the citizen; False when the declaration ends."""
        while self._withdrawal is None:
            attachments_check = workflow.execute_activity_method(
                RecordActivities.verify_attachments,
                AttachmentCheck(
                    declaration_id=self._declaration_id,
                    sha256=[a.sha256 for a in self._declaration.attachments],
                ),
                task_queue=workflow.info().task_queue,
                start_to_close_timeout=ORCHESTRATOR_CALL,
                summary="check the attachments against their hashes",
            )
            identity_check = workflow.execute_activity_method(
                PoliceActivities.verify_identities,
                IdentityCheckRequest(
                    declaration_id=self._declaration_id, claims=self._identity_claims()
                ),
                task_queue=self._options.task_queues.police,
                start_to_close_timeout=self._call_timeout,
                retry_policy=AGENCY_RETRY_POLICY,
                summary="cross-check the people with the population registry",
            )
            if workflow.patched(PARALLEL_DOSSIER_CHECKS):
                tampered, problems = await asyncio.gather(attachments_check, identity_check)
            else:
                tampered = await attachments_check
                if tampered:
                    identity_check.close()
                problems = [] if tampered else await identity_check
            if tampered:
                names = ", ".join(
                    a.filename for a in self._declaration.attachments if a.sha256 in tampered
                )
                self._refuse(
                    f"the attachment {names} was altered after it was filed (its content "
                    "no longer matches its checksum); file the declaration again."
                )
                return False
            if not problems:
                return True
            need = SupplementNeed(
                fields=[p.field for p in problems], message=" ".join(p.message for p in problems)
            )
            answered = await self._await_supplement(POPULATION_REGISTRY, need, ())
            if answered is False:
                self._refuse(
                    "the population registry mismatch was not corrected within "
                    f"{SUPPLEMENT_WAIT_WORKING_DAYS} working days."
                )
                return False
        return False

    # --- agency steps -------------------------------------------------------------------------

    async def _run_step(self, spec: StepSpec) -> StepResult | None:
        """Run a step to its decision; the agency's record, or None when it ends otherwise."""
        progress, procedure = self._progress, spec.procedure
        round_number, supersedes = 1, None
        while self._withdrawal is None:
            request = spec.build(self._declaration, round_number, supersedes)
            progress.start_submission(procedure, round_number)
            await progress.publish()
            decision, case_number = await self._submit(spec, request)
            now = workflow.now()
            progress.mark_received_by_agency(
                procedure, case_number, now, self._clock.deadline(now, STEP_WORKING_DAYS[procedure])
            )
            # An agency that decided at once is reported once, with its decision.
            if decision is None or not workflow.patched(ONE_REPORT_FOR_AN_IMMEDIATE_DECISION):
                await progress.publish()
            if decision is None:
                decision = await self._await_decision(procedure, case_number)
            if decision is None:
                return None  # withdrawn while the agency was deciding
            # Who decided goes to the audit trail: an officer, or the agency's automatic policy.
            actor = f"{spec.agency.value}:{decision.decided_by}" if decision.decided_by else None
            step_metrics.step_decided(
                spec.agency.value,
                procedure.value,
                decision.outcome,
                progress.view.step(procedure).submitted_at,
            )
            if decision.outcome == "approved":
                progress.update_step(
                    procedure, StepState.APPROVED, result=decision.result, actor=actor
                )
                await progress.publish()
                return decision.result
            if decision.outcome in ("rejected", "cancelled"):
                state = (
                    StepState.REJECTED if decision.outcome == "rejected" else StepState.CANCELLED
                )
                progress.update_step(
                    procedure, state, reason=decision.reason, result=decision.result, actor=actor
                )
                await progress.publish()
                return None
            need = decision.supplement or SupplementNeed(message=decision.reason or "")
            answered = await self._await_supplement(spec.agency.value, need, (procedure,), actor)
            if answered is None:
                return None
            if not answered:
                progress.update_step(
                    procedure,
                    StepState.REJECTED,
                    reason=f"Refused: the supplement the {spec.agency.value} office asked for was "
                    f"not received within {SUPPLEMENT_WAIT_WORKING_DAYS} working days.",
                )
                await progress.publish()
                return None
            round_number, supersedes = round_number + 1, case_number
        return None

    async def _submit(self, spec: StepSpec, request: object) -> tuple[OfficerDecision | None, str]:
        self._submitting[spec.agency] += 1
        try:
            receipt = await workflow.execute_activity_method(
                spec.activity,
                request,
                task_queue=self._queue(spec.agency),
                start_to_close_timeout=self._call_timeout,
                retry_policy=AGENCY_RETRY_POLICY,
                summary=f"{spec.agency.value}: {spec.procedure.value} for {self._declaration_id}",
            )
        except ActivityError as error:
            refusal = decision_from_refusal(error, spec, workflow.now())
            if refusal.signed is None:
                return refusal, refusal.case_number  # our own adapter could not submit it
            return self._trusted_or_none(refusal), refusal.case_number
        finally:
            self._submitting[spec.agency] -= 1
        inline = self._trusted_or_none(receipt.decision) if receipt.decision else None
        return inline or self._decisions.pop(receipt.case_number, None), receipt.case_number

    def _trusted_or_none(self, decision: OfficerDecision) -> OfficerDecision | None:
        """An inline decision the agency did not sign is not acted on: the step waits for the
        agency's signed decision instead."""
        try:
            return self._accepted(decision)
        except UntrustedDecision as error:
            workflow.logger.warning("untrusted_decision_ignored", extra={"reason": str(error)})
            return None

    async def _await_decision(
        self, procedure: Procedure, case_number: str
    ) -> OfficerDecision | None:
        """Wait for the officer, reminding the agency before its deadline and escalating after."""
        step = self._progress.view.step(procedure)
        assert step.submitted_at is not None
        assert step.deadline is not None
        pending = ["reminder", "escalation"]
        while True:
            if case_number in self._decisions:
                return self._decisions.pop(case_number)
            if self._withdrawal is not None:
                return None
            wake_at = (
                self._clock.reminder_time(step.submitted_at, step.deadline)
                if pending and pending[0] == "reminder"
                else step.deadline
            )
            remaining = (wake_at - workflow.now()).total_seconds() if pending else None
            if remaining is None or remaining > 0:
                try:
                    await workflow.wait_condition(
                        lambda: case_number in self._decisions or self._withdrawal is not None,
                        timeout=remaining,
                    )
                    continue
                except TimeoutError:
                    pass
            due = pending.pop(0)
            if due == "reminder":
                await self._follow_up(step.agency, case_number, "reminder", step.deadline)
                self._progress.record_event("reminder_sent", step=step)
                await self._progress.publish()
            else:
                await self._escalate(
                    procedure.value,
                    step.deadline,
                    step.agency,
                    case_number,
                    f"The {step.agency.value} office has not decided "
                    f"{procedure.value} by its deadline.",
                )

    async def _follow_up(
        self,
        agency: Agency,
        case_number: str,
        kind: Literal["reminder", "escalation"],
        deadline: datetime,
    ) -> None:
        await workflow.execute_activity_method(
            AgencyCaseActivities.follow_up_case,
            CaseFollowUp(
                declaration_id=self._declaration_id,
                case_number=case_number,
                kind=kind,
                deadline=deadline,
            ),
            task_queue=self._queue(agency),
            start_to_close_timeout=self._call_timeout,
            retry_policy=AGENCY_RETRY_POLICY,
            summary=f"{agency.value}: {kind} on case {case_number}",
        )

    async def _escalate(
        self,
        scope: str,
        deadline: datetime,
        agency: Agency | None,
        case_number: str | None,
        reason: str,
    ) -> None:
        procedure = Procedure(scope) if agency is not None else None
        self._progress.mark_overdue(procedure)
        step_metrics.deadline_missed("step" if procedure else "declaration")
        await workflow.execute_local_activity_method(
            RecordActivities.record_escalation,
            Escalation(
                declaration_id=self._declaration_id,
                scope=scope,
                agency=agency.value if agency else None,
                case_number=case_number,
                deadline=deadline,
                escalated_at=workflow.now(),
                reason=reason,
            ),
            start_to_close_timeout=timedelta(seconds=15),
            summary=f"escalate: {scope} overdue",
        )
        if agency is not None and case_number is not None:
            await self._follow_up(agency, case_number, "escalation", deadline)
        await self._progress.publish()

    async def _watch_group_deadline(self) -> None:
        """The group's own time limit: past it, the declaration is overdue and escalated. While
        the citizen is asked for a supplement, the agencies' time limit waits with them."""
        progress = self._progress
        escalated = False
        while not progress.closed:
            deadline = progress.view.deadline
            assert deadline is not None

            def moved_on(deadline: datetime = deadline) -> bool:
                return progress.closed or progress.view.deadline != deadline

            remaining = (deadline - workflow.now()).total_seconds()
            if remaining > 0:
                try:
                    await workflow.wait_condition(moved_on, timeout=remaining)
                    continue
                except TimeoutError:
                    pass
            if self._awaiting_supplement:
                await workflow.wait_condition(lambda: moved_on() or not self._awaiting_supplement)
                continue
            if not escalated:
                escalated = True
                await self._escalate(
                    "declaration",
                    deadline,
                    None,
                    None,
                    f"The {self.group.value} declaration is past its legal deadline.",
                )
            await workflow.wait_condition(moved_on)

    # --- the citizen's part -------------------------------------------------------------------

    async def _await_supplement(
        self,
        requester: str,
        need: SupplementNeed,
        procedures: Sequence[Procedure],
        actor: str | None = None,
    ) -> bool | None:
        """Ask the citizen; True once answered, False after the wait expires, None if withdrawn."""
        now = workflow.now()
        request = SupplementRequest(
            requested_by=requester,
            requested_at=now,
            respond_by=self._clock.deadline(now, SUPPLEMENT_WAIT_WORKING_DAYS),
            **need.model_dump(),
        )
        for procedure in procedures:
            self._progress.update_step(
                procedure,
                StepState.AWAITING_SUPPLEMENT,
                reason=need.message,
                supplement_request=request,
                actor=actor,
            )
        if not procedures:
            self._progress.set_declaration_supplement(request)
        await self._progress.publish()
        answers_seen = self._supplement_answers
        self._awaiting_supplement.add(requester)
        try:
            await workflow.wait_condition(
                lambda: self._supplement_answers > answers_seen or self._withdrawal is not None,
                timeout=(request.respond_by - now).total_seconds(),
            )
            answered: bool | None = None if self._withdrawal is not None else True
        except TimeoutError:
            answered = False
        finally:
            self._awaiting_supplement.discard(requester)
        if not procedures:
            self._progress.set_declaration_supplement(None)
        if answered:
            # The time limit counts again from the completed dossier, with verification.
            group_days = GROUP_WORKING_DAYS_WITH_VERIFICATION[self.group]
            self._progress.set_deadline(self._clock.deadline(workflow.now(), group_days))
        return answered

    async def _close_withdrawn(self) -> None:
        """Cancel what is still open, at the agencies too; completed records stay."""
        progress = self._progress

        async def close(procedure: Procedure) -> None:
            step = progress.view.step(procedure)
            if step.status in (StepState.APPROVED, StepState.REJECTED, StepState.CANCELLED):
                return
            decision = self._decisions.pop(step.case_number, None) if step.case_number else None
            if decision is None and step.case_number:
                receipt = await workflow.execute_activity_method(
                    AgencyCaseActivities.cancel_case,
                    CaseCancellation(
                        declaration_id=self._declaration_id,
                        case_number=step.case_number,
                        reason="withdrawn",
                    ),
                    task_queue=self._queue(step.agency),
                    start_to_close_timeout=self._call_timeout,
                    retry_policy=AGENCY_RETRY_POLICY,
                    summary=f"{step.agency.value}: cancel case {step.case_number}",
                )
                decision = self._trusted_or_none(receipt.decision) if receipt.decision else None
            if decision is not None and decision.outcome == "approved":
                progress.update_step(
                    procedure,
                    StepState.APPROVED,
                    result=decision.result,
                    reason="Decided by the agency before the withdrawal.",
                )
            else:
                progress.update_step(
                    procedure,
                    StepState.CANCELLED,
                    reason="Cancelled: the declaration was withdrawn.",
                )

        await asyncio.gather(*(close(s.procedure) for s in progress.view.steps))
        approved = [
            s.procedure.value for s in progress.view.steps if s.status == StepState.APPROVED
        ]
        progress.set_status(
            DeclarationState.WITHDRAWN,
            "Withdrawn by the declarant. "
            + (
                f"Completed records stay: {', '.join(approved)}."
                if approved
                else "Nothing had been completed."
            ),
        )
        if approved:
            await deliver_results(
                progress, self._delivery, self._options.task_queues.postal, self._call_timeout
            )
