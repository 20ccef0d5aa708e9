"""Submitting declarations and reading their status."""

from __future__ import annotations

from fastapi import APIRouter, HTTPException, status
from fastapi.responses import JSONResponse
from starlette.concurrency import run_in_threadpool

from messages import Language, in_language
from portal_api.authorization import Access
from portal_api.citizen_actions import (
    ActionAccepted,
    ActionNotPossible,
    DeclarationNotFound,
    SupplementSubmission,
    WithdrawalSubmission,
)
from portal_api.dependencies import (
    AccessDep,
    CipherDep,
    CitizenActionsDep,
    EngineDep,
    IdempotencyKeyHeader,
    IntakeDep,
    LanguageDep,
)
from portal_api.error_responses import (
    GUARDED,
    TOO_LARGE,
    UNPROCESSABLE,
    Conflict,
    Refusal,
    Responses,
)
from portal_api.errors import DeclarationBreaksRules
from portal_api.filings import BIRTH_FILING, DEATH_FILING, AnyFiling, Submission
from portal_api.intake import DeclarationAccepted, Intake, OrchestrationUnavailable
from schemas.birth import BirthDeclarationSubmission
from schemas.death import DeathDeclarationSubmission
from schemas.status import DeclarationStatusView
from security.principals import Scope
from store.audit import audit_trail
from store.declaration_status import read_status
from store.declarations import IdempotencyConflict, get_declaration
from store.declared_events import DuplicateDeclaration
from store.models import AuditEntryPublic

router = APIRouter(prefix="/v1/declarations", tags=["declarations"])

_NOT_FOUND: Responses = {404: {"model": Refusal, "description": "No declaration with this ID."}}

_CONFLICT: Responses = {
    409: {
        "model": Conflict,
        "description": "The same birth or death is already declared, by a declaration still "
        "open or completed (`type` `duplicate_declaration`, naming it), whoever filed it; or "
        "the idempotency key was used for a different declaration.",
    }
}
_UNAVAILABLE: Responses = {
    503: {"description": "The orchestrator is unreachable; nothing was recorded."}
}
# What every submission may be answered besides its 202.
_SUBMISSION: Responses = {**GUARDED, **TOO_LARGE, **UNPROCESSABLE, **_CONFLICT, **_UNAVAILABLE}


def _conflict() -> HTTPException:
    return HTTPException(
        status_code=status.HTTP_409_CONFLICT,
        detail="This Idempotency-Key was already used for a different declaration.",
    )


async def _refused_duplicate(access: Access, group: str, duplicate: DuplicateDeclaration) -> None:
    """In the first declaration's trail: someone filed its event again."""
    detail = f"{group}: refused, the same event is declared already"
    await access.audit("submit", duplicate.first, detail, outcome="denied")


def _unavailable() -> HTTPException:
    return HTTPException(
        status_code=status.HTTP_503_SERVICE_UNAVAILABLE,
        detail="The declaration could not be started; nothing was recorded. Try again shortly.",
    )


async def _file(
    filing: AnyFiling,
    submission: Submission,
    intake: Intake,
    access: Access,
    idempotency_key: str | None,
) -> DeclarationAccepted:
    """File a declaration of the filing's group, as the caller may."""
    group = filing.group.value
    await access.require(Scope.SUBMIT, "submit")
    await access.require_own_declarant("submit", submission.declarant.personal_id)
    try:
        accepted = await intake.submit(filing, submission, idempotency_key, access.principal.actor)
    except IdempotencyConflict:
        raise _conflict() from None
    except DuplicateDeclaration as duplicate:
        await _refused_duplicate(access, group, duplicate)
        raise
    except OrchestrationUnavailable:
        raise _unavailable() from None
    await access.audit("submit", accepted.declaration_id, group)
    return accepted


@router.post(
    "/birth",
    status_code=status.HTTP_202_ACCEPTED,
    response_model=DeclarationAccepted,
    responses=_SUBMISSION,
)
async def submit_birth_declaration(
    submission: BirthDeclarationSubmission,
    intake: IntakeDep,
    access: AccessDep,
    idempotency_key: IdempotencyKeyHeader = None,
) -> DeclarationAccepted:
    return await _file(BIRTH_FILING, submission, intake, access, idempotency_key)


@router.post(
    "/death",
    status_code=status.HTTP_202_ACCEPTED,
    response_model=DeclarationAccepted,
    responses=_SUBMISSION,
)
async def submit_death_declaration(
    submission: DeathDeclarationSubmission,
    intake: IntakeDep,
    access: AccessDep,
    idempotency_key: IdempotencyKeyHeader = None,
) -> DeclarationAccepted:
    return await _file(DEATH_FILING, submission, intake, access, idempotency_key)


