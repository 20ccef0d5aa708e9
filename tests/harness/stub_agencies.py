"""The agencies as stubs, for tests of a declaration's workflow logic alone: each agency's Nexus
service built as the product builds it (`case_handler`), each case a small workflow in the
agency's namespace that asks the test what the officer decides, and the post a stub that posts
and delivers at once. Everything the agencies were asked is kept, in order."""

from __future__ import annotations

import asyncio
import inspect
import itertools
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import AsyncExitStack, asynccontextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from nexusrpc.handler import StartOperationContext, service_handler, sync_operation
from pydantic import BaseModel
from temporalio import activity, nexus, workflow
from temporalio.client import Client
from temporalio.contrib.pydantic import pydantic_data_converter
from temporalio.worker import Worker

from adapters.case_worker.case_desk import CaseDesk, CaseHandle, case_handler
from adapters.police.desk import RegistryDesk
from adapters.police.registry import PopulationRegistry
from agency_contracts.decisions import (
    CaseFollowUp,
    IdentityClaim,
    IdentityProblem,
    OfficerDecision,
)
from agency_contracts.procedures import procedures_at
from agency_contracts.requests import (
    CaseRequest,
    DeliveryReport,
    DeliveryWatch,
    ShipmentReceipt,
    ShipmentRequest,
)
from agency_contracts.services import POSTAL_AGENCY, REGISTRY_AGENCY, PostalService
from devstack.declaration_factory import today_in_viet_nam
from schemas.parties import AGENCY_PARTIES, CASE_AGENCIES, case_task_queue, namespace_of
from schemas.results import (
    BirthRegistrationResult,
    HealthInsuranceCardResult,
    ResidenceRegistrationResult,
    StepResult,
)

# What an officer decides on a request: at once, or after the test lets them.
Decide = Callable[[Any], OfficerDecision | Awaitable[OfficerDecision]]

_numbers = itertools.count(1)
TODAY = today_in_viet_nam()


def decision(request: CaseRequest, outcome: str, **details: Any) -> OfficerDecision:
    number = next(_numbers)
    return OfficerDecision.model_validate(
        {
            "decision_id": f"D-{number:06d}",
            "agency": next(a for a in CASE_AGENCIES if request.procedure in _procedures(a)),
            "case_number": f"C-{number:06d}",
            "outcome": outcome,
            "decided_at": datetime.now(UTC),
            "decided_by": "officer-1",
            **details,
        }
    )


def _procedures(agency: str) -> set[str]:
    return {row.procedure.value for row in procedures_at(agency)}


def in_turn(*decides: Decide) -> Decide:
    """Each round of a step decided by the next of `decides`, the last for every round after."""
    rounds = list(decides)

    def decide(request: Any) -> OfficerDecision | Awaitable[OfficerDecision]:
        current = rounds.pop(0) if len(rounds) > 1 else rounds[0]
        return current(request)

    return decide


def approve(result: StepResult) -> Decide:
    def decide(request: CaseRequest) -> OfficerDecision:
        return decision(request, "approved", result=result)

    return decide


def reject(reason_code: str) -> Decide:
    def decide(request: CaseRequest) -> OfficerDecision:
        return decision(request, "rejected", reason="Hồ sơ không hợp lệ.", reason_code=reason_code)

    return decide


BIRTH_APPROVED: dict[str, Decide] = {
    "birth_registration": approve(
        BirthRegistrationResult(
            civil_status_record_number="KS-2026-00001-000001",
            child_personal_id="001226000123",
            registered_on=TODAY,
        )
    ),
    "residence_registration": approve(
        ResidenceRegistrationResult(
            residence_registration_number="TT-2026-000001",
            commune_code="00004",
            registered_on=TODAY,
        )
    ),
    "health_insurance_card": approve(
        HealthInsuranceCardResult(
            social_insurance_number="0126000123",
            card_code="TE1010126000123",
            benefit_level=1,
            valid_from=TODAY,
            valid_to=TODAY + timedelta(days=6 * 365),
        )
    ),
}


class CaseOpened(BaseModel):
    """What a stub case workflow is started with: its agency, and the request's key."""

    agency: str
    idempotency_key: str


@workflow.defn(name="StubCase", sandboxed=False)
class StubCase:
    """An agency's case: open until the officer decides, cancelled with the declaration's step."""

    @workflow.run
    async def run(self, case: CaseOpened) -> OfficerDecision:
        decided: OfficerDecision = await workflow.execute_activity(
            "stub.officer_decides",
            case,
            result_type=OfficerDecision,
            start_to_close_timeout=timedelta(minutes=2),
        )
        return decided


