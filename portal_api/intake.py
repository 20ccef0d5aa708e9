"""Taking in a declaration: check it, keep its attachments by hash, record it, start its workflow.

A declaration is recorded before its workflow starts and the record is removed if the start fails,
so the portal never holds an ID that leads nowhere. The idempotency key makes a retried submission
return the same declaration and start nothing new.
"""

from __future__ import annotations

import base64
import hashlib
import secrets
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from pydantic import BaseModel
from sqlalchemy.engine import Engine
from starlette.concurrency import run_in_threadpool
from temporalio.client import Client
from temporalio.common import (
    SearchAttributePair,
    TypedSearchAttributes,
    WorkflowIDConflictPolicy,
    WorkflowIDReusePolicy,
)
from temporalio.exceptions import WorkflowAlreadyStartedError
from temporalio.service import RPCError, RPCStatusCode

from legal_deadlines.legal_clock import LegalClock
from legal_deadlines.working_calendar import VIET_NAM_TIME
from observability.logging import get_logger
from portal_api.errors import DeclarationBreaksRules
from reference_data.admin_units import AdminUnitCatalogue
from schemas.birth import BirthDeclaration, BirthDeclarationSubmission
from schemas.common import AttachmentRef, AttachmentUpload, Delivery, Procedure, ProcedureGroup
from schemas.death import DeathDeclaration, DeathDeclarationSubmission
from schemas.rules import (
    RuleContext,
    check_birth_declaration,
    check_death_declaration,
    is_late_death_declaration,
)
from schemas.workflow_inputs import (
    BirthWorkflowInput,
    DeathWorkflowInput,
    NexusEndpoints,
    OrchestrationOptions,
    orchestrator_task_queue,
)
from settings import Settings
from store.attachments import store_attachment
from store.declarations import (
    NewDeclaration,
    create_or_get_declaration,
    delete_unstarted_declaration,
    mark_workflow_started,
)
from temporal_connection import search_attributes
from workflows.birth import BIRTH_PROCEDURES, BirthDeclarationWorkflow
from workflows.death import DeathDeclarationWorkflow, death_procedures
from workflows.declaration_progress import initial_view

log = get_logger(__name__)


class DeclarationAccepted(BaseModel):
    declaration_id: str
    workflow_id: str
    status: str
    status_url: str


class OrchestrationUnavailable(Exception):
    """Temporal could not be reached; nothing was recorded, the portal may retry."""


def new_declaration_id(received_at: datetime) -> str:
    return f"LT-{received_at.astimezone(VIET_NAM_TIME):%Y%m%d}-{secrets.token_hex(5).upper()}"


def workflow_id_for(declaration_id: str) -> str:
    return f"declaration-{declaration_id}"


def request_fingerprint(submission: BaseModel) -> str:
    return hashlib.sha256(submission.model_dump_json().encode()).hexdigest()


