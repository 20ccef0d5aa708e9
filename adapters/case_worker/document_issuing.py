"""The agency's activity that issues an approved record's signed electronic result: printed
and signed with the agency's own key, in the agency's own worker, then placed on the
declaration at the portal. Only the document's name goes back into the case's history."""

from __future__ import annotations

import asyncio
import functools

from temporalio import activity
from temporalio.exceptions import ApplicationError

from adapters.case_worker.document_metrics import DocumentMetrics
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
        self,
        signer: DocumentSigner,
        portal: PortalDocumentsClient,
        printed: Printer,
        metrics: DocumentMetrics,
    ) -> None:
        self.signer = signer
        self.portal = portal
        self.printed = printed
        self.metrics = metrics

    @activity.defn(name=ISSUE_DOCUMENT)
    async def issue_document(self, issue: DocumentIssue) -> IssuedDocumentRef:
        bind_activity_context(issue.declaration_id)
        kind = DOCUMENT_KINDS[issue.procedure]
        printing = functools.partial(
            issue_result,
            self.signer,
            issue.declaration_id,
            issue.case_number,
            issue.result,
            issue.issued_at,
            self.printed,
        )
        # pyHanko signs in an event loop of its own: off the worker's.
        pdf = await asyncio.to_thread(self.metrics.timed, kind, printing)
        try:
            stored = await self.portal.store(issue.declaration_id, kind, pdf)
        except PortalUnavailable as outage:
            raise ApplicationError(str(outage), type="PortalUnavailable") from None
        except DocumentRefused as refusal:
            raise ApplicationError(
                str(refusal), type=DOCUMENT_REFUSED, non_retryable=True
            ) from None
        log.info("document_issued", kind=stored.kind, document_id=stored.document_id)
        return stored
