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
from typing import Any

from temporalio import workflow
from temporalio.exceptions import NexusOperationError

with workflow.unsafe.imports_passed_through():
    from activities.records import RecordActivities
    from activities.trust import DecisionCheck, DecisionVerdict, TrustActivities
    from agency_contracts.decisions import (
        CaseFollowUp,
        FollowUpKind,
        IdentityCheckRequest,
        IdentityClaim,
        OfficerDecision,
    )
    from agency_contracts.requests import AgencyRequest
    from agency_contracts.services import JusticeService, PoliceService, SocialSecurityService
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
        Escalation,
        Requester,
        SupplementAnswer,
        WithdrawalRequest,
    )
    from schemas.results import StepResult
    from schemas.status import DeclarationState, DeclarationStatusView, StepState
    from schemas.supplements import POPULATION_REGISTRY, SupplementNeed, SupplementRequest
    from schemas.workflow_inputs import OrchestrationOptions
    from security.requesters import attested

from workflows import step_metrics
from workflows.agency_steps import StepSpec
from workflows.declaration_progress import DeclarationProgress, initial_view
from workflows.delivery import deliver_results

Declaration = BirthDeclaration | DeathDeclaration
ORCHESTRATOR_CALL = timedelta(seconds=30)
# The registry cross-check finds a mismatch at most this many times before it refuses.
MAX_REGISTRY_ROUNDS = 3
# A step goes to its agency at most this many times: with the registry's bound, it keeps the
# longest path of a declaration, and so its history, bounded without continuing as new.
MAX_ROUNDS_PER_STEP = 5
# The parts of a declaration that name people the registry knows.
PEOPLE = frozenset({"declarant", "mother", "father", "deceased", "survivor_benefit"})
AGENCY_SERVICES: dict[Agency, type] = {
    Agency.JUSTICE: JusticeService,
    Agency.POLICE: PoliceService,
    Agency.SOCIAL_SECURITY: SocialSecurityService,
}


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
        self._supplement_answers = 0
        self._follow_ups: list[asyncio.Task[None]] = []
        self._changed_since_registry_check: set[str] = set()
        self._registry_rounds = 0
        self._awaiting_supplement: set[str] = set()
        self._withdrawal: WithdrawalRequest | None = None

    # --- what the outside world can ask and tell -------------------------------------------

    @workflow.query(name="status")
    def status(self) -> DeclarationStatusView:
        return self._progress.view

    @workflow.query(name="declaration")
    def declaration(self) -> Declaration:
        return self._declaration

    def _check_requester(self, action: str, requester: Requester, content: str) -> None:
        """Only the portal API, for the person it verified, may ask the declaration to act."""
        if not attested(
            self._options.requester_verify_keys,
            workflow.info().workflow_id,
            action,
            requester,
            content,
        ):
            workflow.logger.warning("unattested_update_refused", extra={"action": action})
            raise ValueError("The request did not come through the portal API.")

    @workflow.update(name="answer_supplement")
    def answer_supplement(self, answer: SupplementAnswer) -> str:
        self._declaration = answer.declaration
        self._supplement_answers += 1
        self._changed_since_registry_check.update(answer.changed)
        self._progress.record_event(
            "supplement_answered",
            reason=", ".join(answer.changed),
            actor=answer.requester.actor,
        )
        return "accepted"

    @answer_supplement.validator
    def _check_supplement(self, answer: SupplementAnswer) -> None:
        self._check_requester("answer_supplement", answer.requester, answer.attested_content())
        if self._progress.closed:
            raise ValueError("The declaration is closed.")
        if not self._awaiting_supplement:
            raise ValueError("Nothing is awaited from the citizen.")
        if type(answer.declaration) is not type(self._declaration):
            raise ValueError("The supplement is for another kind of declaration.")
        # The portal refuses these first; the workflow holds to them whoever sends the answer.
        if answer.declaration.declarant.personal_id != self._declaration.declarant.personal_id:
            raise ValueError("The declarant of a declaration does not change.")
        if getattr(answer.declaration, "procedures", None) != getattr(
            self._declaration, "procedures", None
        ):
            raise ValueError("The procedures chosen do not change.")

    @workflow.update(name="withdraw")
    def withdraw(self, request: WithdrawalRequest) -> str:
        self._withdrawal = request
        self._progress.record_event(
            "withdrawal_requested", reason=request.reason, actor=request.requester.actor
        )
        return "withdrawing"

    @withdraw.validator
    def _check_withdrawal(self, request: WithdrawalRequest) -> None:
        self._check_requester("withdraw", request.requester, request.attested_content())
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
            await deliver_results(progress, self._delivery, self._options.endpoints.postal)
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

    def _agency(self, agency: Agency) -> workflow.NexusClient[Any]:
        """The agency's Nexus service, reached through its endpoint."""
        return workflow.create_nexus_client(
            service=AGENCY_SERVICES[agency],
            endpoint=getattr(self._options.endpoints, agency.value),
        )

    def _refuse(self, reason: str) -> None:
        self._progress.cancel_unsettled_steps(f"Not started: {reason}")
        self._progress.set_status(DeclarationState.REJECTED, reason)

    async def _check_dossier(self) -> bool:
        """Before any agency: the attachments are as filed, and the people are who the registry
        says they are. A mismatch goes back to the citizen; False when the declaration ends."""
        while self._withdrawal is None:
            self._changed_since_registry_check.clear()
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
            identity_check = self._agency(Agency.POLICE).execute_operation(
                PoliceService.verify_identities,
                IdentityCheckRequest(
                    declaration_id=self._declaration_id, claims=self._identity_claims()
                ),
                summary="cross-check the people with the population registry",
            )
            tampered, registry = await asyncio.gather(attachments_check, identity_check)
            if tampered:
                names = ", ".join(
                    a.filename for a in self._declaration.attachments if a.sha256 in tampered
                )
                self._refuse(
                    f"the attachment {names} was altered after it was filed (its content "
                    "no longer matches its checksum); file the declaration again."
                )
                return False
            problems = registry.problems
            if not problems:
                return True
            self._registry_rounds += 1
            if self._registry_rounds >= MAX_REGISTRY_ROUNDS:
                self._refuse(
                    "the people named still do not match the population registry after "
                    f"{MAX_REGISTRY_ROUNDS} checks; file the declaration again with the "
                    "details on their identity cards."
                )
                return False
            need = SupplementNeed(
                fields=[p.field for p in problems],
                message=" ".join(dict.fromkeys(p.message for p in problems)),
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
            decision = await self._decide(spec, request)
            if decision is None:
                return None  # withdrawn while the agency was deciding
            progress.set_case_number(procedure, decision.case_number)
            # Who decided goes to the audit trail: an officer, or the agency's automatic policy.
            actor = f"{spec.agency.value}:{decision.decided_by}" if decision.decided_by else None
            step_metrics.step_decided(
                spec.agency.value,
                procedure.value,
                decision.outcome,
                progress.view.step(procedure).submitted_at,
            )
            if decision.outcome == "approved":
                reason = (
                    "Decided by the agency before the withdrawal." if self._withdrawal else None
                )
                progress.update_step(
                    procedure,
                    StepState.APPROVED,
                    result=decision.result,
                    reason=reason,
                    actor=actor,
                )
                await progress.publish()
                return decision.result
            if decision.outcome in ("rejected", "cancelled"):
                state = (
                    StepState.REJECTED if decision.outcome == "rejected" else StepState.CANCELLED
                )
                reason = decision.reason
                if state == StepState.CANCELLED and reason is None:
                    reason = (
                        "Cancelled: the declaration was withdrawn."
                        if self._withdrawal
                        else "Cancelled by the agency."
                    )
                progress.update_step(
                    procedure, state, reason=reason, result=decision.result, actor=actor
                )
                await progress.publish()
                return None
            if round_number >= MAX_ROUNDS_PER_STEP:
                progress.update_step(
                    procedure,
                    StepState.REJECTED,
                    reason=f"Refused: the {spec.agency.value} office asked for corrections "
                    f"{MAX_ROUNDS_PER_STEP} times; file the declaration again.",
                    actor=actor,
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
            # A corrected person is checked with the registry again before any agency sees them.
            if self._changed_since_registry_check & PEOPLE and not await self._check_dossier():
                return None
            round_number, supersedes = round_number + 1, decision.case_number
        return None

    async def _decide(self, spec: StepSpec, request: AgencyRequest) -> OfficerDecision | None:
        """Open the case at the agency through its Nexus operation and wait for its decision,
        reminding the agency before the step's deadline and escalating after it. A withdrawal
        cancels the operation, which cancels the case at the agency. The decision counts only
        once the trust store verifies it; None when the step ends without one."""
        procedure = spec.procedure
        handle = await self._agency(spec.agency).start_operation(
            spec.operation,
            request,
            summary=f"{spec.agency.value}: {procedure.value} for {self._declaration_id}",
        )
        now = workflow.now()
        deadline = self._clock.deadline(now, STEP_WORKING_DAYS[procedure])
        self._progress.mark_received_by_agency(procedure, now, deadline)
        outcome = asyncio.ensure_future(self._result_of(handle))
        pending: list[FollowUpKind] = ["reminder", "escalation"]
        while not outcome.done():
            if self._withdrawal is not None:
                handle.cancel()
                decision = await outcome
                return await self._verified(spec, decision) if decision else None
            wake_at = (
                self._clock.reminder_time(now, deadline)
                if pending[:1] == ["reminder"]
                else deadline
            )
            remaining = (wake_at - workflow.now()).total_seconds() if pending else None
            if remaining is None or remaining > 0:
                try:
                    await workflow.wait_condition(
                        lambda: outcome.done() or self._withdrawal is not None, timeout=remaining
                    )
                    continue
                except TimeoutError:
                    pass
            due = pending.pop(0)
            # Sent beside the step, not awaited: an agency slow to take a reminder must not hold
            # back the escalation, nor the decision.
            self._follow_ups.append(
                asyncio.create_task(
                    self._follow_up(spec.agency, request.idempotency_key, due, deadline)
                )
            )
            if due == "reminder":
                self._progress.record_event(
                    "reminder_sent", step=self._progress.view.step(procedure)
                )
                await self._progress.publish()
            else:
                await self._escalate(
                    procedure.value,
                    deadline,
                    spec.agency,
                    request.idempotency_key,
                    f"The {spec.agency.value} office has not decided "
                    f"{procedure.value} by its deadline.",
                )
        decision = outcome.result()
        return await self._verified(spec, decision) if decision else None

    @staticmethod
    async def _result_of(
        handle: workflow.NexusOperationHandle[OfficerDecision],
    ) -> OfficerDecision | None:
        try:
            return await handle
        except NexusOperationError as error:
            # Cancelled on withdrawal before the agency had decided anything.
            workflow.logger.info("agency_case_ended_without_decision", extra={"error": str(error)})
            return None

    async def _verified(self, spec: StepSpec, decision: OfficerDecision) -> OfficerDecision | None:
        """The decision as the agency signed it. A cancellation needs no signature: the case is
        closed either way. One that no trusted key verifies is held for an operator and checked
        again until a key the trust store gains (after a rotation) verifies it, or the
        declaration is withdrawn."""
        if decision.outcome == "cancelled":
            return decision
        step = self._progress.view.step(spec.procedure)
        held = False
        while True:
            verdict: DecisionVerdict = await workflow.execute_local_activity_method(
                TrustActivities.verify_decision,
                DecisionCheck(
                    declaration_id=self._declaration_id,
                    procedure=spec.procedure.value,
                    decision=decision,
                ),
                start_to_close_timeout=timedelta(seconds=15),
                summary=f"verify the {spec.agency.value} decision",
            )
            if verdict.decision is not None:
                if held:
                    self._progress.mark_decision_held(spec.procedure, False)
                    self._progress.record_event("decision_released", step=step)
                return verdict.decision
            if not held:
                held = True
                self._progress.record_event(
                    "decision_held", step=step, reason=f"{verdict.problem}: {verdict.message}"
                )
                self._progress.mark_decision_held(spec.procedure, True)
                await self._progress.publish()
            try:
                await workflow.wait_condition(
                    lambda: self._withdrawal is not None,
                    timeout=self._options.decision_recheck_seconds,
                )
                self._progress.mark_decision_held(spec.procedure, False)
                return None
            except TimeoutError:
                continue

    async def _follow_up(
        self, agency: Agency, case_reference: str, kind: FollowUpKind, deadline: datetime
    ) -> None:
        """Remind or escalate at the agency. It never fails the declaration: an agency that
        cannot take it now is logged, and the step goes on waiting for the decision."""
        try:
            await self._agency(agency).execute_operation(
                "follow_up_case",
                CaseFollowUp(
                    declaration_id=self._declaration_id,
                    case_reference=case_reference,
                    kind=kind,
                    deadline=deadline,
                ),
                output_type=type(None),
                schedule_to_close_timeout=self._call_timeout * 10,
                summary=f"{agency.value}: {kind}",
            )
        except NexusOperationError as error:
            workflow.logger.warning(
                "follow_up_failed",
                extra={"agency": agency.value, "kind": kind, "error": str(error)},
            )

    async def _escalate(
        self,
        scope: str,
        deadline: datetime,
        agency: Agency | None,
        case_reference: str | None,
        reason: str,
    ) -> None:
        procedure = Procedure(scope) if agency is not None else None
        self._progress.mark_overdue(procedure)
        step_metrics.deadline_missed("step" if procedure else "declaration")
        case_number = self._progress.view.step(procedure).case_number if procedure else None
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
        """Each running step has cancelled its case at its agency by now; what is still open is
        cancelled here, and completed records stay."""
        progress = self._progress
        progress.cancel_unsettled_steps("Cancelled: the declaration was withdrawn.")
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
            await deliver_results(progress, self._delivery, self._options.endpoints.postal)
