"""Refusals a declaration's workflow makes where it cannot write: an update refused in its
validator, a signal dropped. Validators are read-only and leave nothing in the history, so the
workflow says so in its log (`audit_refusal`), and the orchestrator's worker writes each such
record to the audit trail. Temporal's workflow logger is silent while a history replays, so a
refusal is audited once, when it happens."""

from __future__ import annotations

import logging
import queue
import threading
from typing import Any

from sqlalchemy.engine import Engine

from observability.logging import get_logger
from store.audit import record_audit

WORKFLOW_LOGGER = "temporalio.workflow"
# How the audit trail names whoever sent what the workflow refused: the portal API's attestation
# is what names a person, and a refused request has none that holds.
UNATTESTED = "temporal:unattested"

log = get_logger(__name__)


class RefusalAudit(logging.Handler):
    """Writes the refusals logged by the workflows of one task queue to the audit trail, from a
    thread of its own: the log call runs in the workflow's task, which must never wait on the
    store (a task that blocks two seconds is taken for a deadlock and failed)."""

    def __init__(self, engine: Engine, task_queue: str) -> None:
        super().__init__(level=logging.WARNING)
        self.engine = engine
        self.task_queue = task_queue
        self._entries: queue.SimpleQueue[dict[str, Any] | None] = queue.SimpleQueue()
        self._writer = threading.Thread(target=self._write_all, daemon=True)

    def emit(self, record: logging.LogRecord) -> None:
        refusal: Any = getattr(record, "audit_refusal", None)
        context: Any = getattr(record, "temporal_workflow", None)
        if not isinstance(refusal, dict) or not isinstance(context, dict):
            return
        if context.get("task_queue") != self.task_queue:
            return  # another worker's, in the same process (tests, `worker.py all`)
        self._entries.put(dict(refusal))

    def _write_all(self) -> None:
        while (refusal := self._entries.get()) is not None:
            try:
                record_audit(
                    self.engine,
                    UNATTESTED,
                    str(refusal.get("action", "refused")),
                    refusal.get("declaration_id"),
                    outcome="denied",
                    detail=str(refusal.get("detail", "")),
                )
            except Exception:
                log.exception("refusal_not_audited")

    def attach(self) -> RefusalAudit:
        self._writer.start()
        logging.getLogger(WORKFLOW_LOGGER).addHandler(self)
        return self

    def detach(self) -> None:
        logging.getLogger(WORKFLOW_LOGGER).removeHandler(self)
        self._entries.put(None)
        self._writer.join(timeout=10)
