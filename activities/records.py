"""The orchestrator's record keeping: progress reports, escalations, and the attachment check."""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy.engine import Engine
from temporalio import activity

from observability.activity_context import bind_activity_context
from schemas.decisions import AttachmentCheck, Escalation
from schemas.progress import ProgressReport
from store.at_rest import StoreCipher
from store.attachments import find_tampered, record_attachment_uses
from store.escalations import record_escalation
from store.progress import save_progress


class RecordActivities:
    def __init__(
        self,
        engine: Engine,
        cipher: StoreCipher,
        on_notices: Callable[[], None] | None = None,
    ) -> None:
        self.engine = engine
        self.cipher = cipher
        # Told when a report kept notices for the declarant: the sender looks at once.
        self.on_notices = on_notices

    @activity.defn(name="records.save_progress")
    def save_progress(self, report: ProgressReport) -> None:
        bind_activity_context(report.view.declaration_id)
        save_progress(self.engine, self.cipher, report)
        if report.notices and self.on_notices is not None:
            self.on_notices()

    @activity.defn(name="records.record_escalation")
    def record_escalation(self, escalation: Escalation) -> None:
        bind_activity_context(escalation.declaration_id)
        record_escalation(self.engine, escalation)

    @activity.defn(name="records.verify_attachments")
    def verify_attachments(self, check: AttachmentCheck) -> list[str]:
        """The hashes whose stored content no longer matches (or is gone)."""
        bind_activity_context(check.declaration_id)
        # A supplement's uploads reach the store before the workflow has them, and a workflow
        # may be started without the portal's intake: the check is where every attachment a
        # workflow holds becomes referenced, so the sweep keeps it.
        record_attachment_uses(self.engine, check.declaration_id, check.sha256)
        return find_tampered(self.engine, self.cipher, check.sha256)
