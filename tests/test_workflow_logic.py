"""A declaration's workflow logic alone: the birth workflow on a Temporal server of its own
(`WorkflowEnvironment`), each agency a stub Nexus handler that decides as the test says and
the orchestrator's activities stubs that keep what they are given. No store, no portal, no
agency system: what is tested is the order of the steps, what each agency is asked and what
the declaration's outcome says."""

from __future__ import annotations

import itertools
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from nexusrpc.handler import StartOperationContext, service_handler, sync_operation
from temporalio import activity
from temporalio.client import Client
from temporalio.contrib.pydantic import pydantic_data_converter
from temporalio.testing import WorkflowEnvironment
from temporalio.worker import Worker

from activities.trust import DecisionCheck, DecisionVerdict, StartCheck, StartVerdict
from agency_contracts.decisions import (
    CaseFollowUp,
    IdentityCheckRequest,
    IdentityCheckResult,
    OfficerDecision,
)
from agency_contracts.procedures import procedures_at
from agency_contracts.requests import (
    DeliveryReport,
    DeliveryWatch,
    ShipmentReceipt,
    ShipmentRequest,
)
from agency_contracts.services import (
    CASE_SERVICES,
    FOLLOW_UP_CASE,
    OWN_OPERATIONS,
    POSTAL_AGENCY,
    PostalService,
)
from devstack.declaration_factory import DeclarationFactory, today_in_viet_nam
from devstack.temporal_server.build import binary_path
from devstack.temporal_server.launch import NEXUS_ENDPOINT_REFRESH
from devstack.temporal_server.nexus_endpoints import register_nexus_endpoints
from schemas.decisions import AttachmentCheck, Escalation
from schemas.parties import AGENCY_PARTIES, CASE_AGENCIES, case_task_queue, namespace_of
from schemas.progress import ProgressReport
from schemas.results import (
    BirthRegistrationResult,
    HealthInsuranceCardResult,
    ResidenceRegistrationResult,
    StepResult,
)
from schemas.workflow_inputs import (
    BirthWorkflowInput,
    NexusEndpoints,
    OrchestrationOptions,
    orchestrator_task_queue,
)
from temporal_connection.search_attributes import dev_server_flags
from temporal_connection.workflow_runner import workflow_runner
from tests.harness import filed_declarations
from workflows.birth import BirthDeclarationWorkflow

pytestmark = pytest.mark.store_free

PREFIX = "logic"
TODAY = today_in_viet_nam()


@pytest.fixture(scope="module")
async def temporal() -> AsyncIterator[WorkflowEnvironment]:
    agencies = [flag for agency in AGENCY_PARTIES for flag in ("--namespace", namespace_of(agency))]
    async with await WorkflowEnvironment.start_local(
        namespace=namespace_of("orchestrator"),
        data_converter=pydantic_data_converter,
        dev_server_existing_path=str(binary_path()),
        dev_server_extra_args=[
            *dev_server_flags(),
            *agencies,
            *NEXUS_ENDPOINT_REFRESH,
        ],
    ) as env:
        await register_nexus_endpoints(env.client, PREFIX)
        yield env


Decide = Callable[[Any], OfficerDecision]


def approve(result: StepResult) -> Decide:
    def decide(request: Any) -> OfficerDecision:
        return _decision(request, "approved", result=result)

    return decide


def reject(reason_code: str) -> Decide:
    def decide(request: Any) -> OfficerDecision:
        return _decision(request, "rejected", reason="Hồ sơ không hợp lệ.", reason_code=reason_code)

    return decide


_numbers = itertools.count(1)


def _decision(request: Any, outcome: str, **details: Any) -> OfficerDecision:
    number = next(_numbers)
    return OfficerDecision.model_validate(
        {
            "decision_id": f"D-{number:06d}",
            "agency": next(a for a in CASE_AGENCIES if request.procedure in _procedures(a)),
            "case_number": f"C-{number:06d}",
            "outcome": outcome,
            "decided_at": datetime.now(UTC),
            **details,
        }
    )


def _procedures(agency: str) -> set[str]:
    return {row.procedure.value for row in procedures_at(agency)}


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


@dataclass
class Agencies:
    """What the stub agencies decide, by procedure, and everything they were asked, in order."""

    decide: dict[str, Decide]
    asked: list[tuple[str, str]] = field(default_factory=list)
    requests: list[Any] = field(default_factory=list)

    def deciding(self, procedure: str) -> Decide:
        def decided(request: Any) -> OfficerDecision:
            return self.decide[procedure](request)

        return decided

    def procedures_asked(self) -> list[str]:
        return [operation for _, operation in self.asked if operation in self.decide]


