"""The signed electronic result of an approved record, issued after the decision has gone back,
in the agency's own namespace: printed, signed and stored at the portal, retried while the
portal is down. The declaration learns the decision at once; the document follows it."""

from __future__ import annotations

from datetime import timedelta

from temporalio import workflow
from temporalio.common import RetryPolicy
from temporalio.exceptions import ActivityError

with workflow.unsafe.imports_passed_through():
    from agency_contracts.documents import ISSUE_DOCUMENT, DocumentIssue, IssuedDocumentRef

# The portal that stores an issued document may be down for a while: the document waits for it.
# A document the portal refuses is not sent again.
DOCUMENT_RETRY_POLICY = RetryPolicy(
    initial_interval=timedelta(seconds=1),
    backoff_coefficient=2.0,
    maximum_interval=timedelta(seconds=60),
    non_retryable_error_types=["DocumentRefused"],
)
# Printing and signing take milliseconds and storing one at the portal a few seconds at most:
# a worker that died holding the document is given up on soon, not after a minute, and the
# portal keeps one copy of a document issued twice.
ISSUE_TIMEOUT = timedelta(seconds=20)


def document_workflow_id(case_reference: str) -> str:
    """Named by the case's idempotency key: a case issues its record's document once."""
    return f"document-{case_reference}"


@workflow.defn(name="ResultDocument")
class ResultDocumentWorkflow:
    @workflow.run
    async def run(self, issue: DocumentIssue) -> IssuedDocumentRef | None:
        try:
            document: IssuedDocumentRef = await workflow.execute_activity(
                ISSUE_DOCUMENT,
                issue,
                result_type=IssuedDocumentRef,
                start_to_close_timeout=ISSUE_TIMEOUT,
                retry_policy=DOCUMENT_RETRY_POLICY,
                summary=f"issue the {issue.procedure.value} document",
            )
        except ActivityError as error:
            # Refused by the portal: the record stands without its electronic copy, and the
            # refusal is logged for the agency's operators.
            workflow.logger.error("document_not_issued", extra={"error": str(error.cause)})
            return None
        return document
