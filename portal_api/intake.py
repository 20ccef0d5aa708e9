"""Taking in a declaration: check it, keep its attachments by hash, record it, start its workflow.

A declaration is recorded before its workflow starts and the record is removed if the start fails,
so the portal never holds an ID that leads nowhere. The idempotency key makes a retried submission
return the same declaration and start nothing new.
"""

from __future__ import annotations

import base64
from dataclasses import dataclass
from datetime import UTC, datetime

from pydantic import BaseModel, Field
from sqlalchemy.engine import Engine
from starlette.concurrency import run_in_threadpool
from temporalio.client import Client
from temporalio.service import RPCError

from legal_deadlines.legal_clock import LegalClock
from observability.logging import get_logger
from portal_api.declaration_ids import new_declaration_id, request_fingerprint, workflow_id_for
from portal_api.errors import DeclarationBreaksRules
from portal_api.filings import (
    DeclarationT,
    Filing,
    ResultT,
    SubmissionT,
    WorkflowInputT,
    WorkflowT,
)
from portal_api.one_event import event_keys
from portal_api.workflow_start import outcome_unknown, start_declaration_workflow
from reference_data.admin_units import AdminUnitCatalogue
from schemas.common import AttachmentRef, AttachmentUpload
from schemas.local_time import viet_nam_date
from schemas.rules.findings import RuleContext
from schemas.workflow_inputs import NexusEndpoints, OrchestrationOptions
from security.start_attestations import attest_start
from settings import Settings
from store.at_rest import StoreCipher
from store.attachments import store_attachment
from store.declarations import (
    NewDeclaration,
    create_or_get_declaration,
    delete_unstarted_declaration,
    mark_workflow_started,
)
from store.models import DeclarationRecord
from workflows.initial_view import initial_view

log = get_logger(__name__)


class DeclarationAccepted(BaseModel):
    declaration_id: str = Field(
        description="The declaration's ID, which every later request names.",
        examples=["LT-20261120-3F9A1C7B2E"],
    )
    workflow_id: str = Field(
        description="Its workflow in Temporal, for operators.",
        examples=["declaration-LT-20261120-3F9A1C7B2E"],
    )
    status: str = Field(description="Always `received`.", examples=["received"])
    status_url: str = Field(
        description="Where to read its status.",
        examples=["/v1/declarations/LT-20261120-3F9A1C7B2E"],
    )


class OrchestrationUnavailable(Exception):
    """Temporal could not be reached; nothing was recorded, the portal may retry."""


def intake_rule_context(
    settings: Settings, admin_units: AdminUnitCatalogue, now: datetime
) -> RuleContext:
    """What a declaration arriving at `now` is checked against: the day in Viet Nam, every
    official commune, the attachment limits."""
    return RuleContext(
        today=viet_nam_date(now),
        admin_units=admin_units,
        attachment_max_bytes=settings.attachment_max_bytes,
        max_attachments=settings.max_attachments,
    )


