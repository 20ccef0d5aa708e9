"""What a citizen can do with a declaration already filed: supplement it when asked, or withdraw it.

A supplement may change only what the open requests name (`supplement_scope`). It is merged into
the declaration and checked exactly like a new declaration before the workflow sees it; only the
steps waiting for it run again, after the people are checked with the registry again.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from pydantic import BaseModel, Field, ValidationError
from starlette.concurrency import run_in_threadpool
from temporalio.client import WorkflowUpdateFailedError

from messages import Message
from observability.logging import get_logger
from portal_api.authorization import Access
from portal_api.errors import DeclarationBreaksRules, input_violations
from portal_api.filings import FILINGS, AnyFiling
from portal_api.intake import Intake
from portal_api.one_event import event_keys
from portal_api.supplement_scope import (
    agencies_engaged,
    open_request_ids,
    out_of_scope,
    requested_fields,
)
from schemas.common import AttachmentUpload, ProcedureGroup, StrictModel
from schemas.decisions import (
    Requester,
    SupplementAnswer,
    WithdrawalRequest,
    supplement_content,
)
from schemas.rules.findings import RuleViolation
from schemas.status import TERMINAL_STATES, DeclarationState
from schemas.text import MultilineText
from security.requesters import attest
from store.declaration_status import read_status
from store.declarations import get_declaration
from store.declared_events import EventKeys, move_event, restore_event
from store.models import DeclarationRecord
from workflows.agency_steps import Declaration
from workflows.declaration_workflow import DeclarationWorkflow

log = get_logger(__name__)


class SupplementSubmission(StrictModel):
    changes: dict[str, Any] = Field(
        default_factory=dict,
        description="Corrected parts of the declaration, under the names used at submission.",
    )
    attachments: list[AttachmentUpload] = Field(default_factory=list)


class WithdrawalSubmission(StrictModel):
    reason: MultilineText | None = Field(
        default=None,
        max_length=500,
        description="Why the family withdraws, in their own words; it may run over several lines.",
    )


class ActionAccepted(BaseModel):
    declaration_id: str
    status: str
    status_url: str


class DeclarationNotFound(Exception):
    pass


class ActionNotPossible(Exception):
    """Nothing is awaited from the citizen, or the declaration is closed."""


def deep_merge(base: dict[str, Any], changes: dict[str, Any]) -> dict[str, Any]:
    merged = dict(base)
    for key, value in changes.items():
        if isinstance(value, dict) and isinstance(merged.get(key), dict):
            merged[key] = deep_merge(merged[key], value)
        else:
            merged[key] = value
    return merged


def _as_supplement_loc(loc: tuple[str | int, ...]) -> tuple[str | int, ...]:
    """A declaration field's location, as found in the supplement's `changes`."""
    if len(loc) > 1 and loc[0] == "body" and loc[1] != "attachments":
        return ("body", "changes", *loc[1:])
    return loc


@dataclass
class CitizenActions:
    intake: Intake

    async def _record(self, declaration_id: str, access: Access, action: str) -> DeclarationRecord:
        record = await run_in_threadpool(get_declaration, self.intake.engine, declaration_id)
        if record is None:
            raise DeclarationNotFound(declaration_id)
        await access.require_access(action, record)
        return record

    def _requester(
        self,
        access: Access,
        record: DeclarationRecord,
        action: str,
        content: str,
        requested_at: datetime,
        answers: list[str] | None = None,
    ) -> Requester:
        """The API's word, to the workflow, of who asked for this update, once, now, answering
        which requests."""
        key_id = self.intake.signing_key_for(record)
        return attest(
            self.intake.settings.requester_signing_keys[key_id].get_secret_value(),
            key_id,
            record.workflow_id,
            action,
            access.principal.actor,
            requested_at,
            content,
            answers or [],
        )

    async def supplement(
        self, declaration_id: str, submission: SupplementSubmission, access: Access
    ) -> ActionAccepted:
        record = await self._record(declaration_id, access, "supplement")
        view = read_status(record, self.intake.cipher)
        if view.status != DeclarationState.AWAITING_SUPPLEMENT:
            raise ActionNotPossible("Nothing is awaited from the citizen for this declaration.")
        if not submission.changes and not submission.attachments:
            raise DeclarationBreaksRules(
                [RuleViolation(("body",), "empty", Message.of("supplement.empty"))]
            )
        handle = self.intake.client.get_workflow_handle(record.workflow_id)
        filing = FILINGS[ProcedureGroup(record.procedure)]
        current: Declaration = await handle.query(DeclarationWorkflow.declaration)
        as_filed = current.model_dump(mode="json", exclude={"attachments"})
        not_asked = out_of_scope(
            submission.changes, as_filed, requested_fields(view), agencies_engaged(view)
        )
        if not_asked:
            raise DeclarationBreaksRules(not_asked)
        merged = deep_merge(as_filed, submission.changes)
        try:
            corrected = filing.corrected(merged, current.attachments)
        except ValidationError as error:
            raise DeclarationBreaksRules(
                [
                    RuleViolation(_as_supplement_loc(("body", *v.loc)), v.type, v.message)
                    for v in input_violations(error.errors())
                ]
            ) from None
        # The new uploads come first, so their positions match the supplement's attachments.
        violations = filing.correction_violations(
            corrected,
            [*submission.attachments, *current.attachments],
            self.intake.rule_context(datetime.now(UTC)),
            submission.changes,
        )
        if violations:
            raise DeclarationBreaksRules(
                [RuleViolation(_as_supplement_loc(v.loc), v.type, v.message) for v in violations]
            )
        refs = await run_in_threadpool(self.intake.store_attachments, submission.attachments)
        declaration = filing.corrected(merged, [*current.attachments, *refs])
        changed = sorted(submission.changes) + (["attachments"] if refs else [])
        answered_at = datetime.now(UTC)
        content = supplement_content(declaration, changed)
        answer = SupplementAnswer(
            declaration=declaration,
            changed=changed,
            answered_at=answered_at,
            requester=self._requester(
                access, record, "answer_supplement", content, answered_at, open_request_ids(view)
            ),
        )
        # A correction of the mother, the date of birth or the deceased changes which event is
        # declared: refused (`DuplicateDeclaration`) when another declaration stands for it.
        held_before = await run_in_threadpool(
            move_event, self.intake.engine, declaration_id, self._event_keys(filing, declaration)
        )
        try:
            await handle.execute_update(DeclarationWorkflow.answer_supplement, answer)
        except WorkflowUpdateFailedError as refused:
            # Certainly not applied: the declaration is still of the event it was. (Any other
            # error leaves the correction's fate unknown, and the corrected event held.)
            await run_in_threadpool(restore_event, self.intake.engine, declaration_id, held_before)
            raise ActionNotPossible(str(refused.cause)) from None
        log.info("supplement_accepted", declaration_id=declaration_id, changed=changed)
        return ActionAccepted(
            declaration_id=declaration_id,
            status="in_progress",
            status_url=f"/v1/declarations/{declaration_id}",
        )

    def _event_keys(self, filing: AnyFiling, declaration: Declaration) -> EventKeys | None:
        return event_keys(self.intake.settings.pseudonyms, filing.event(declaration))

    async def withdraw(
        self, declaration_id: str, submission: WithdrawalSubmission, access: Access
    ) -> ActionAccepted:
        record = await self._record(declaration_id, access, "withdraw")
        if read_status(record, self.intake.cipher).status in TERMINAL_STATES:
            raise ActionNotPossible("The declaration is already closed.")
        handle = self.intake.client.get_workflow_handle(record.workflow_id)
        requested_at = datetime.now(UTC)
        requester = self._requester(
            access, record, "withdraw", submission.reason or "", requested_at
        )
        try:
            await handle.execute_update(
                DeclarationWorkflow.withdraw,
                WithdrawalRequest(
                    reason=submission.reason, requested_at=requested_at, requester=requester
                ),
            )
        except WorkflowUpdateFailedError as refused:
            raise ActionNotPossible(str(refused.cause)) from None
        log.info("withdrawal_accepted", declaration_id=declaration_id)
        return ActionAccepted(
            declaration_id=declaration_id,
            status="withdrawing",
            status_url=f"/v1/declarations/{declaration_id}",
        )
