"""The signed electronic results of a declaration (Decree 63/2024): stored by the agency that
issued them, read by those who may read the declaration's status, verified by anyone a document
is shown to."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, HTTPException, Query, Request, Response, status
from pydantic import BaseModel
from starlette.concurrency import run_in_threadpool

from agency_contracts.procedures import PROCEDURE_OF_KIND, issuer_of_kind
from portal_api.dependencies import (
    AccessDep,
    CipherDep,
    DocumentChecksDep,
    EngineDep,
    SettingsDep,
)
from schemas.common import Agency, DocumentKind, Procedure
from schemas.status import DeclarationStatusView, StepState
from security.principals import Scope
from store.declaration_status import read_status
from store.declarations import get_declaration
from store.documents import PDF, list_documents, read_document, store_document
from store.models import IssuedDocument

router = APIRouter(tags=["documents"])


class DocumentListing(BaseModel):
    # The SHA-256 of the signed PDF.
    document_id: str
    kind: DocumentKind
    issuer: Agency
    procedure: str
    media_type: Literal["application/pdf"] = "application/pdf"
    # Where the signed PDF is downloaded: `GET /v1/declarations/{id}/documents/{document_id}`.
    url: str

    @classmethod
    def of(cls, document: IssuedDocument) -> DocumentListing:
        return cls.model_validate(
            {
                "document_id": document.document_id,
                "kind": document.kind,
                "issuer": document.issuer,
                "procedure": document.procedure,
                "url": document_url(document.declaration_id, document.document_id),
            }
        )


def holds_case(view: DeclarationStatusView, procedure: Procedure) -> bool:
    """Whether the declaration has a step of this procedure that reached its agency: the only
    place that agency's document of that kind belongs."""
    return any(s.procedure == procedure and s.status != StepState.PENDING for s in view.steps)


def document_url(declaration_id: str, document_id: str) -> str:
    return f"/v1/declarations/{declaration_id}/documents/{document_id}"


class DocumentCheck(BaseModel):
    valid: bool
    issuer: str | None
    document_id: str | None
    reason: str | None


_NOT_FOUND: dict[int | str, dict[str, Any]] = {
    404: {"description": "No such declaration, or no such document on it."}
}


async def _readable(access: AccessDep, engine: EngineDep, declaration_id: str) -> None:
    """The status route's authorisation: whoever may read the declaration's status."""
    await access.require(Scope.READ, "read_documents", declaration_id)
    record = await run_in_threadpool(get_declaration, engine, declaration_id)
    if record is None:
        raise HTTPException(status_code=404, detail="No declaration with this ID.")
    await access.require_access("read_documents", record)


@router.get(
    "/v1/declarations/{declaration_id}/documents",
    response_model=list[DocumentListing],
    responses=_NOT_FOUND,
)
async def list_declaration_documents(
    declaration_id: str, engine: EngineDep, access: AccessDep
) -> list[DocumentListing]:
    await _readable(access, engine, declaration_id)
    await access.audit("read_documents", declaration_id)
    documents = await run_in_threadpool(list_documents, engine, declaration_id)
    issuers = access.visible_issuers()
    return [DocumentListing.of(d) for d in documents if issuers is None or d.issuer in issuers]


def _media_type(request: Request) -> str:
    return request.headers.get("content-type", "").split(";")[0].strip().lower()


def _require_pdf(request: Request) -> None:
    if _media_type(request) != PDF:
        raise HTTPException(
            status_code=status.HTTP_415_UNSUPPORTED_MEDIA_TYPE,
            detail="Send the document as application/pdf.",
        )