def _operation(
    name: str, request_type: type, answer_type: Any, answer: Callable[[Any], Awaitable[Any]]
) -> Any:
    async def operation(_: object, ctx: StartOperationContext, request: Any) -> Any:
        return await answer(request)

    # Named and typed as the service's operation, which the handler is checked against.
    operation.__name__ = operation.__qualname__ = name
    operation.__annotations__ = {
        "ctx": StartOperationContext,
        "request": request_type,
        "return": answer_type,
    }
    return sync_operation(operation)


def stub_handler(agency: str, agencies: Agencies) -> object:
    def answering(operation: str, answer: Callable[[Any], Any]) -> Callable[[Any], Awaitable[Any]]:
        async def answered(request: Any) -> Any:
            agencies.asked.append((agency, operation))
            agencies.requests.append(request)
            return answer(request)

        return answered

    if agency == POSTAL_AGENCY:
        operations = {
            "post_results": _operation(
                "post_results",
                ShipmentRequest,
                ShipmentReceipt,
                answering("post_results", lambda _: ShipmentReceipt(tracking_number="EMS-1")),
            ),
            "await_delivery": _operation(
                "await_delivery",
                DeliveryWatch,
                DeliveryReport,
                answering(
                    "await_delivery",
                    lambda _: DeliveryReport(
                        tracking_number="EMS-1", delivered_at=datetime.now(UTC)
                    ),
                ),
            ),
        }
        service: type = PostalService
    else:
        operations = {
            FOLLOW_UP_CASE.name: _operation(
                FOLLOW_UP_CASE.name,
                CaseFollowUp,
                type(None),
                answering("follow_up", lambda _: None),
            ),
            **{
                row.operation_name: _operation(
                    row.operation_name,
                    row.request,
                    OfficerDecision,
                    answering(row.procedure.value, agencies.deciding(row.procedure.value)),
                )
                for row in procedures_at(agency)
            },
            **{
                own.name: _operation(
                    own.name,
                    IdentityCheckRequest,
                    IdentityCheckResult,
                    answering(own.name, lambda _: IdentityCheckResult(problems=[])),
                )
                for own in OWN_OPERATIONS.get(agency, ())
            },
        }
        service = CASE_SERVICES[agency]
    handler: type = type(f"Stub{agency.title().replace('_', '')}", (), operations)
    # The service is built from the procedure table, so its handler's type is only known here.
    decorated: Any = service_handler(service=service)(handler)
    return decorated()


@dataclass
class Records:
    """What the orchestrator's activities were given, and what the trust checks answer."""

    start_problem: str | None = None
    reports: list[ProgressReport] = field(default_factory=list)

    def activities(self) -> list[Callable[..., Any]]:
        @activity.defn(name="trust.verify_start")
        async def verify_start(check: StartCheck) -> StartVerdict:
            return StartVerdict(problem=self.start_problem)

        @activity.defn(name="trust.verify_decision")
        async def verify_decision(check: DecisionCheck) -> DecisionVerdict:
            return DecisionVerdict(decision=check.decision)

        @activity.defn(name="records.save_progress")
        async def save_progress(report: ProgressReport) -> None:
            self.reports.append(report)

        @activity.defn(name="records.record_escalation")
        async def record_escalation(escalation: Escalation) -> None:
            pass

        @activity.defn(name="records.verify_attachments")
        async def verify_attachments(check: AttachmentCheck) -> list[str]:
            return []

        return [verify_start, verify_decision, save_progress, record_escalation, verify_attachments]


async def run_birth(
    env: WorkflowEnvironment,
    body: dict[str, Any],
    agencies: Agencies,
    records: Records,
    declaration_id: str,
) -> Any:
    client = env.client
    address = client.service_client.config.target_host
    agency_workers = []
    for agency in AGENCY_PARTIES:
        agency_client = await Client.connect(
            address, namespace=namespace_of(agency), data_converter=pydantic_data_converter
        )
        agency_workers.append(
            Worker(
                agency_client,
                task_queue=case_task_queue(PREFIX, agency),
                nexus_service_handlers=[stub_handler(agency, agencies)],
            )
        )
    declaration = filed_declarations.birth(body)
    orchestrator = Worker(
        client,
        task_queue=orchestrator_task_queue(PREFIX),
        workflows=[BirthDeclarationWorkflow],
        activities=records.activities(),
        workflow_runner=workflow_runner(),
    )
    async with (
        orchestrator,
        agency_workers[0],
        agency_workers[1],
        agency_workers[2],
        agency_workers[3],
    ):
        return await client.execute_workflow(
            BirthDeclarationWorkflow.run,
            BirthWorkflowInput(
                declaration_id=declaration_id,
                received_at=datetime.now(UTC),
                declaration=declaration,
                options=OrchestrationOptions(
                    endpoints=NexusEndpoints.with_prefix(PREFIX), agency_call_timeout_seconds=10
                ),
            ),
            id=f"declaration-{declaration_id}",
            task_queue=orchestrator_task_queue(PREFIX),
            execution_timeout=timedelta(seconds=60),
        )


