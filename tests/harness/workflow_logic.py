"""A declaration's workflow on a Temporal server of its own (`WorkflowEnvironment`), with the
agencies as stubs (tests.harness.stub_agencies) and the orchestrator's activities as stubs that
keep what they are given; and the citizen's updates, signed as the portal API signs them."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from temporalio import activity
from temporalio.client import WorkflowHandle
from temporalio.contrib.pydantic import pydantic_data_converter
from temporalio.testing import WorkflowEnvironment
from temporalio.worker import Worker

from activities.trust import DecisionCheck, DecisionVerdict, StartCheck, StartVerdict
from devstack.temporal_server.build import binary_path
from devstack.temporal_server.launch import NEXUS_ENDPOINT_REFRESH
from devstack.temporal_server.nexus_endpoints import register_nexus_endpoints
from messages.catalogue import in_language
from schemas.birth import BirthDeclaration
from schemas.decisions import (
    AttachmentCheck,
    Escalation,
    SupplementAnswer,
    WithdrawalRequest,
    supplement_content,
)
from schemas.parties import AGENCY_PARTIES, namespace_of
from schemas.progress import ProgressReport
from schemas.status import DeclarationStatusView
from schemas.workflow_inputs import (
    BirthWorkflowInput,
    NexusEndpoints,
    OrchestrationOptions,
    orchestrator_task_queue,
)
from security.decision_signatures import public_key_b64
from security.requesters import attest
from temporal_connection.search_attributes import dev_server_flags
from temporal_connection.workflow_runner import workflow_runner
from tests.harness import filed_declarations
from tests.harness.forged_tokens import random_seed
from tests.harness.stub_agencies import Agencies, agency_workers
from workflows.birth import BirthDeclarationWorkflow

PREFIX = "logic"
PORTAL_KEY_ID = "portal-test"
Birth = WorkflowHandle[BirthDeclarationWorkflow, DeclarationStatusView]


@asynccontextmanager
async def temporal_server() -> AsyncIterator[WorkflowEnvironment]:
    """The dev server, with the orchestrator's namespace, each agency's and their endpoints."""
    agencies = [flag for agency in AGENCY_PARTIES for flag in ("--namespace", namespace_of(agency))]
    async with await WorkflowEnvironment.start_local(
        namespace=namespace_of("orchestrator"),
        data_converter=pydantic_data_converter,
        dev_server_existing_path=str(binary_path()),
        dev_server_extra_args=[*dev_server_flags(), *agencies, *NEXUS_ENDPOINT_REFRESH],
    ) as env:
        await register_nexus_endpoints(env.client, PREFIX)
        yield env


@dataclass
class Records:
    """What the orchestrator's activities were given, and what the trust checks answer. The
    portal API's key for the citizen's updates is made here, and only the test holds it."""

    start_problem: str | None = None
    reports: list[ProgressReport] = field(default_factory=list)
    escalations: list[Escalation] = field(default_factory=list)
    portal_seed: str = field(default_factory=random_seed)

    def activities(self) -> list[Callable[..., Any]]:
        @activity.defn(name="trust.verify_start")
        async def verify_start(check: StartCheck) -> StartVerdict:
            if self.start_problem is not None:
                return StartVerdict(problem=self.start_problem)
            return StartVerdict(requester_keys={PORTAL_KEY_ID: public_key_b64(self.portal_seed)})

        @activity.defn(name="trust.verify_decision")
        async def verify_decision(check: DecisionCheck) -> DecisionVerdict:
            return DecisionVerdict(decision=check.decision)

        @activity.defn(name="records.save_progress")
        async def save_progress(report: ProgressReport) -> None:
            self.reports.append(report)

        @activity.defn(name="records.record_escalation")
        async def record_escalation(escalation: Escalation) -> None:
            self.escalations.append(escalation)

        @activity.defn(name="records.verify_attachments")
        async def verify_attachments(check: AttachmentCheck) -> list[str]:
            return []

        return [verify_start, verify_decision, save_progress, record_escalation, verify_attachments]


@asynccontextmanager
async def running_birth(
    env: WorkflowEnvironment,
    body: dict[str, Any],
    agencies: Agencies,
    records: Records,
    declaration_id: str,
    working_day_seconds: float | None = None,
) -> AsyncIterator[Birth]:
    """The birth declaration of `body`, started, with its workers running until the block ends."""
    client = env.client
    orchestrator = Worker(
        client,
        task_queue=orchestrator_task_queue(PREFIX),
        workflows=[BirthDeclarationWorkflow],
        activities=records.activities(),
        workflow_runner=workflow_runner(),
    )
    address = client.service_client.config.target_host
    async with agency_workers(address, PREFIX, agencies), orchestrator:
        yield await client.start_workflow(
            BirthDeclarationWorkflow.run,
            BirthWorkflowInput(
                declaration_id=declaration_id,
                received_at=datetime.now(UTC),
                declaration=filed_declarations.birth(body),
                options=OrchestrationOptions(
                    endpoints=NexusEndpoints.with_prefix(PREFIX),
                    agency_call_timeout_seconds=10,
                    working_day_seconds=working_day_seconds,
                ),
            ),
            id=f"declaration-{declaration_id}",
            task_queue=orchestrator_task_queue(PREFIX),
            execution_timeout=timedelta(seconds=90),
        )


async def run_birth(
    env: WorkflowEnvironment,
    body: dict[str, Any],
    agencies: Agencies,
    records: Records,
    declaration_id: str,
) -> DeclarationStatusView:
    async with running_birth(env, body, agencies, records, declaration_id) as handle:
        return await handle.result()


def supplement_answer(
    handle: Birth,
    records: Records,
    declaration: BirthDeclaration,
    changed: Sequence[str],
    answers: Sequence[str],
    seed: str | None = None,
) -> SupplementAnswer:
    """The citizen's corrected declaration, attested as the portal API attests it (with the
    test's portal key unless `seed` names another)."""
    now = datetime.now(UTC)
    return SupplementAnswer(
        declaration=declaration,
        changed=list(changed),
        answered_at=now,
        requester=attest(
            seed or records.portal_seed,
            PORTAL_KEY_ID,
            handle.id,
            "answer_supplement",
            "citizen:test",
            now,
            supplement_content(declaration, list(changed)),
            answers,
        ),
    )


def withdrawal(handle: Birth, records: Records, reason: str) -> WithdrawalRequest:
    now = datetime.now(UTC)
    return WithdrawalRequest(
        reason=reason,
        requested_at=now,
        requester=attest(
            records.portal_seed, PORTAL_KEY_ID, handle.id, "withdraw", "citizen:test", now, reason
        ),
    )


def in_vietnamese(view: DeclarationStatusView) -> dict[str, Any]:
    """The view as the portal shows it to a family."""
    shown: dict[str, Any] = view.model_dump(mode="json", context=in_language("vi"))
    return shown
