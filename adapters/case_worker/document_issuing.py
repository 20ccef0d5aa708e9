"""The agency's activity that issues an approved record's signed electronic result: printed
and signed with the agency's own key, in the agency's own worker, then placed on the
declaration at the portal. Only the document's name goes back into the case's history."""

from __future__ import annotations

import asyncio

from temporalio import activity
from temporalio.exceptions import ApplicationError

from adapters.case_worker.portal_documents import (
    DocumentRefused,
    PortalDocumentsClient,
    PortalUnavailable,
)
from adapters.case_worker.printing import Printer
from adapters.case_worker.result_documents import issue_result
from agency_contracts.documents import ISSUE_DOCUMENT, DocumentIssue, IssuedDocumentRef
from agency_contracts.procedures import DOCUMENT_KINDS
from observability.activity_context import bind_activity_context
from observability.logging import get_logger
from security.signed_pdfs import DocumentSigner

DOCUMENT_REFUSED = "DocumentRefused"

log = get_logger(__name__)


class DocumentIssuing:
    def __init__(
        self, signer: DocumentSigner, portal: PortalDocumentsClient, printed: Printer
    ) -> None:
        self.signer = signer
        self.portal = portal
        self.printed = printed

    @activity.defn(name=ISSUE_DOCUMENT)
    async def issue_document(self, issue: DocumentIssue) -> IssuedDocumentRef:
        bind_activity_context(issue.declaration_id)
        # pyHanko signs in an event loop of its own: off the worker's.
        pdf = await asyncio.to_thread(
            issue_result,
            self.signer,
            issue.declaration_id,
            issue.case_number,
            issue.result,
            issue.issued_at,
            self.printed,
        )
        try:
            stored = await self.portal.store(
                issue.declaration_id, DOCUMENT_KINDS[issue.procedure], pdf
            )
        except PortalUnavailable as outage:
            raise ApplicationError(str(outage), type="PortalUnavailable") from None
        except DocumentRefused as refusal:
            raise ApplicationError(
                str(refusal), type=DOCUMENT_REFUSED, non_retryable=True
            ) from None
        log.info("document_issued", kind=stored.kind, document_id=stored.document_id)
        return stored
