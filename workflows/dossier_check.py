"""The dossier checked before any agency sees it: the attachments are as filed, and the people
named are who the population registry says they are."""

from __future__ import annotations

import asyncio
from datetime import timedelta

from temporalio import workflow

with workflow.unsafe.imports_passed_through():
    from activities.records import RecordActivities
    from agency_contracts.decisions import IdentityCheckRequest
    from agency_contracts.services import REGISTRY_AGENCY, VERIFY_IDENTITIES
    from legal_deadlines.procedure_limits import SUPPLEMENT_WAIT_WORKING_DAYS
    from messages import Message, sentences
    from schemas.decisions import AttachmentCheck
    from schemas.supplements import POPULATION_REGISTRY, SupplementNeed

from workflows.agency_steps import DeclarationT
from workflows.citizen import await_supplement
from workflows.running_declaration import RunningDeclaration

ORCHESTRATOR_CALL = timedelta(seconds=30)
# The registry cross-check finds a mismatch at most this many times before it refuses.
MAX_REGISTRY_ROUNDS = 3


def _once(messages: list[Message]) -> list[Message]:
    """Each message once, in order: several fields of one person share their message."""
    unique: list[Message] = []
    for message in messages:
        if message not in unique:
            unique.append(message)
    return unique


async def check_dossier(run: RunningDeclaration[DeclarationT]) -> bool:
    """A mismatch with the registry goes back to the citizen; False when the declaration ends."""
    while run.withdrawal is None:
        run.changed_since_registry_check.clear()
        attachments_check = workflow.execute_activity_method(
            RecordActivities.verify_attachments,
            AttachmentCheck(
                declaration_id=run.declaration_id,
                sha256=[a.sha256 for a in run.declaration.attachments],
            ),
            task_queue=workflow.info().task_queue,
            start_to_close_timeout=ORCHESTRATOR_CALL,
            summary="check the attachments against their hashes",
        )
        identity_check = run.agency(REGISTRY_AGENCY).execute_operation(
            VERIFY_IDENTITIES,
            IdentityCheckRequest(
                declaration_id=run.declaration_id,
                claims=run.steps.identity_claims(run.declaration, frozenset(run.supplemented)),
            ),
            summary="cross-check the people with the population registry",
        )
        tampered, registry = await asyncio.gather(attachments_check, identity_check)
        if tampered:
            names = ", ".join(
                a.filename for a in run.declaration.attachments if a.sha256 in tampered
            )
            run.refuse(Message.of("attachment_altered", names=names))
            return False
        problems = registry.problems
        if not problems:
            return True
        refusal = next((p for p in problems if p.refuses), None)
        if refusal is not None:
            run.refuse(refusal.message)
            return False
        run.registry_rounds += 1
        if run.registry_rounds >= MAX_REGISTRY_ROUNDS:
            run.refuse(Message.of("registry_mismatch_unresolved", rounds=MAX_REGISTRY_ROUNDS))
            return False
        need = SupplementNeed(
            fields=[p.field for p in problems],
            message=sentences(_once([p.message for p in problems])),
        )
        answered = await await_supplement(run, POPULATION_REGISTRY, need, ())
        if answered is False:
            run.refuse(
                Message.of("registry_mismatch_not_corrected", days=SUPPLEMENT_WAIT_WORKING_DAYS)
            )
            return False
    return False
