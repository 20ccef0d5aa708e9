"""The citizen's part: supplements asked for and answered, and a withdrawal at any time. Only
the portal API, for the person it verified, may ask the declaration to act."""

from __future__ import annotations

from collections.abc import Collection, Sequence

from temporalio import workflow

with workflow.unsafe.imports_passed_through():
    from agency_contracts.procedures import PROCEDURES
    from legal_deadlines.procedure_limits import SUPPLEMENT_WAIT_WORKING_DAYS, group_working_days
    from messages import Message, listing
    from schemas.common import Procedure
    from schemas.decisions import Requester, SupplementAnswer, WithdrawalRequest
    from schemas.status import DeclarationState, StepState
    from schemas.supplements import SupplementNeed, SupplementRequest
    from security.requesters import refusal

from workflows.agency_steps import DeclarationT
from workflows.delivery import OnTheWay, deliver_results
from workflows.running_declaration import RunningDeclaration

# The reason code of a step that waits for the citizen: what is asked is in the request itself.
SUPPLEMENT_REQUESTED = "supplement_requested"


def check_requester(
    run: RunningDeclaration[DeclarationT],
    action: str,
    requester: Requester,
    content: str,
    open_requests: Collection[str] = (),
) -> None:
    """Refuse an update the portal API did not attest for this declaration, now, once."""
    problem = refusal(
        run.requester_keys,
        workflow.info().workflow_id,
        action,
        requester,
        content,
        now=workflow.now(),
        nonces_seen=run.nonces_seen,
        open_requests=open_requests,
    )
    if problem is None:
        return
    # Read by the worker's refusal audit (store.refusal_audit): a validator writes nothing.
    workflow.logger.warning(
        "update_refused",
        extra={
            "audit_refusal": {
                "action": action,
                "declaration_id": run.declaration_id,
                "detail": f"{problem}; claimed actor {requester.actor}",
            }
        },
    )
    raise ValueError("The request did not come through the portal API, or was already used.")


def check_supplement(run: RunningDeclaration[DeclarationT], answer: SupplementAnswer) -> None:
    check_requester(
        run,
        "answer_supplement",
        answer.requester,
        answer.attested_content(),
        open_requests=set(run.open_requests.values()),
    )
    if not answer.requester.answers:
        raise ValueError("The answer names no request it answers.")
    if run.progress.closed:
        raise ValueError("The declaration is closed.")
    if not run.open_requests:
        raise ValueError("Nothing is awaited from the citizen.")
    if type(answer.declaration) is not type(run.declaration):
        raise ValueError("The supplement is for another kind of declaration.")
    # The portal refuses these first; the workflow holds to them whoever sends the answer.
    if answer.declaration.declarant.personal_id != run.declaration.declarant.personal_id:
        raise ValueError("The declarant of a declaration does not change.")
    if getattr(answer.declaration, "procedures", None) != getattr(
        run.declaration, "procedures", None
    ):
        raise ValueError("The procedures chosen do not change.")


def take_supplement(run: RunningDeclaration[DeclarationT], answer: SupplementAnswer) -> None:
    declaration = answer.declaration
    assert isinstance(declaration, type(run.declaration)), "checked by check_supplement"
    run.nonces_seen.add(answer.requester.nonce)
    run.declaration = declaration
    # The portal's receipt of the answer, not the moment the workflow takes it in.
    run.dossier_received_at = answer.answered_at
    run.supplement_answers += 1
    run.changed_since_registry_check.update(answer.changed)
    run.supplemented.update(answer.changed)
    run.progress.record_event(
        "supplement_answered",
        reason=", ".join(answer.changed),
        actor=answer.requester.actor,
    )


def check_withdrawal(run: RunningDeclaration[DeclarationT], request: WithdrawalRequest) -> None:
    check_requester(run, "withdraw", request.requester, request.attested_content())
    if request.requester.answers:
        raise ValueError("A withdrawal answers no request.")
    if run.progress.closed:
        raise ValueError("The declaration is already closed.")
    if run.withdrawal is not None:
        raise ValueError("The declaration is already being withdrawn.")


def take_withdrawal(run: RunningDeclaration[DeclarationT], request: WithdrawalRequest) -> None:
    run.nonces_seen.add(request.requester.nonce)
    run.withdrawal = request
    run.progress.record_event(
        "withdrawal_requested", reason=request.reason, actor=request.requester.actor
    )


async def await_supplement(
    run: RunningDeclaration[DeclarationT],
    requester: str,
    need: SupplementNeed,
    procedures: Sequence[Procedure],
    actor: str | None = None,
) -> bool | None:
    """Ask the citizen; True once answered, False after the wait expires, None if withdrawn."""
    progress = run.progress
    now = workflow.now()
    request = SupplementRequest(
        request_id=str(workflow.uuid4()),
        requested_by=requester,
        requested_at=now,
        respond_by=run.clock.deadline(now, SUPPLEMENT_WAIT_WORKING_DAYS),
        **need.model_dump(),
    )
    for procedure in procedures:
        progress.update_step(
            procedure,
            StepState.AWAITING_SUPPLEMENT,
            reason=need.message,
            reason_code=SUPPLEMENT_REQUESTED,
            supplement_request=request,
            actor=actor,
        )
    if not procedures:
        progress.set_declaration_supplement(request)
    await progress.publish()
    answers_seen = run.supplement_answers
    run.open_requests[requester] = request.request_id
    try:
        await workflow.wait_condition(
            lambda: run.supplement_answers > answers_seen or run.withdrawal is not None,
            timeout=(request.respond_by - now).total_seconds(),
        )
        answered: bool | None = None if run.withdrawal is not None else True
    except TimeoutError:
        answered = False
    finally:
        run.open_requests.pop(requester, None)
    if not procedures:
        progress.set_declaration_supplement(None)
    if answered:
        # The time limit counts again from the completed dossier, with verification.
        group_days = group_working_days(run.group, verification=True)
        progress.set_deadline(run.clock.deadline(run.dossier_received_at, group_days))
    return answered


async def close_withdrawn(run: RunningDeclaration[DeclarationT]) -> OnTheWay | None:
    """Each running step has cancelled its case at its agency by now; what is still open is
    cancelled here, and completed records stay and are delivered (posted ones are returned on
    their way)."""
    progress = run.progress
    progress.cancel_unsettled_steps(Message.of("withdrawn"))
    approved = [s.procedure for s in progress.view.steps if s.status == StepState.APPROVED]
    progress.set_status(
        DeclarationState.WITHDRAWN,
        Message.of(
            "status.withdrawn_keeping",
            procedures=listing([PROCEDURES[p].name for p in approved]),
        )
        if approved
        else Message.of("status.withdrawn_nothing_done"),
        reason_code="withdrawn",
    )
    if not approved:
        return None
    return await deliver_results(progress, run.declaration.delivery, run.options.endpoints)