@router.get(
    "/{declaration_id}",
    response_model=DeclarationStatusView,
    responses={**GUARDED, **_NOT_FOUND},
)
async def get_declaration_status(
    declaration_id: str,
    engine: EngineDep,
    cipher: CipherDep,
    access: AccessDep,
    language: LanguageDep,
) -> JSONResponse:
    await access.require(Scope.READ, "read_status", declaration_id)
    # The workflow reports every change to the store, so the store is current while the
    # declaration runs and still answers after Temporal has let the workflow go.
    record = await run_in_threadpool(get_declaration, engine, declaration_id)
    if record is None:
        raise HTTPException(status_code=404, detail="No declaration with this ID.")
    await access.require_access("read_status", record)
    await access.audit("read_status", declaration_id)
    return status_in(access.visible_part(read_status(record, cipher)), language)


def status_in(view: DeclarationStatusView, language: Language) -> JSONResponse:
    """The status with every message of the product (reasons, requests, summaries, benefit
    explanations) in the caller's language; the agencies' own texts as they wrote them."""
    return JSONResponse(
        view.model_dump(mode="json", context=in_language(language)),
        headers={"Content-Language": language},
    )


@router.get(
    "/{declaration_id}/audit",
    response_model=list[AuditEntryPublic],
    responses={**GUARDED, **_NOT_FOUND},
)
async def get_declaration_audit_trail(
    declaration_id: str, engine: EngineDep, access: AccessDep
) -> list[AuditEntryPublic]:
    """Who did what to the declaration, and when (operators only)."""
    await access.require(Scope.AUDIT, "read_audit", declaration_id)
    if await run_in_threadpool(get_declaration, engine, declaration_id) is None:
        raise HTTPException(status_code=404, detail="No declaration with this ID.")
    entries = await run_in_threadpool(audit_trail, engine, declaration_id)
    return [AuditEntryPublic.model_validate(e, from_attributes=True) for e in entries]


_NOT_POSSIBLE: Responses = {
    409: {"model": Refusal, "description": "Nothing is awaited, or the declaration is closed."}
}
_SUPPLEMENT_CONFLICT: Responses = {
    409: {
        "model": Conflict,
        "description": "Nothing is awaited, or the declaration is closed; or the correction "
        "makes it declare a birth or death another declaration stands for (`type` "
        "`duplicate_declaration`, naming it).",
    }
}


@router.post(
    "/{declaration_id}/supplement",
    status_code=status.HTTP_202_ACCEPTED,
    response_model=ActionAccepted,
    responses={**GUARDED, **TOO_LARGE, **_NOT_FOUND, **_SUPPLEMENT_CONFLICT, **UNPROCESSABLE},
)
async def supplement_declaration(
    declaration_id: str,
    submission: SupplementSubmission,
    actions: CitizenActionsDep,
    access: AccessDep,
) -> ActionAccepted:
    """Supply what an agency (or the registry cross-check) asked for."""
    await access.require(Scope.ACT, "supplement", declaration_id)
    try:
        accepted = await actions.supplement(declaration_id, submission, access)
        await access.audit("supplement", declaration_id)
        return accepted
    except DeclarationNotFound:
        raise HTTPException(status_code=404, detail="No declaration with this ID.") from None
    except ActionNotPossible as refusal:
        await access.audit("supplement", declaration_id, str(refusal), outcome="denied")
        raise HTTPException(status_code=409, detail=str(refusal)) from None
    except DuplicateDeclaration as duplicate:
        detail = f"refused: the corrected event is declared already by {duplicate.first}"
        await access.audit("supplement", declaration_id, detail, outcome="denied")
        raise
    except DeclarationBreaksRules as broken:
        fields = ", ".join(".".join(str(part) for part in v.loc) for v in broken.violations)
        await access.audit("supplement", declaration_id, f"refused: {fields}", outcome="denied")
        raise


@router.post(
    "/{declaration_id}/withdraw",
    status_code=status.HTTP_202_ACCEPTED,
    response_model=ActionAccepted,
    responses={**GUARDED, **TOO_LARGE, **_NOT_FOUND, **_NOT_POSSIBLE, **UNPROCESSABLE},
)
async def withdraw_declaration(
    declaration_id: str,
    actions: CitizenActionsDep,
    access: AccessDep,
    submission: WithdrawalSubmission | None = None,
) -> ActionAccepted:
    """Withdraw before completion: open steps are cancelled, completed records stay."""
    await access.require(Scope.ACT, "withdraw", declaration_id)
    try:
        accepted = await actions.withdraw(
            declaration_id, submission or WithdrawalSubmission(), access
        )
        await access.audit("withdraw", declaration_id)
        return accepted
    except DeclarationNotFound:
        raise HTTPException(status_code=404, detail="No declaration with this ID.") from None
    except ActionNotPossible as refusal:
        await access.audit("withdraw", declaration_id, str(refusal), outcome="denied")
        raise HTTPException(status_code=409, detail=str(refusal)) from None