async def test_a_birth_asks_the_justice_office_first_then_the_others_once_each(
    temporal: WorkflowEnvironment, bundled_factory: DeclarationFactory
) -> None:
    agencies, records = Agencies(dict(BIRTH_APPROVED)), Records()
    body = bundled_factory.birth(next(bundled_factory.couples()), delivery="post")
    view = await run_birth(temporal, body, agencies, records, "LT-LOGIC-BIRTH-1")
    assert view.status == "completed", view
    assert [s.status for s in view.steps] == ["approved"] * 3
    # The registry's cross-check, then the birth registration, then the two that need its
    # record, then the post.
    assert agencies.asked[0] == ("police", "verify_identities")
    procedures = agencies.procedures_asked()
    assert procedures[0] == "birth_registration"
    assert sorted(procedures[1:]) == ["health_insurance_card", "residence_registration"]
    # The post is asked last: to watch for the shipment's delivery and to post the results.
    assert {operation for _, operation in agencies.asked[-2:]} == {"post_results", "await_delivery"}
    # The child's personal ID from the justice office's record reaches the police and social
    # security; each request, the shipment's too, carries an idempotency key of its own.
    keys = [r.idempotency_key for r in agencies.requests if hasattr(r, "idempotency_key")]
    assert len(keys) == len(set(keys)) == 4
    later = [r for r in agencies.requests if getattr(r, "procedure", None) in procedures[1:]]
    assert later and all("001226000123" in r.model_dump_json() for r in later)
    assert records.reports[-1].view.status == "completed"


async def test_a_rejected_birth_registration_asks_no_other_agency(
    temporal: WorkflowEnvironment, bundled_factory: DeclarationFactory
) -> None:
    decide = {**BIRTH_APPROVED, "birth_registration": reject("duplicate_registration")}
    agencies, records = Agencies(decide), Records()
    body = bundled_factory.birth(next(bundled_factory.couples()), delivery="electronic")
    view = await run_birth(temporal, body, agencies, records, "LT-LOGIC-BIRTH-2")
    assert view.status == "rejected", view
    assert agencies.procedures_asked() == ["birth_registration"]
    assert not any(agency == POSTAL_AGENCY for agency, _ in agencies.asked)
    registration = view.step("birth_registration")
    assert registration.status == "rejected"
    assert registration.reason_code == "duplicate_registration"


async def test_a_start_the_portal_did_not_attest_asks_no_agency(
    temporal: WorkflowEnvironment, bundled_factory: DeclarationFactory
) -> None:
    agencies, records = Agencies(dict(BIRTH_APPROVED)), Records(start_problem="not_attested")
    body = bundled_factory.birth(next(bundled_factory.couples()), delivery="electronic")
    view = await run_birth(temporal, body, agencies, records, "LT-LOGIC-BIRTH-3")
    assert view.status == "failed", view
    assert view.status_reason_code == "not_attested"
    assert agencies.asked == []


async def test_a_card_refused_after_the_registration_leaves_the_other_steps_standing(
    temporal: WorkflowEnvironment, bundled_factory: DeclarationFactory
) -> None:
    decide = {**BIRTH_APPROVED, "health_insurance_card": reject("card_already_issued")}
    agencies, records = Agencies(decide), Records()
    body = bundled_factory.birth(next(bundled_factory.couples()), delivery="electronic")
    view = await run_birth(temporal, body, agencies, records, "LT-LOGIC-BIRTH-4")
    assert view.status == "partially_completed", view
    assert {s.procedure.value: s.status for s in view.steps} == {
        "birth_registration": "approved",
        "residence_registration": "approved",
        "health_insurance_card": "rejected",
    }
    assert sorted(agencies.procedures_asked()) == sorted(BIRTH_APPROVED)
    # Every report the workflow kept is of this declaration, and the last is its outcome.
    assert {r.view.declaration_id for r in records.reports} == {"LT-LOGIC-BIRTH-4"}
    assert records.reports[-1].view.status == "partially_completed"
