"""A declaration's progress inside its workflow: the status view the portal reads, the search
attributes operators filter by, the details the Temporal UI shows, and the reports to the store."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from datetime import datetime, timedelta

from temporalio import workflow

with workflow.unsafe.imports_passed_through():
    from activities.records import RecordActivities
    from messages import Message, Text
    from schemas.common import Procedure
    from schemas.notifications import Notice
    from schemas.progress import ProgressReport, StepEvent
    from schemas.results import StepResult
    from schemas.status import (
        TERMINAL_STATES,
        DeclarationState,
        DeclarationStatusView,
        DeliveryState,
        StepState,
        StepView,
    )
    from schemas.supplements import SupplementRequest
    from temporal_connection import search_attributes

from workflows.operator_details import operator_details

SETTLED_STEP_STATES = frozenset({StepState.APPROVED, StepState.REJECTED, StepState.CANCELLED})


class DeclarationProgress:
    def __init__(self, view: DeclarationStatusView) -> None:
        self.view = view
        self._events: list[StepEvent] = []
        self._sequence = 0
        # Parallel steps publish one at a time, so the store receives the reports in order;
        # the report that gathers this workflow task's changes, once one is asked for.
        self._publishing = asyncio.Lock()
        self._next_report: asyncio.Future[None] | None = None
        self._searchable: tuple[str, tuple[str, ...], bool, bool, str] | None = None
        # Decisions held for want of a trusted key, which operators filter by.
        self._held: set[Procedure] = set()
        # What the declarant is to be told of each report, read off the state it reports: the
        # notices go to the store with it.
        self.notices_for: Callable[[DeclarationStatusView], list[Notice]] | None = None

    # --- changes -------------------------------------------------------------------------

    def record_event(
        self,
        status: str,
        *,
        step: StepView | None = None,
        reason: Text | None = None,
        actor: str | None = None,
    ) -> None:
        self._sequence += 1
        self._events.append(
            StepEvent(
                sequence=self._sequence,
                occurred_at=workflow.now(),
                status=status,
                agency=step.agency.value if step else None,
                procedure=step.procedure.value if step else None,
                reason=reason,
                case_number=step.case_number if step else None,
                actor=actor,
            )
        )

    @property
    def closed(self) -> bool:
        return self.view.status in TERMINAL_STATES

    def _refresh_status(self) -> None:
        """While open, the declaration awaits a supplement exactly when something asks for one."""
        if self.closed or self.view.status == DeclarationState.RECEIVED:
            return
        awaiting = self.view.supplement_request is not None or any(
            s.status == StepState.AWAITING_SUPPLEMENT for s in self.view.steps
        )
        status = DeclarationState.AWAITING_SUPPLEMENT if awaiting else DeclarationState.IN_PROGRESS
        if status != self.view.status:
            self.set_status(
                status,
                Message.of("status.awaiting_supplement")
                if awaiting
                else Message.of("status.in_progress"),
            )

    def set_status(
        self,
        status: DeclarationState,
        summary: Text | None = None,
        *,
        reason_code: str | None = None,
    ) -> None:
        self.view.status = status
        if summary is not None:
            self.view.summary = summary
        self.view.status_reason_code = reason_code
        self.record_event(status.value, reason=summary)

    def update_step(
        self,
        procedure: Procedure,
        status: StepState,
        *,
        reason: Text | None = None,
        reason_code: str | None = None,
        result: StepResult | None = None,
        supplement_request: SupplementRequest | None = None,
        actor: str | None = None,
    ) -> None:
        """A reason of the product's own is a `Message` whose code is the reason's code; an
        agency's text comes with the agency's code."""
        step = self.view.step(procedure)
        step.status = status
        step.reason = reason
        if reason_code is None and isinstance(reason, Message):
            reason_code = reason.code
        step.reason_code = reason_code if reason is not None else None
        step.supplement_request = supplement_request
        if result is not None:
            step.result = result
        self.record_event(status.value, step=step, reason=reason, actor=actor)
        self._refresh_status()

    def start_submission(self, procedure: Procedure, round_number: int) -> None:
        """The step goes (again) to its agency; the case it will open is not known yet."""
        step = self.view.step(procedure)
        step.round, step.case_number, step.submitted_at = round_number, None, None
        self.update_step(procedure, StepState.SUBMITTED)

    def mark_received_by_agency(
        self, procedure: Procedure, submitted_at: datetime, deadline: datetime
    ) -> None:
        """The agency has the case; its number comes with the agency's decision."""
        step = self.view.step(procedure)
        step.submitted_at = submitted_at
        step.deadline = deadline
        self.record_event("received_by_agency", step=step)

    def mark_decision_held(self, procedure: Procedure, held: bool) -> None:
        if held:
            self._held.add(procedure)
        else:
            self._held.discard(procedure)

    def set_case_number(self, procedure: Procedure, case_number: str) -> None:
        self.view.step(procedure).case_number = case_number or None

    def set_declaration_supplement(self, request: SupplementRequest | None) -> None:
        self.view.supplement_request = request
        self.record_event(
            "supplement_requested" if request else "supplement_closed",
            reason=request.message if request else None,
        )
        self._refresh_status()

    def set_deadline(self, deadline: datetime) -> None:
        self.view.deadline = deadline
        self.record_event("deadline_restarted", reason=deadline.isoformat())

    def mark_overdue(self, procedure: Procedure | None) -> None:
        self.view.overdue = True
        step = self.view.step(procedure) if procedure else None
        if step is not None:
            step.overdue = True
        self.record_event("overdue", step=step)

    def cancel_unsettled_steps(self, reason: Message, reason_code: str | None = None) -> None:
        for step in self.view.steps:
            if step.status not in SETTLED_STEP_STATES:
                self.update_step(
                    step.procedure, StepState.CANCELLED, reason=reason, reason_code=reason_code
                )

    def set_delivery(
        self,
        status: DeliveryState,
        notice: Message,
        *,
        tracking_number: str | None = None,
        delivered_at: datetime | None = None,
    ) -> None:
        delivery = self.view.delivery
        delivery.status, delivery.notice = status, notice
        delivery.tracking_number, delivery.delivered_at = tracking_number, delivered_at
        self.record_event(f"delivery_{status.value}", reason=notice)

    def settle(self) -> None:
        """Close the declaration with the outcome its steps add up to."""
        states = [s.status for s in self.view.steps]
        approved = sum(1 for s in states if s == StepState.APPROVED)
        if approved == len(states):
            self.set_status(
                DeclarationState.COMPLETED, Message.of("status.completed", count=approved)
            )
        elif approved == 0 or self.view.steps[0].status != StepState.APPROVED:
            first = self.view.steps[0]
            self.set_status(
                DeclarationState.REJECTED,
                first.reason or Message.of("status.rejected"),
                reason_code=first.reason_code or "rejected",
            )
        else:
            unsettled = next(
                (s for s in self.view.steps if s.status != StepState.APPROVED and s.reason_code),
                None,
            )
            self.set_status(
                DeclarationState.PARTIALLY_COMPLETED,
                Message.of("status.partially_completed", approved=approved, total=len(states)),
                reason_code=unsettled.reason_code if unsettled else None,
            )

    # --- publishing ---------------------------------------------------------------------------

    @property
    def current_steps(self) -> tuple[str, ...]:
        """What `CurrentStep` lists: each step still open, or the one stage the declaration is
        in when no agency step is."""
        if self.closed:
            return ("closed",)
        if self.view.supplement_request is not None:
            return ("awaiting_supplement",)
        open_steps = tuple(
            s.procedure.value for s in self.view.steps if s.status not in SETTLED_STEP_STATES
        )
        return open_steps or ("delivery",)

    def publish(self) -> asyncio.Future[None]:
        """Make the current state visible: search attributes, UI details, and the store. Every
        change made in one workflow task goes out in one write at its end: the steps that move
        together (a decision, and the cases it lets open) share a report. Await the result
        where what follows must wait for the write; the workflow awaits the last one before it
        ends."""
        if self._next_report is None:
            self._next_report = asyncio.ensure_future(self._report_at_end_of_task())
        return self._next_report

    async def _report_at_end_of_task(self) -> None:
        # A condition that always holds is checked only once everything else that is ready in
        # this workflow task has run: by then each of them has made its changes.
        await workflow.wait_condition(lambda: True)
        # Reports go out one at a time, so the store receives them in order.
        async with self._publishing:
            self._next_report = None  # what changes from here on goes in the next report
            if not self._events:
                return  # an earlier report already carried these changes
            self.view.updated_at = workflow.now()
            searchable = (
                self.view.status.value,
                self.current_steps,
                self.view.overdue,
                bool(self._held),
                self.view.status_reason_code or "",
            )
            # Each upsert is a visibility write on the server: skip it when nothing changed.
            if searchable != self._searchable:
                workflow.upsert_search_attributes(
                    [
                        search_attributes.STATUS.value_set(searchable[0]),
                        search_attributes.CURRENT_STEP.value_set(list(searchable[1])),
                        search_attributes.OVERDUE.value_set(searchable[2]),
                        search_attributes.DECISION_HELD.value_set(searchable[3]),
                        search_attributes.STATUS_REASON.value_set(searchable[4]),
                    ]
                )
                self._searchable = searchable
            workflow.set_current_details(operator_details(self.view))
            events = list(self._events)
            notices = self.notices_for(self.view) if self.notices_for is not None else []
            report = ProgressReport(
                view=self.view.model_copy(deep=True), events=events, notices=notices
            )
            # No summary: the activity's name says what it does, and one written with each
            # report is a payload to seal in every workflow task.
            await workflow.execute_local_activity_method(
                RecordActivities.save_progress,
                report,
                start_to_close_timeout=timedelta(seconds=15),
            )
            del self._events[: len(events)]
