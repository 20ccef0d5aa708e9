"""The Nexus service handlers of each agency. A case operation starts the case's workflow in the
agency's namespace; the registry check and the posting of results answer at once, and the wait
for a delivery starts the shipment's workflow in the post's namespace."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from nexusrpc import HandlerError, HandlerErrorType
from nexusrpc.handler import (
    StartOperationContext,
    service_handler,
    sync_operation,
)
from temporalio import nexus
from temporalio.service import RPCError, RPCStatusCode

from adapters.case_worker.agency_case import AgencyCaseWorkflow, CaseSubmission, case_workflow_id
from adapters.case_worker.agency_http import AgencyRequestRefused, AgencyUnavailable
from adapters.police.registry import PoliceClient
from adapters.postal.client import PostalClient
from adapters.postal.shipment_delivery import ShipmentDeliveryWorkflow, delivery_workflow_id
from agency_contracts.decisions import (
    CaseFollowUp,
    IdentityCheckRequest,
    IdentityCheckResult,
    OfficerDecision,
)
from agency_contracts.requests import (
    BirthRegistrationRequest,
    CaseRequest,
    DeathRegistrationRequest,
    DeliveryReport,
    DeliveryWatch,
    FuneralAllowanceRequest,
    HealthInsuranceCardRequest,
    ResidenceRegistrationRequest,
    ResidenceRemovalRequest,
    ShipmentReceipt,
    ShipmentRequest,
    SurvivorBenefitRequest,
)
from agency_contracts.services import (
    JusticeService,
    PoliceService,
    PostalService,
    SocialSecurityService,
)
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


async def follow_up(request: CaseFollowUp) -> None:
    """Pass a reminder or an escalation to the open case; a closed case needs none."""
    handle = nexus.client().get_workflow_handle(case_workflow_id(request.case_reference))
    try:
        await handle.signal(AgencyCaseWorkflow.follow_up, request.kind)
    except RPCError as error:
        if error.status != RPCStatusCode.NOT_FOUND:
            raise
        log.info("follow_up_for_closed_case", kind=request.kind)


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


@service_handler(service=JusticeService)
class JusticeCases(CaseDesk):
    @nexus.workflow_run_operation
    async def register_birth(
        self, ctx: nexus.WorkflowRunOperationContext, request: BirthRegistrationRequest
    ) -> CaseHandle:
        return await self.open_case(ctx, request)

    @nexus.workflow_run_operation
    async def register_death(
        self, ctx: nexus.WorkflowRunOperationContext, request: DeathRegistrationRequest
    ) -> CaseHandle:
        return await self.open_case(ctx, request)

    @sync_operation
    async def follow_up_case(self, ctx: StartOperationContext, request: CaseFollowUp) -> None:
        await follow_up(request)


@service_handler(service=PoliceService)
class PoliceCases(CaseDesk):
    def __init__(self, registry: PoliceClient, call_timeout_seconds: float = 30.0) -> None:
        super().__init__(call_timeout_seconds)
        self.registry = registry

    @sync_operation
    async def verify_identities(
        self, ctx: StartOperationContext, request: IdentityCheckRequest
    ) -> IdentityCheckResult:
        """The cross-check before any agency is engaged: each declared person against the
        population registry."""
        bind_boundary_context(
            declaration_id=request.declaration_id, operation=f"{ctx.service}.{ctx.operation}"
        )
        with outages_as_handler_errors():
            problems = await self.registry.verify_identities(request.claims)
        return IdentityCheckResult(problems=problems)

    @nexus.workflow_run_operation
    async def register_residence(
        self, ctx: nexus.WorkflowRunOperationContext, request: ResidenceRegistrationRequest
    ) -> CaseHandle:
        return await self.open_case(ctx, request)

    @nexus.workflow_run_operation
    async def remove_residence(
        self, ctx: nexus.WorkflowRunOperationContext, request: ResidenceRemovalRequest
    ) -> CaseHandle:
        return await self.open_case(ctx, request)

    @sync_operation
    async def follow_up_case(self, ctx: StartOperationContext, request: CaseFollowUp) -> None:
        await follow_up(request)


@service_handler(service=SocialSecurityService)
class SocialSecurityCases(CaseDesk):
    @nexus.workflow_run_operation
    async def issue_health_insurance_card(
        self, ctx: nexus.WorkflowRunOperationContext, request: HealthInsuranceCardRequest
    ) -> CaseHandle:
        return await self.open_case(ctx, request)

    @nexus.workflow_run_operation
    async def settle_funeral_allowance(
        self, ctx: nexus.WorkflowRunOperationContext, request: FuneralAllowanceRequest
    ) -> CaseHandle:
        return await self.open_case(ctx, request)

    @nexus.workflow_run_operation
    async def settle_survivor_benefit(
        self, ctx: nexus.WorkflowRunOperationContext, request: SurvivorBenefitRequest
    ) -> CaseHandle:
        return await self.open_case(ctx, request)

    @sync_operation
    async def follow_up_case(self, ctx: StartOperationContext, request: CaseFollowUp) -> None:
        await follow_up(request)


@service_handler(service=PostalService)
class PostalDesk:
    def __init__(self, post: PostalClient) -> None:
        self.post = post

    @sync_operation
    async def post_results(
        self, ctx: StartOperationContext, request: ShipmentRequest
    ) -> ShipmentReceipt:
        bind_boundary_context(
            declaration_id=request.declaration_id, operation=f"{ctx.service}.{ctx.operation}"
        )
        with outages_as_handler_errors():
            return await self.post.send(request)

    @nexus.workflow_run_operation
    async def await_delivery(
        self, ctx: nexus.WorkflowRunOperationContext, watch: DeliveryWatch
    ) -> nexus.WorkflowHandle[DeliveryReport]:
        bind_boundary_context(
            declaration_id=watch.declaration_id, operation=f"{ctx.service}.{ctx.operation}"
        )
        return await ctx.start_workflow(
            ShipmentDeliveryWorkflow.run, watch, id=delivery_workflow_id(watch.shipment_reference)
        )
