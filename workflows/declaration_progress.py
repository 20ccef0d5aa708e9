"""A declaration's progress inside its workflow: the status view the portal reads, the search
attributes operators filter by, the details the Temporal UI shows, and the reports to the store."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from datetime import datetime, timedelta

from temporalio import workflow

with workflow.unsafe.imports_passed_through():
    from activities.records import RecordActivities
    from legal_deadlines.procedure_limits import GROUP_WORKING_DAYS, STEP_WORKING_DAYS
    from legal_deadlines.working_calendar import deadline_after
    from schemas.common import PROCEDURE_AGENCY, Delivery, Procedure, ProcedureGroup
    from schemas.progress import ProgressReport, StepEvent
    from schemas.results import StepResult
    from schemas.status import (
        DeclarationState,
        DeclarationStatusView,
        DeliveryState,
        DeliveryView,
        StepState,
        StepView,
    )
    from temporal_connection import search_attributes

SETTLED_STEP_STATES = frozenset({StepState.APPROVED, StepState.REJECTED, StepState.CANCELLED})


def initial_view(
    declaration_id: str,
    group: ProcedureGroup,
    received_at: datetime,
    procedures: Sequence[Procedure],
    delivery: Delivery,
    workflow_id: str,
    late_registration: bool = False,
) -> DeclarationStatusView:
    """The status of a declaration just received. The portal writes it at intake, and the
    workflow starts from the same view, so both agree on every deadline."""
    return DeclarationStatusView(
        declaration_id=declaration_id,
        procedure=group,
        status=DeclarationState.RECEIVED,
        received_at=received_at,
        deadline=deadline_after(received_at, GROUP_WORKING_DAYS[group]),
        steps=[
            StepView(
                agency=PROCEDURE_AGENCY[p],
                procedure=p,
                deadline=deadline_after(received_at, STEP_WORKING_DAYS[p]),
            )
            for p in procedures
        ],
        delivery=DeliveryView(method=delivery.method, pickup_agency=delivery.pickup_agency),
        workflow_id=workflow_id,
        late_registration=late_registration,
        summary="Received; the agencies have not started yet.",
        updated_at=received_at,
    )


class DeclarationProgress:
    def __init__(self, view: DeclarationStatusView) -> None:
        self.view = view
        self._events: list[StepEvent] = []
        self._sequence = 0
        # Parallel steps publish one at a time, so the store receives the reports in order.
        self._publishing = asyncio.Lock()

    # --- changes -------------------------------------------------------------------------

    def _record(self, **fields: str | None) -> None:
        self._sequence += 1
        self._events.append(
            StepEvent(sequence=self._sequence, occurred_at=workflow.now(), **fields)
        )

    def set_status(self, status: DeclarationState, summary: str | None = None) -> None:
        self.view.status = status
        if summary is not None:
            self.view.summary = summary
        self._record(status=status.value, reason=summary)

    def update_step(
        self,
        procedure: Procedure,
        status: StepState,
        *,
        reason: str | None = None,
        result: StepResult | None = None,
        case_number: str | None = None,
    ) -> None:
        step = self.view.step(procedure)
        step.status = status
        step.reason = reason
        if result is not None:
            step.result = result
        if case_number is not None:
            step.case_number = case_number
        self._record(
            status=status.value,
            agency=step.agency.value,
            procedure=procedure.value,
            reason=reason,
            case_number=step.case_number,
        )

    def cancel_unsettled_steps(self, reason: str) -> None:
        for step in self.view.steps:
            if step.status not in SETTLED_STEP_STATES:
                self.update_step(step.procedure, StepState.CANCELLED, reason=reason)

    def set_delivery(self, status: DeliveryState, tracking_number: str | None = None) -> None:
        self.view.delivery.status = status
        self.view.delivery.tracking_number = tracking_number
        self._record(status=f"delivery_{status.value}")

    def settle(self) -> None:
        """Close the declaration with the outcome its steps add up to."""
        states = [s.status for s in self.view.steps]
        approved = sum(1 for s in states if s == StepState.APPROVED)
        if approved == len(states):
            self.set_status(
                DeclarationState.COMPLETED, f"All {approved} procedures were completed."
            )
        elif approved == 0 or self.view.steps[0].status != StepState.APPROVED:
            self.set_status(DeclarationState.REJECTED, self.view.steps[0].reason or "Rejected.")
        else:
            self.set_status(
                DeclarationState.PARTIALLY_COMPLETED,
                f"{approved} of {len(states)} procedures were completed; see each step's reason.",
            )

    # --- publishing ---------------------------------------------------------------------------

    @property
    def current_step(self) -> str:
        if self.view.status in (
            DeclarationState.COMPLETED,
            DeclarationState.PARTIALLY_COMPLETED,
            DeclarationState.REJECTED,
            DeclarationState.WITHDRAWN,
        ):
            return "closed"
        open_steps = [
            s.procedure.value for s in self.view.steps if s.status not in SETTLED_STEP_STATES
        ]
        return ",".join(open_steps) if open_steps else "delivery"

    def _details(self) -> str:
        lines = [
            f"**{self.view.procedure.value.title()} declaration {self.view.declaration_id}**: "
            f"{self.view.status.value}",
            "",
            "| agency | procedure | status | case |",
            "|---|---|---|---|",
        ]
        for step in self.view.steps:
            lines.append(
                f"| {step.agency.value} | {step.procedure.value} | {step.status.value} | "
                f"{step.case_number or ''} |"
            )
        lines.append(f"\nDelivery: {self.view.delivery.method}, {self.view.delivery.status.value}")
        return "\n".join(lines)

    async def publish(self) -> None:
        """Make the current state visible: search attributes, UI details, and the store."""
        async with self._publishing:
            if not self._events:
                return  # an earlier report already carried these changes
            self.view.updated_at = workflow.now()
            workflow.upsert_search_attributes(
                [
                    search_attributes.STATUS.value_set(self.view.status.value),
                    search_attributes.CURRENT_STEP.value_set(self.current_step),
                ]
            )
            workflow.set_current_details(self._details())
            events = list(self._events)
            report = ProgressReport(view=self.view.model_copy(deep=True), events=events)
            await workflow.execute_local_activity_method(
                RecordActivities.save_progress,
                report,
                start_to_close_timeout=timedelta(seconds=15),
                summary=f"record progress of {self.view.declaration_id}",
            )
            del self._events[: len(events)]
