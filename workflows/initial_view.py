"""The status of a declaration just received, which the portal writes at intake and the workflow
starts from."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from temporalio import workflow

with workflow.unsafe.imports_passed_through():
    from agency_contracts.procedures import PROCEDURE_AGENCY
    from legal_deadlines.legal_clock import LegalClock
    from legal_deadlines.procedure_limits import STEP_WORKING_DAYS, group_working_days
    from messages import Message
    from schemas.common import Delivery, Procedure, ProcedureGroup
    from schemas.status import DeclarationState, DeclarationStatusView, DeliveryView, StepView


def initial_view(
    declaration_id: str,
    group: ProcedureGroup,
    received_at: datetime,
    procedures: Sequence[Procedure],
    delivery: Delivery,
    workflow_id: str,
    clock: LegalClock,
    late_registration: bool = False,
    verification: bool = False,
) -> DeclarationStatusView:
    """The status of a declaration just received. The portal writes it at intake, and the
    workflow starts from the same view, so both agree on every deadline. A declaration that
    needs verification has the group's longer limit from intake."""
    deadline = clock.deadline(received_at, group_working_days(group, verification))
    return DeclarationStatusView(
        declaration_id=declaration_id,
        procedure=group,
        status=DeclarationState.RECEIVED,
        received_at=received_at,
        deadline=deadline,
        steps=[
            StepView(
                agency=PROCEDURE_AGENCY[p],
                procedure=p,
                deadline=clock.step_deadline(received_at, STEP_WORKING_DAYS[p], deadline),
            )
            for p in procedures
        ],
        delivery=DeliveryView(method=delivery.method, pickup_agency=delivery.pickup_agency),
        workflow_id=workflow_id,
        late_registration=late_registration,
        summary=Message.of("status.received"),
        updated_at=received_at,
    )
