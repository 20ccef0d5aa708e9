"""Starting a declaration's workflow as the portal API does, for a test that needs a start the
API's own checks would not let through (a dossier whose stored attachment is then altered): the
declaration recorded in the store, and its start input attested with the API's key."""

from __future__ import annotations

from datetime import UTC, datetime

from temporalio.client import WorkflowHandle

from legal_deadlines.legal_clock import LegalClock
from portal_api.declaration_ids import workflow_id_for
from schemas.common import ProcedureGroup
from schemas.status import DeclarationStatusView
from schemas.workflow_inputs import BirthWorkflowInput, orchestrator_task_queue
from security.start_attestations import attest_start
from store.declarations import NewDeclaration, create_or_get_declaration
from tests.harness.stack import Stack
from workflows.birth import BIRTH_PROCEDURES, BirthDeclarationWorkflow
from workflows.initial_view import initial_view


async def start_birth_as_the_portal(
    stack: Stack, start: BirthWorkflowInput
) -> WorkflowHandle[BirthDeclarationWorkflow, DeclarationStatusView]:
    settings = stack.settings
    workflow_id = workflow_id_for(start.declaration_id)
    create_or_get_declaration(
        stack.engine,
        stack.cipher,
        NewDeclaration(
            declaration_id=start.declaration_id,
            procedure=ProcedureGroup.BIRTH.value,
            workflow_id=workflow_id,
            client_id="portal",
            declarant_ref=settings.pseudonyms.ref(start.declaration.declarant.personal_id),
            idempotency_key=None,
            request_fingerprint="0" * 64,
            received_at=start.received_at,
            province_code=None,
            commune_code=None,
            initial_view=initial_view(
                start.declaration_id,
                ProcedureGroup.BIRTH,
                start.received_at,
                BIRTH_PROCEDURES,
                start.declaration.delivery,
                workflow_id,
                LegalClock(settings.working_day_seconds),
            ),
            attested_by_key=settings.requester_signing_active_key,
        ),
    )
    key_id = settings.requester_signing_active_key
    attestation = attest_start(
        settings.requester_signing_keys[key_id].get_secret_value(),
        key_id,
        workflow_id,
        start.declaration_id,
        start.attested_content(),
        datetime.now(UTC),
    )
    return await stack.client.start_workflow(
        BirthDeclarationWorkflow.run,
        start.model_copy(update={"attestation": attestation}),
        id=workflow_id,
        task_queue=orchestrator_task_queue(stack.settings.task_queue_prefix),
    )
