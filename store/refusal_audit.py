"""Refusals a declaration's workflow makes where it cannot write: an update refused in its
validator, a signal dropped. Validators are read-only and leave nothing in the history, so the
workflow says so in its log (`audit_refusal`), and the orchestrator's worker writes each such
record to the audit trail. Temporal's workflow logger is silent while a history replays, so a
refusal is audited once, when it happens."""

from __future__ import annotations

import logging
from typing import Any

from sqlalchemy.engine import Engine

from store.audit import record_audit

WORKFLOW_LOGGER = "temporalio.workflow"
# How the audit trail names whoever sent what the workflow refused: the portal API's attestation
# is what names a person, and a refused request has none that holds.
UNATTESTED = "temporal:unattested"


class RefusalAudit(logging.Handler):
    """Writes the refusals logged by the workflows of one task queue to the audit trail."""

    def __init__(self, engine: Engine, task_queue: str) -> None:
        super().__init__(level=logging.WARNING)
        self.engine = engine
        self.task_queue = task_queue

    def emit(self, record: logging.LogRecord) -> None:
        refusal: Any = getattr(record, "audit_refusal", None)
        context: Any = getattr(record, "temporal_workflow", None)
        if not isinstance(refusal, dict) or not isinstance(context, dict):
            return
        if context.get("task_queue") != self.task_queue:
            return  # another worker's, in the same process (tests, `worker.py all`)
        try:
            record_audit(
                self.engine,
                UNATTESTED,
                str(refusal.get("action", "refused")),
                refusal.get("declaration_id"),
                outcome="denied",
                detail=str(refusal.get("detail", "")),
            )
        except Exception:  # noqa: BLE001 - a lost audit entry must not fail the workflow's task
            self.handleError(record)

    def attach(self) -> RefusalAudit:
        logging.getLogger(WORKFLOW_LOGGER).addHandler(self)
        return self

    def detach(self) -> None:
        logging.getLogger(WORKFLOW_LOGGER).removeHandler(self)