@dataclass
class Agencies:
    """What the stub agencies decide, by procedure; everything they were asked, in order; the
    registry's problems with the people a declaration names."""

    decide: dict[str, Decide]
    registry_problems: Callable[[list[IdentityClaim]], list[IdentityProblem]] = lambda _: []
    asked: list[tuple[str, str]] = field(default_factory=list)
    requests: list[Any] = field(default_factory=list)
    follow_ups: list[CaseFollowUp] = field(default_factory=list)
    cases: dict[str, str] = field(default_factory=dict)

    def procedures_asked(self) -> list[str]:
        return [operation for _, operation in self.asked if operation in self.decide]

    def requests_for(self, procedure: str) -> list[CaseRequest]:
        return [r for r in self.requests if getattr(r, "procedure", None) == procedure]

    def heard(self, agency: str, request: Any, operation: str) -> None:
        self.asked.append((agency, operation))
        self.requests.append(request)

    async def officer_decides(self, case: CaseOpened) -> OfficerDecision:
        request = next(
            r for r in self.requests if getattr(r, "idempotency_key", None) == case.idempotency_key
        )
        decided = self.decide[request.procedure](request)
        if inspect.isawaitable(decided):
            return await decided
        return decided

    def case_of(self, procedure: str) -> str:
        """The workflow ID of the last case opened for `procedure`."""
        return self.cases[procedure]


class StubDesk(CaseDesk):
    def __init__(self, agency: str, agencies: Agencies) -> None:
        # Not RegistryDesk's, next in the police's stub, which needs an agency system.
        CaseDesk.__init__(self)
        self.agency, self.agencies = agency, agencies

    async def open_case(
        self, ctx: nexus.WorkflowRunOperationContext, request: CaseRequest
    ) -> CaseHandle:
        self.agencies.heard(self.agency, request, request.procedure)
        case_id = f"stub-case-{request.idempotency_key}"
        self.agencies.cases[request.procedure] = case_id
        return await ctx.start_workflow(
            StubCase.run,
            CaseOpened(agency=self.agency, idempotency_key=request.idempotency_key),
            id=case_id,
        )

    @sync_operation
    async def follow_up_case(self, ctx: StartOperationContext, request: CaseFollowUp) -> None:
        self.agencies.heard(self.agency, request, f"follow_up:{request.kind}")
        self.agencies.follow_ups.append(request)


class StubRegistry(PopulationRegistry):
    """The population registry behind the police's desk, answering as the test says."""

    def __init__(self, agency: str, agencies: Agencies) -> None:
        self.agency, self.agencies = agency, agencies

    async def verify_identities(self, claims: list[IdentityClaim]) -> list[IdentityProblem]:
        self.agencies.asked.append((self.agency, "verify_identities"))
        return self.agencies.registry_problems(claims)


class StubRegistryDesk(StubDesk, RegistryDesk):
    """The police's stub: its cases as every agency's, the registry's cross-check the police's
    own operation over the stub registry."""

    def __init__(self, agency: str, agencies: Agencies) -> None:
        StubDesk.__init__(self, agency, agencies)
        self.registry = StubRegistry(agency, agencies)


@service_handler(service=PostalService)
class StubPost:
    def __init__(self, agencies: Agencies) -> None:
        self.agencies = agencies

    @sync_operation
    async def post_results(
        self, ctx: StartOperationContext, request: ShipmentRequest
    ) -> ShipmentReceipt:
        self.agencies.heard(POSTAL_AGENCY, request, "post_results")
        return ShipmentReceipt(tracking_number="EMS-1")

    @sync_operation
    async def await_delivery(
        self, ctx: StartOperationContext, request: DeliveryWatch
    ) -> DeliveryReport:
        self.agencies.heard(POSTAL_AGENCY, request, "await_delivery")
        return DeliveryReport(tracking_number="EMS-1", delivered_at=datetime.now(UTC))


def _handler(agency: str, agencies: Agencies) -> object:
    if agency == POSTAL_AGENCY:
        return StubPost(agencies)
    desk = StubRegistryDesk if agency == REGISTRY_AGENCY else StubDesk
    return case_handler(agency, desk)(agency, agencies)


@asynccontextmanager
async def agency_workers(address: str, prefix: str, agencies: Agencies) -> AsyncIterator[None]:
    """A worker for each agency in its own namespace, serving the stubs above."""

    @activity.defn(name="stub.officer_decides")
    async def officer_decides(case: CaseOpened) -> OfficerDecision:
        return await agencies.officer_decides(case)

    async with AsyncExitStack() as workers:
        for agency in AGENCY_PARTIES:
            client = await Client.connect(
                address, namespace=namespace_of(agency), data_converter=pydantic_data_converter
            )
            await workers.enter_async_context(
                Worker(
                    client,
                    task_queue=case_task_queue(prefix, agency),
                    nexus_service_handlers=[_handler(agency, agencies)],
                    workflows=[StubCase],
                    activities=[officer_decides],
                )
            )
        yield


async def case_closed(address: str, agency: str, case_id: str) -> str:
    """How the stub case `case_id` ended at `agency`, once it has."""
    client = await Client.connect(address, namespace=namespace_of(agency))
    for _ in range(100):
        status = (await client.get_workflow_handle(case_id).describe()).status
        if status is not None and status.name != "RUNNING":
            return status.name
        await asyncio.sleep(0.1)
    raise AssertionError(f"case {case_id} at {agency} never closed")
