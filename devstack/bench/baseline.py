"""The baseline: a bare workflow of the same shape as a declaration whose agencies decide at
once, on the same topology. A caller workflow in the orchestrator's namespace makes the same
Nexus calls in the same order and parallelism, each doing nothing:

1. the dossier checks, side by side: an activity on its own task queue (the attachments) and the
   police's synchronous identity check;
2. the case at the justice office: an asynchronous operation, started and awaited;
3. the other cases in parallel (2 for a birth, 3 for a death), asynchronous operations too;
4. the results posted (the postal service's synchronous operation), when they go by post;

with the declaration's progress reports (local activities) around each case: one before it is
opened, and two once it is decided (the decision checked against the trust store, then
recorded), and a last one at the end.

Each asynchronous operation is backed by a bare handler workflow in the agency's namespace that
returns at once; each synchronous one returns at once. The services carry the real agencies'
service names (`justice`, `police`, `social_security`, `postal`): the payload codec picks the
agency's key ring by that name, so what the baseline sends each agency is sealed for it exactly
as the product's calls are. They are served on endpoints and task queues of their own
(the `…-baseline` task-queue prefix), by workers that connect as each agency, with its keys.

This module holds only the workflows and the services (it is passed through the workflow
sandbox, as the product's `workflows` package is); `devstack/bench/baseline_worker.py` runs them.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from datetime import timedelta

import nexusrpc
from nexusrpc.handler import StartOperationContext, service_handler, sync_operation
from pydantic import BaseModel
from temporalio import activity, nexus, workflow

with workflow.unsafe.imports_passed_through():
    from schemas.workflow_inputs import NexusEndpoints

# The progress reports of a case the agency decides at once: one as it is opened, then the
# decision verified against the trust store and the decision recorded.
REPORTS_BEFORE_CASE = 1
REPORTS_AFTER_CASE = 2


class BaselineShape(BaseModel):
    parallel_steps: int  # 2 for a birth; 3 for a death with both benefits
    post_results: bool  # the results go by post: the postal operation at the end
    endpoints: NexusEndpoints


class BareRequest(BaseModel):
    reference: str


class BareResult(BaseModel):
    reference: str


# --- the services, under the agencies' own service names ------------------------------------


@nexusrpc.service(name="justice")
class BareJustice:
    open_case: nexusrpc.Operation[BareRequest, BareResult]


@nexusrpc.service(name="police")
class BarePolice:
    verify_identities: nexusrpc.Operation[BareRequest, BareResult]
    open_case: nexusrpc.Operation[BareRequest, BareResult]


@nexusrpc.service(name="social_security")
class BareSocialSecurity:
    open_case: nexusrpc.Operation[BareRequest, BareResult]


@nexusrpc.service(name="postal")
class BarePostal:
    post_results: nexusrpc.Operation[BareRequest, BareResult]


# --- the agencies' side: bare handlers --------------------------------------------------------


@workflow.defn(name="BaselineCase")
class BaselineCaseWorkflow:
    """A case that is decided as soon as it is opened."""

    @workflow.run
    async def run(self, request: BareRequest) -> BareResult:
        return BareResult(reference=request.reference)


CaseHandle = nexus.WorkflowHandle[BareResult]


async def open_case(ctx: nexus.WorkflowRunOperationContext, request: BareRequest) -> CaseHandle:
    return await ctx.start_workflow(
        BaselineCaseWorkflow.run, request, id=f"baseline-case-{request.reference}"
    )


@service_handler(service=BareJustice)
class BareJusticeHandler:
    @nexus.workflow_run_operation
    async def open_case(
        self, ctx: nexus.WorkflowRunOperationContext, request: BareRequest
    ) -> CaseHandle:
        return await open_case(ctx, request)


@service_handler(service=BarePolice)
class BarePoliceHandler:
    @sync_operation
    async def verify_identities(
        self, ctx: StartOperationContext, request: BareRequest
    ) -> BareResult:
        return BareResult(reference=request.reference)

    @nexus.workflow_run_operation
    async def open_case(
        self, ctx: nexus.WorkflowRunOperationContext, request: BareRequest
    ) -> CaseHandle:
        return await open_case(ctx, request)


@service_handler(service=BareSocialSecurity)
class BareSocialSecurityHandler:
    @nexus.workflow_run_operation
    async def open_case(
        self, ctx: nexus.WorkflowRunOperationContext, request: BareRequest
    ) -> CaseHandle:
        return await open_case(ctx, request)


@service_handler(service=BarePostal)
class BarePostalHandler:
    @sync_operation
    async def post_results(self, ctx: StartOperationContext, request: BareRequest) -> BareResult:
        return BareResult(reference=request.reference)


# --- the orchestrator's side: the bare declaration --------------------------------------------


@activity.defn(name="baseline.nothing")
async def do_nothing() -> None:
    """An activity that does no work: it costs only what Temporal costs."""


@activity.defn(name="baseline.report")
def report_nothing() -> None:
    """The stand-in for the store reports and the trust check the product runs as local
    activities."""


@workflow.defn(name="BaselineDeclarationWorkflow")
class BaselineDeclarationWorkflow:
    @workflow.run
    async def run(self, shape: BaselineShape) -> None:
        endpoints = shape.endpoints
        police = workflow.create_nexus_client(service=BarePolice, endpoint=endpoints.of("police"))
        justice = workflow.create_nexus_client(
            service=BareJustice, endpoint=endpoints.of("justice")
        )
        social = workflow.create_nexus_client(
            service=BareSocialSecurity, endpoint=endpoints.of("social_security")
        )
        # The attachments check and the registry cross-check, side by side.
        await asyncio.gather(
            workflow.execute_activity(
                do_nothing,
                task_queue=workflow.info().task_queue,
                start_to_close_timeout=timedelta(seconds=30),
            ),
            police.execute_operation(BarePolice.verify_identities, self._request("identities")),
        )
        await self._case(
            lambda: justice.execute_operation(BareJustice.open_case, self._request("1"))
        )
        cases: list[Callable[[], Awaitable[BareResult]]] = [
            lambda: police.execute_operation(BarePolice.open_case, self._request("2")),
            lambda: social.execute_operation(BareSocialSecurity.open_case, self._request("3")),
            lambda: social.execute_operation(BareSocialSecurity.open_case, self._request("4")),
        ]
        await asyncio.gather(*(self._case(c) for c in cases[: shape.parallel_steps]))
        if shape.post_results:
            post = workflow.create_nexus_client(service=BarePostal, endpoint=endpoints.of("postal"))
            await post.execute_operation(BarePostal.post_results, self._request("post"))
        await self._report()  # the final report

    @staticmethod
    def _request(label: str) -> BareRequest:
        return BareRequest(reference=f"{workflow.info().workflow_id}-{label}")

    async def _report(self) -> None:
        await workflow.execute_local_activity(
            report_nothing, start_to_close_timeout=timedelta(seconds=15)
        )

    async def _case(self, operation: Callable[[], Awaitable[BareResult]]) -> None:
        """Report, open the case and await its decision, report."""
        for _ in range(REPORTS_BEFORE_CASE):
            await self._report()
        await operation()
        for _ in range(REPORTS_AFTER_CASE):
            await self._report()
