"""What an agency's case says of the electronic result it issued. The signed PDF itself goes
from the agency straight to the portal's store; only its name travels through Temporal."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel

from schemas.common import DocumentKind, Procedure
from schemas.results import StepResult

# The agency's activity that issues a record's signed result
# (adapters.case_worker.document_issuing).
ISSUE_DOCUMENT = "documents.issue"


class IssuedDocumentRef(BaseModel):
    # The SHA-256 of the signed PDF, which names it in the store.
    document_id: str
    kind: DocumentKind


class DocumentIssue(BaseModel):
    """An approved record to issue as the agency's signed electronic result."""

    declaration_id: str
    procedure: Procedure
    case_number: str
    result: StepResult
    # The decision's time: the document's dates are the decision's, whenever it is printed.
    issued_at: datetime