@router.post(
    "/v1/declarations/{declaration_id}/documents",
    response_model=DocumentListing,
    status_code=status.HTTP_201_CREATED,
    responses={
        **_NOT_FOUND,
        403: {"description": "Not an agency's credential, or a kind it does not issue."},
        415: {"description": "The body is not a PDF."},
        422: {"description": "The PDF is not signed, unchanged, by this agency's certificate."},
    },
)
async def store_issued_document(
    declaration_id: str,
    kind: Annotated[DocumentKind, Query()],
    request: Request,
    engine: EngineDep,
    cipher: CipherDep,
    settings: SettingsDep,
    checks: DocumentChecksDep,
    access: AccessDep,
) -> DocumentListing:
    """An agency places the signed result it issued on a declaration. Its credential allows
    only documents of its own kinds that its own certificate signed; the first document of each
    kind on a declaration stands, and a later one is answered with it."""
    await access.require(Scope.ISSUE, "store_document", declaration_id)
    agency = access.principal.party
    if access.principal.role != "agency" or issuer_of_kind(kind).value != agency:
        raise await access.refuse(
            "store_document", declaration_id, f"This credential does not issue {kind}."
        )
    _require_pdf(request)
    record = await run_in_threadpool(get_declaration, engine, declaration_id)
    if record is None:
        raise HTTPException(status_code=404, detail="No declaration with this ID.")
    procedure = PROCEDURE_OF_KIND[kind]
    if not holds_case(read_status(record, cipher), procedure):
        raise await access.refuse(
            "store_document",
            declaration_id,
            f"{agency} holds no {procedure.value} case on this declaration.",
        )
    body = await request.body()
    own = {agency: settings.document_certificates.get(agency, "")}
    check = await checks.verify(body, own if own[agency] else {})
    if not check.valid:
        await access.audit("store_document", declaration_id, check.reason, outcome="denied")
        raise HTTPException(
            status_code=422,
            detail=f"The document is not signed by the {agency} certificate: {check.reason}.",
        )
    document_id = await run_in_threadpool(
        lambda: store_document(
            engine,
            cipher,
            declaration_id,
            body,
            kind=kind,
            issuer=agency,
            procedure=PROCEDURE_OF_KIND[kind].value,
        )
    )
    await access.audit("store_document", declaration_id, f"{kind} {document_id}")
    return DocumentListing.model_validate(
        {
            "document_id": document_id,
            "kind": kind,
            "issuer": agency,
            "procedure": PROCEDURE_OF_KIND[kind].value,
            "url": document_url(declaration_id, document_id),
        }
    )


@router.get(
    "/v1/declarations/{declaration_id}/documents/{document_id}",
    response_class=Response,
    responses={200: {"content": {PDF: {}}}, **_NOT_FOUND},
)
async def get_declaration_document(
    declaration_id: str,
    document_id: str,
    engine: EngineDep,
    cipher: CipherDep,
    access: AccessDep,
) -> Response:
    await _readable(access, engine, declaration_id)
    issuers = access.visible_issuers()
    if issuers is not None:
        listed = await run_in_threadpool(list_documents, engine, declaration_id)
        if not any(d.document_id == document_id and d.issuer in issuers for d in listed):
            raise HTTPException(status_code=404, detail="No such document on this declaration.")
    content = await run_in_threadpool(read_document, engine, cipher, declaration_id, document_id)
    if content is None:
        raise HTTPException(status_code=404, detail="No such document on this declaration.")
    await access.audit("read_document", declaration_id)
    return Response(
        content,
        media_type=PDF,
        headers={"Content-Disposition": f'attachment; filename="{document_id}.pdf"'},
    )


@router.post(
    "/v1/documents/verify",
    response_model=DocumentCheck,
    responses={
        408: {"description": "The body did not arrive in full in time."},
        415: {"description": "The body is not a PDF."},
        429: {"description": "This client already has as many documents checked as it may."},
        503: {"description": "Too many documents are being checked; send it again later."},
    },
)
async def verify_document(
    request: Request, settings: SettingsDep, checks: DocumentChecksDep
) -> DocumentCheck:
    """Whether an agency signed this document and it is unchanged since. No credential needed.
    A file that is not a signed PDF, or one too costly to check, is `"valid": false` with the
    reason."""
    _require_pdf(request)
    body = await request.body()
    check = await checks.verify(body, settings.document_certificates)
    return DocumentCheck(
        valid=check.valid,
        issuer=check.issuer,
        document_id=check.document_id if check.valid else None,
        reason=check.reason,
    )
