"""Recording a workflow's progress reports: its status, its step events (and the audit entries
of the decisions among them), and the results of the steps approved."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy.engine import Engine
from sqlmodel import func, select

from schemas.progress import ProgressReport
from schemas.status import StepState
from store.at_rest import StoreCipher
from store.database import session_scope
from store.declaration_status import seal_status, set_status
from store.declared_events import give_up_if_ended
from store.models import AuditEntry, DeclarationRecord, StepEventRecord, StepResultRecord
from store.notice_outbox import enqueue
from store.step_records import seal_step_reason, seal_step_result


def save_progress(engine: Engine, cipher: StoreCipher, report: ProgressReport) -> None:
    """Record a workflow's progress. Safe to repeat: events and results are keyed, and an older
    snapshot never overwrites a newer one."""
    view = report.view
    with session_scope(engine) as session:
        record = session.get(DeclarationRecord, view.declaration_id)
        if record is None:
            # The intake record is missing (it was written elsewhere or lost); the workflow's
            # report is then the declaration's only record, so rebuild it from the view.
            record = DeclarationRecord(
                declaration_id=view.declaration_id,
                procedure=view.procedure.value,
                status=view.status.value,
                status_sealed=seal_status(view, cipher),
                workflow_id=view.workflow_id or "",
                request_fingerprint="",
                received_at=view.received_at,
                workflow_started=True,
                updated_at=datetime.now(UTC),
            )
            set_status(record, view, cipher)
        # A workflow reports its events in order, so those up to the newest recorded one were
        # recorded already (by an earlier attempt of this same report).
        newest_known = (
            session.exec(
                select(func.max(StepEventRecord.sequence)).where(
                    StepEventRecord.declaration_id == view.declaration_id
                )
            ).one()
            or 0
        )
        new_events = [e for e in report.events if e.sequence > newest_known]
        if new_events or not report.events:
            set_status(record, view, cipher)
            give_up_if_ended(session, view.declaration_id, view.status)
            record.deadline = view.deadline
            record.workflow_started = True
            record.updated_at = datetime.now(UTC)
        session.add(record)
        for event in new_events:
            if event.actor is not None:
                session.add(
                    AuditEntry(
                        at=event.occurred_at,
                        actor=event.actor,
                        # An agency's decision on a step, or what the declarant asked for.
                        action="agency_decision" if event.agency else event.status,
                        declaration_id=view.declaration_id,
                        detail=f"{event.procedure}: {event.status} (case {event.case_number})",
                    )
                )
            session.add(
                StepEventRecord(
                    declaration_id=view.declaration_id,
                    sequence=event.sequence,
                    agency=event.agency,
                    procedure=event.procedure,
                    status=event.status,
                    reason_sealed=None
                    if event.reason is None
                    else seal_step_reason(
                        cipher,
                        view.declaration_id,
                        event.sequence,
                        # The product's words are kept language-free, as code and parameters.
                        event.reason
                        if isinstance(event.reason, str)
                        else event.reason.model_dump_json(),
                    ),
                    case_number=event.case_number,
                    occurred_at=event.occurred_at,
                )
            )
        # In the report's transaction: a notice is kept exactly when the state it tells of is.
        enqueue(session, cipher, report.notices, datetime.now(UTC))
        newly_approved = {e.procedure for e in new_events if e.status == StepState.APPROVED.value}
        for step in view.steps:
            if step.procedure.value not in newly_approved or step.result is None:
                continue
            if session.get(StepResultRecord, (view.declaration_id, step.procedure.value)):
                continue
            session.add(
                StepResultRecord(
                    declaration_id=view.declaration_id,
                    procedure=step.procedure.value,
                    agency=step.agency.value,
                    result_sealed=seal_step_result(
                        cipher,
                        view.declaration_id,
                        step.procedure.value,
                        step.result.model_dump_json(),
                    ),
                    recorded_at=datetime.now(UTC),
                )
            )
        session.commit()
