"""A declaration acts only on a start the portal API filed: checked before anything reaches an
agency or the store, and refused at once otherwise, where operators can filter on it."""

from __future__ import annotations

from datetime import timedelta

from temporalio import workflow

with workflow.unsafe.imports_passed_through():
    from activities.trust import StartCheck, StartVerdict, TrustActivities
    from messages import Message
    from schemas.status import DeclarationState
    from schemas.workflow_inputs import AttestedStart
    from security.start_attestations import content_digest
    from temporal_connection import search_attributes

from workflows.declaration_progress import DeclarationProgress


async def check_start(start: AttestedStart) -> StartVerdict:
    """The trust store's verdict on this run's start input."""
    info = workflow.info()
    return await workflow.execute_local_activity_method(
        TrustActivities.verify_start,
        StartCheck(
            workflow_id=info.workflow_id,
            run_id=info.run_id,
            declaration_id=start.declaration_id,
            digest=content_digest(start.attested_content()),
            attestation=start.attestation,
            started_at=info.start_time,
        ),
        start_to_close_timeout=timedelta(seconds=15),
        summary="check that the portal filed this declaration",
    )


def refuse_start(progress: DeclarationProgress, problem: str) -> None:
    """End a start the portal did not file: nothing is sent to an agency or written to the
    store (the refusal is audited by the check), and operators find it by its status and
    reason."""
    workflow.logger.warning("declaration_start_refused", extra={"problem": problem})
    progress.set_status(
        DeclarationState.FAILED, Message.of("status.start_refused"), reason_code=problem
    )
    workflow.upsert_search_attributes(
        [
            search_attributes.STATUS.value_set(DeclarationState.FAILED.value),
            search_attributes.STATUS_REASON.value_set(problem),
            search_attributes.CURRENT_STEP.value_set(["closed"]),
        ]
    )
