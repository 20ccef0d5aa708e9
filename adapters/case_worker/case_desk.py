"""The Nexus service handler of an agency that keeps cases, built from the procedure table: one
operation per procedure of the agency's, each starting the case's workflow in the agency's
namespace, and the follow-ups on an open case. An agency adds operations of its own by
subclassing `CaseDesk` (the police's registry cross-check)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterator
from contextlib import contextmanager
from typing import Any, TypeVar, cast

from nexusrpc import HandlerError, HandlerErrorType
from nexusrpc.handler import StartOperationContext, service_handler, sync_operation
from temporalio import nexus
from temporalio.service import RPCError, RPCStatusCode

from adapters.case_worker.agency_case import AgencyCaseWorkflow, CaseSubmission, case_workflow_id
from adapters.case_worker.agency_http import AgencyRequestRefused, AgencyUnavailable
from agency_contracts.decisions import CaseFollowUp, OfficerDecision
from agency_contracts.procedures import AgencyProcedure, procedures_at
from agency_contracts.requests import CaseRequest
from agency_contracts.services import CASE_SERVICES
from observability.logging import bind_boundary_context, get_logger
from observability.outages import agency_outage

log = get_logger(__name__)

CaseHandle = nexus.WorkflowHandle[OfficerDecision]


class CaseDesk:
    """What every agency's case operations share: how long one call to its system may take."""

    def __init__(self, call_timeout_seconds: float = 30.0) -> None:
        self.call_timeout_seconds = call_timeout_seconds

    async def open_case(
        self, ctx: nexus.WorkflowRunOperationContext, request: CaseRequest
    ) -> CaseHandle:
        bind_boundary_context(declaration_id=request.declaration_id, procedure=request.procedure)
        return await ctx.start_workflow(
            AgencyCaseWorkflow.run,
            CaseSubmission(request=request, call_timeout_seconds=self.call_timeout_seconds),
            id=case_workflow_id(request.idempotency_key),
        )

    @sync_operation
    async def follow_up_case(self, ctx: StartOperationContext, request: CaseFollowUp) -> None:
        """Pass a reminder or an escalation to the open case; a closed case needs none."""
        handle = nexus.client().get_workflow_handle(case_workflow_id(request.case_reference))
        try:
            await handle.signal(AgencyCaseWorkflow.follow_up, request.kind)
        except RPCError as error:
            if error.status != RPCStatusCode.NOT_FOUND:
                raise
            log.info("follow_up_for_closed_case", kind=request.kind)


DeskT = TypeVar("DeskT", bound=CaseDesk)
OpenCase = Callable[[CaseDesk, nexus.WorkflowRunOperationContext, Any], Awaitable[CaseHandle]]


def _case_opening(row: AgencyProcedure[Any, Any]) -> OpenCase:
    async def open_case(
        desk: CaseDesk, ctx: nexus.WorkflowRunOperationContext, request: CaseRequest
    ) -> CaseHandle:
        return await desk.open_case(ctx, request)

    # Named and typed as the procedure's operation, which the service handler is checked against.
    open_case.__name__ = open_case.__qualname__ = row.operation_name
    open_case.__annotations__ = {
        "ctx": nexus.WorkflowRunOperationContext,
        "request": row.request,
        "return": CaseHandle,
    }
    return nexus.workflow_run_operation(open_case)


def case_handler(agency: str, desk: type[DeskT]) -> type[DeskT]:
    """The agency's service handler: `desk`, with an operation for each of the agency's
    procedures in the table."""
    openings = {row.operation_name: _case_opening(row) for row in procedures_at(agency)}
    handler = type(f"{agency.title().replace('_', '')}Cases", (desk,), openings)
    return cast("type[DeskT]", service_handler(service=CASE_SERVICES[agency])(handler))


@contextmanager
def outages_as_handler_errors() -> Iterator[None]:
    """An agency that is down is retried by the caller's Nexus machinery; a request it refuses
    is not."""
    try:
        yield
    except AgencyUnavailable as outage:
        agency_outage(nexus.info().namespace, outage)
        raise HandlerError(str(outage), type=HandlerErrorType.UNAVAILABLE) from None
    except AgencyRequestRefused as refusal:
        raise HandlerError(str(refusal), type=HandlerErrorType.BAD_REQUEST) from None