@dataclass
class Intake:
    settings: Settings
    engine: Engine
    # Seals what the store keeps of a declaration, and opens it again.
    cipher: StoreCipher
    client: Client
    admin_units: AdminUnitCatalogue

    def rule_context(self, now: datetime) -> RuleContext:
        return intake_rule_context(self.settings, self.admin_units, now)

    @property
    def options(self) -> OrchestrationOptions:
        return OrchestrationOptions(
            endpoints=NexusEndpoints.with_prefix(self.settings.task_queue_prefix),
            agency_call_timeout_seconds=self.settings.agency_call_timeout_seconds,
            working_day_seconds=self.settings.working_day_seconds,
            decision_recheck_seconds=self.settings.decision_recheck_seconds,
        )

    def attested(self, start: WorkflowInputT, record: DeclarationRecord) -> WorkflowInputT:
        """The start input with the API's word that it filed it, signed now."""
        key_id = self.signing_key_for(record)
        attestation = attest_start(
            self.settings.requester_signing_keys[key_id].get_secret_value(),
            key_id,
            record.workflow_id,
            start.declaration_id,
            start.attested_content(),
            datetime.now(UTC),
        )
        return start.model_copy(update={"attestation": attestation})

    def signing_key_for(self, record: DeclarationRecord) -> str:
        """The key that attests what the API says of a declaration: the one its start was
        attested with while the API holds it (the workflow trusts the keys it was started
        under), the active one otherwise."""
        keys = self.settings.requester_signing_keys
        kept = record.attested_by_key
        return (
            kept
            if kept is not None and kept in keys
            else self.settings.requester_signing_active_key
        )

    @property
    def clock(self) -> LegalClock:
        return LegalClock(self.settings.working_day_seconds)

    def store_attachments(self, uploads: list[AttachmentUpload]) -> list[AttachmentRef]:
        refs = []
        for upload in uploads:
            content = base64.b64decode(upload.content_base64)
            digest = store_attachment(self.engine, self.cipher, content, upload.media_type)
            refs.append(
                AttachmentRef(
                    kind=upload.kind,
                    filename=upload.filename,
                    media_type=upload.media_type,
                    sha256=digest,
                    size_bytes=len(content),
                    personal_id=upload.personal_id,
                )
            )
        return refs

    async def submit(
        self,
        filing: Filing[SubmissionT, DeclarationT, WorkflowInputT, WorkflowT, ResultT],
        submission: SubmissionT,
        idempotency_key: str | None,
        client_id: str,
    ) -> DeclarationAccepted:
        now = datetime.now(UTC)
        context = self.rule_context(now)
        violations = filing.violations(submission, context)
        if violations:
            raise DeclarationBreaksRules(violations)
        refs = await run_in_threadpool(self.store_attachments, submission.attachments)
        declaration = filing.declaration(submission, refs)
        late_registration = filing.late_registration(declaration, context.today)
        procedures = filing.procedures(declaration)
        commune_code = filing.commune_code(declaration)
        group = filing.group

        declaration_id = new_declaration_id(now)
        new = NewDeclaration(
            declaration_id=declaration_id,
            procedure=group.value,
            workflow_id=workflow_id_for(declaration_id),
            client_id=client_id,
            declarant_ref=self.settings.pseudonyms.ref(submission.declarant.personal_id),
            idempotency_key=idempotency_key,
            request_fingerprint=request_fingerprint(submission),
            received_at=now,
            province_code=self.admin_units.province_of(commune_code),
            commune_code=commune_code,
            # Recorded with the declaration: uploads of a refused or never-started declaration
            # stay unreferenced, and the worker's sweep deletes them after a grace period.
            attachment_hashes=tuple(a.sha256 for a in refs),
            attested_by_key=self.settings.requester_signing_active_key,
            # A second declaration of the same birth or death is refused (`DuplicateDeclaration`).
            event=event_keys(self.settings.pseudonyms, filing.event(declaration)),
            initial_view=initial_view(
                declaration_id,
                group,
                now,
                procedures,
                declaration.delivery,
                workflow_id_for(declaration_id),
                self.clock,
                late_registration=late_registration,
                verification=filing.needs_verification(declaration),
            ),
        )
        record, created = await run_in_threadpool(
            create_or_get_declaration, self.engine, self.cipher, new
        )
        # A repeat of an earlier submission continues with that declaration's own ID and time.
        declaration_id, received_at = record.declaration_id, record.received_at.replace(tzinfo=UTC)
        if created or not record.workflow_started:
            try:
                await start_declaration_workflow(
                    self.client,
                    self.settings.task_queue_prefix,
                    filing.run,
                    self.attested(
                        filing.workflow_input(
                            declaration_id,
                            received_at,
                            declaration,
                            late_registration,
                            self.options,
                        ),
                        record,
                    ),
                    declaration_id=declaration_id,
                    workflow_id=record.workflow_id,
                    group=group,
                    procedures=procedures,
                    province_code=record.province_code or "",
                    commune_code=commune_code,
                )
            # A lazily connected client reports an unreachable server as a RuntimeError.
            except (RPCError, RuntimeError) as error:
                # After a timeout the server may still have started the workflow: keep the
                # record, so a retry with the same key finds it and starts (or finds) the same
                # workflow. Only a start that certainly never happened is undone.
                if created and not outcome_unknown(error):
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