@dataclass
class Intake:
    settings: Settings
    engine: Engine
    client: Client
    admin_units: AdminUnitCatalogue

    def rule_context(self, now: datetime) -> RuleContext:
        return RuleContext(
            today=now.astimezone(VIET_NAM_TIME).date(),
            admin_units=self.admin_units,
            attachment_max_bytes=self.settings.attachment_max_bytes,
            max_attachments=self.settings.max_attachments,
        )

    @property
    def options(self) -> OrchestrationOptions:
        return OrchestrationOptions(
            endpoints=NexusEndpoints.with_prefix(self.settings.task_queue_prefix),
            agency_call_timeout_seconds=self.settings.agency_call_timeout_seconds,
            working_day_seconds=self.settings.working_day_seconds,
            decision_recheck_seconds=self.settings.decision_recheck_seconds,
            requester_verify_keys=self.settings.requester_verify_keys,
        )

    @property
    def clock(self) -> LegalClock:
        return LegalClock(self.settings.working_day_seconds)

    def store_attachments(self, uploads: list[AttachmentUpload]) -> list[AttachmentRef]:
        refs = []
        for upload in uploads:
            content = base64.b64decode(upload.content_base64)
            digest = store_attachment(self.engine, content, upload.media_type)
            refs.append(
                AttachmentRef(
                    kind=upload.kind,
                    filename=upload.filename,
                    media_type=upload.media_type,
                    sha256=digest,
                    size_bytes=len(content),
                )
            )
        return refs

    async def submit_birth(
        self, submission: BirthDeclarationSubmission, idempotency_key: str | None, client_id: str
    ) -> DeclarationAccepted:
        now = datetime.now(UTC)
        violations = check_birth_declaration(
            submission, submission.attachments, self.rule_context(now)
        )
        if violations:
            raise DeclarationBreaksRules(violations)
        refs = await run_in_threadpool(self.store_attachments, submission.attachments)
        declaration = BirthDeclaration(
            **submission.model_dump(exclude={"attachments"}), attachments=refs
        )

        def build_input(declaration_id: str, received_at: datetime) -> BirthWorkflowInput:
            return BirthWorkflowInput(
                declaration_id=declaration_id,
                received_at=received_at,
                declaration=declaration,
                options=self.options,
            )

        return await self._accept(
            group=ProcedureGroup.BIRTH,
            attachments=refs,
            procedures=BIRTH_PROCEDURES,
            delivery=declaration.delivery,
            submission=submission,
            idempotency_key=idempotency_key,
            client_id=client_id,
            now=now,
            commune_code=declaration.residence.commune_code,
            build_input=build_input,
            run=BirthDeclarationWorkflow.run,
        )

    async def submit_death(
        self, submission: DeathDeclarationSubmission, idempotency_key: str | None, client_id: str
    ) -> DeclarationAccepted:
        now = datetime.now(UTC)
        context = self.rule_context(now)
        violations = check_death_declaration(submission, submission.attachments, context)
        if violations:
            raise DeclarationBreaksRules(violations)
        refs = await run_in_threadpool(self.store_attachments, submission.attachments)
        declaration = DeathDeclaration(
            **submission.model_dump(exclude={"attachments"}), attachments=refs
        )
        late = is_late_death_declaration(declaration.deceased.date_of_death, context.today)

        def build_input(declaration_id: str, received_at: datetime) -> DeathWorkflowInput:
            return DeathWorkflowInput(
                declaration_id=declaration_id,
                received_at=received_at,
                declaration=declaration,
                late_registration=late,
                options=self.options,
            )

        return await self._accept(
            group=ProcedureGroup.DEATH,
            attachments=refs,
            procedures=death_procedures(declaration),
            delivery=declaration.delivery,
            late_registration=late,
            submission=submission,
            idempotency_key=idempotency_key,
            client_id=client_id,
            now=now,
            commune_code=declaration.deceased.place_of_death.commune_code,
            build_input=build_input,
            run=DeathDeclarationWorkflow.run,
        )

    async def _accept(
        self,
        *,
        group: ProcedureGroup,
        attachments: Sequence[AttachmentRef],
        procedures: Sequence[Procedure],
        delivery: Delivery,
        late_registration: bool = False,
        submission: BaseModel,
        idempotency_key: str | None,
        client_id: str,
        now: datetime,
        commune_code: str,
        build_input: Callable[[str, datetime], BaseModel],
        run: Any,
    ) -> DeclarationAccepted:
        declaration_id = new_declaration_id(now)
        declarant_id: str = submission.declarant.personal_id  # type: ignore[attr-defined]
        new = NewDeclaration(
            declaration_id=declaration_id,
            procedure=group.value,
            workflow_id=workflow_id_for(declaration_id),
            client_id=client_id,
            declarant_ref=self.settings.pseudonyms.ref(declarant_id),
            idempotency_key=idempotency_key,
            request_fingerprint=request_fingerprint(submission),
            received_at=now,
            province_code=self.admin_units.province_of(commune_code),
            commune_code=commune_code,
            # Recorded with the declaration: uploads of a refused or never-started declaration
            # stay unreferenced, and the worker's sweep deletes them after a grace period.
            attachment_hashes=tuple(a.sha256 for a in attachments),
            initial_view=initial_view(
                declaration_id,
                group,
                now,
                procedures,
                delivery,
                workflow_id_for(declaration_id),
                self.clock,
                late_registration=late_registration,
            ),
        )
        record, created = await run_in_threadpool(create_or_get_declaration, self.engine, new)
        # A repeat of an earlier submission continues with that declaration's own ID and time.
        declaration_id, received_at = record.declaration_id, record.received_at.replace(tzinfo=UTC)
        if created or not record.workflow_started:
            try:
                await self._start_workflow(
                    run,
                    build_input(declaration_id, received_at),
                    group,
                    record.workflow_id,
                    record.province_code or "",
                    commune_code,
                )
            # A lazily connected client reports an unreachable server as a RuntimeError.
            except (RPCError, RuntimeError) as error:
                # After a timeout the server may still have started the workflow: keep the
                # record, so a retry with the same key finds it and starts (or finds) the same
                # workflow. Only a start that certainly never happened is undone.
                if created and not _outcome_unknown(error):
                    await run_in_threadpool(
                        delete_unstarted_declaration, self.engine, declaration_id
                    )
                log.error(
                    "workflow_start_failed",
                    declaration_id=declaration_id,
                    error=type(error).__name__,
                )
                raise OrchestrationUnavailable from error
            await run_in_threadpool(mark_workflow_started, self.engine, declaration_id)
        log.info(
            "declaration_accepted",
            declaration_id=declaration_id,
            procedure=group.value,
            replayed=not created,
        )
        return DeclarationAccepted(
            declaration_id=declaration_id,
            workflow_id=record.workflow_id,
            status="received",
            status_url=f"/v1/declarations/{declaration_id}",
        )

    async def _start_workflow(
        self,
        run: Any,
        workflow_input: BaseModel,
        group: ProcedureGroup,
        workflow_id: str,
        province_code: str,
        commune_code: str,
    ) -> None:
        declaration_id = workflow_id.removeprefix("declaration-")
        try:
            await self.client.start_workflow(
                run,
                workflow_input,
                id=workflow_id,
                task_queue=orchestrator_task_queue(self.settings.task_queue_prefix),
                id_reuse_policy=WorkflowIDReusePolicy.REJECT_DUPLICATE,
                id_conflict_policy=WorkflowIDConflictPolicy.USE_EXISTING,
                search_attributes=TypedSearchAttributes(
                    [
                        SearchAttributePair(search_attributes.DECLARATION_ID, declaration_id),
                        SearchAttributePair(search_attributes.PROCEDURE, group.value),
                        SearchAttributePair(search_attributes.PROVINCE_CODE, province_code),
                        SearchAttributePair(search_attributes.COMMUNE_CODE, commune_code),
                        SearchAttributePair(search_attributes.STATUS, "received"),
                        SearchAttributePair(search_attributes.CURRENT_STEP, "intake"),
                    ]
                ),
                static_summary=f"{group.value.title()} declaration {declaration_id} "
                f"(commune {commune_code})",
                rpc_timeout=timedelta(seconds=10),
                static_details=f"Filed on the portal; procedures: "
                f"{', '.join(p.value for p in _group_procedures(group, workflow_input))}.",
            )
        except WorkflowAlreadyStartedError:
            # Started by an earlier attempt of this same submission: nothing new to start.
            return


def _group_procedures(group: ProcedureGroup, workflow_input: BaseModel) -> list[Procedure]:
    if isinstance(workflow_input, DeathWorkflowInput):
        return list(death_procedures(workflow_input.declaration))
    return list(BIRTH_PROCEDURES)


def _outcome_unknown(error: Exception) -> bool:
    """Whether the server may have acted on a request whose answer never came."""
    return isinstance(error, RPCError) and error.status in (
        RPCStatusCode.DEADLINE_EXCEEDED,
        RPCStatusCode.CANCELLED,
        RPCStatusCode.UNKNOWN,
    )
