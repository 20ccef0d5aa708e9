"""What the declarant is to be told of each report a declaration makes, through the channels
they chose. The notices go into the report itself, so the store keeps them with the status they
tell of and its sender takes them from there (store.notice_outbox, notice_sending): a notice
costs the declaration's history nothing and never holds the declaration up, and the milestones
a report reaches together, with what is still pending when they are sent, go as one message.

A notice's idempotency key is the workflow, the report's place and the channel: the same
whatever replays or retries, so the store and the providers recognise a notice already kept.
"""

from __future__ import annotations

from temporalio import workflow

with workflow.unsafe.imports_passed_through():
    from agency_contracts.procedures import DOCUMENT_KINDS
    from schemas.notifications import Notice
    from schemas.status import DeclarationStatusView, StepState

from workflows.agency_steps import Declaration
from workflows.milestones import DOCUMENTS_READY, new_milestones


class DeclarantNotices:
    def __init__(self, workflow_id: str) -> None:
        self._workflow_id = workflow_id
        self._told: set[str] = set()
        self._reports = 0

    def for_report(self, view: DeclarationStatusView, declaration: Declaration) -> list[Notice]:
        """A notice for each channel, of the milestones `view` has reached since the last
        report; none when it has reached none."""
        milestones = new_milestones(view, self._told)
        if not milestones:
            return []
        self._told.update(m.key for m in milestones)
        self._reports += 1
        contact = declaration.declarant
        channels = list(contact.channels)
        documents = any(m.key == DOCUMENTS_READY for m in milestones)
        # Electronic results also go to the declarant's e-mail address, when one is given.
        attach = documents and declaration.delivery.method == "electronic" and bool(contact.email)
        if attach and "email" not in channels:
            channels.append("email")
        expected = _expected_documents(view) if documents else []
        notices = []
        for channel in channels:
            recipient = contact.phone if channel == "sms" else contact.email
            if recipient is None:
                continue
            notices.append(
                Notice(
                    idempotency_key=f"{self._workflow_id}/{self._reports}/{channel}",
                    declaration_id=view.declaration_id,
                    channel=channel,
                    recipient=recipient,
                    sequence=self._reports,
                    milestones=milestones,
                    attach_documents=attach and channel == "email",
                    expected_documents=expected,
                    holds=all(m.holds for m in milestones),
                    closes=any(m.closes for m in milestones),
                )
            )
        return notices


def _expected_documents(view: DeclarationStatusView) -> list[str]:
    """The signed result of each approved record."""
    return sorted(DOCUMENT_KINDS[s.procedure] for s in view.steps if s.status == StepState.APPROVED)
