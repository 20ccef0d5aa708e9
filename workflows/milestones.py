"""The milestones a family is told of, read off a declaration's status view: received; a
supplement asked for, with what and by when; each step decided; the declaration closed; its
documents ready; its results ready for pickup, posted and delivered.

Pure: the same view and the same keys already told give the same milestones, so a workflow
tells each once however often it looks.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime

from temporalio import workflow

with workflow.unsafe.imports_passed_through():
    from agency_contracts.procedures import PROCEDURES
    from legal_deadlines.working_calendar import VIET_NAM_TIME
    from messages import Message
    from schemas.notifications import Milestone
    from schemas.status import (
        TERMINAL_STATES,
        DeclarationStatusView,
        DeliveryState,
        StepState,
    )
    from schemas.supplements import SupplementRequest

from workflows.procedure_groups import PROCEDURE_GROUPS

DECIDED = (StepState.APPROVED, StepState.REJECTED)
DOCUMENTS_READY = "documents_ready"
# Electronic results are the documents themselves: `documents_ready` says so.
TOLD_DELIVERIES = (DeliveryState.READY_FOR_PICKUP, DeliveryState.POSTED, DeliveryState.DELIVERED)


def day(moment: datetime) -> str:
    """A date as families write it, in Viet Nam's time."""
    return moment.astimezone(VIET_NAM_TIME).strftime("%d/%m/%Y")


def _group(view: DeclarationStatusView) -> Message:
    return PROCEDURE_GROUPS[view.procedure].name


def _supplement(key: str, request: SupplementRequest) -> Milestone:
    return Milestone(
        key=f"supplement:{key}:{request.requested_at.isoformat()}",
        title=Message.of("notice.title.supplement_requested"),
        text=Message.of(
            "notice.supplement_requested",
            request=request.message,
            respond_by=day(request.respond_by),
        ),
    )


def _all_milestones(view: DeclarationStatusView) -> Iterator[Milestone]:
    yield Milestone(
        key="received",
        title=Message.of("notice.title.received"),
        text=Message.of(
            "notice.received",
            group=_group(view),
            deadline=day(view.deadline or view.received_at),
        ),
    )
    if view.supplement_request is not None:
        yield _supplement("declaration", view.supplement_request)
    for step in view.steps:
        procedure = PROCEDURES[step.procedure].name
        if step.status == StepState.AWAITING_SUPPLEMENT and step.supplement_request is not None:
            yield _supplement(step.procedure.value, step.supplement_request)
        if step.status in DECIDED:
            outcome = step.status.value
            yield Milestone(
                key=f"step:{step.procedure.value}:{step.round}:{outcome}",
                title=Message.of(f"notice.title.step_{outcome}", procedure=procedure),
                text=Message.of(f"notice.step_{outcome}", procedure=procedure)
                if step.reason is None
                else Message.of(
                    f"notice.step_{outcome}_because", procedure=procedure, reason=step.reason
                ),
            )
    if view.status not in TERMINAL_STATES:
        return
    yield Milestone(
        key=f"closed:{view.status.value}",
        title=Message.of(f"notice.title.{view.status.value}"),
        text=view.summary or Message.of(f"notice.title.{view.status.value}"),
    )
    if any(s.status == StepState.APPROVED for s in view.steps):
        yield Milestone(
            key=DOCUMENTS_READY,
            title=Message.of("notice.title.documents_ready"),
            text=Message.of("notice.documents_ready"),
        )
    if view.delivery.status in TOLD_DELIVERIES and view.delivery.notice is not None:
        yield Milestone(
            key=f"delivery:{view.delivery.status.value}",
            title=Message.of(f"notice.title.delivery_{view.delivery.status.value}"),
            text=view.delivery.notice,
        )


def new_milestones(view: DeclarationStatusView, told: set[str]) -> list[Milestone]:
    """The milestones `view` has reached that are not in `told`, in the order they happened."""
    return [m for m in _all_milestones(view) if m.key not in told]
