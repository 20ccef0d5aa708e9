"""Reading and writing declarations, their step events and their results."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, delete, func, select

from schemas.progress import ProgressReport
from schemas.status import TERMINAL_STATES, DeclarationState, DeclarationStatusView, StepState
from store.database import session_scope
from store.models import (
    DECLARATION_ID_LENGTH,
    AttachmentUse,
    AuditEntry,
    DeclarationRecord,
    StepEventRecord,
    StepResultRecord,
)
from store.sealing import STATUS, STEP_REASON, STEP_RESULT, store_cipher


class IdempotencyConflict(Exception):
    """The idempotency key was used before with a different declaration."""


@dataclass(frozen=True)
class NewDeclaration:
    declaration_id: str
    procedure: str
    workflow_id: str
    client_id: str
    declarant_ref: str
    idempotency_key: str | None
    request_fingerprint: str
    received_at: datetime
    province_code: str | None
    commune_code: str | None
    initial_view: DeclarationStatusView
    # The attachments it was filed with, by hash.
    attachment_hashes: tuple[str, ...] = ()


def _now() -> datetime:
    return datetime.now(UTC)


def _sealed_status(view: DeclarationStatusView) -> bytes:
    return store_cipher().seal_text(view.model_dump_json(), STATUS, view.declaration_id)


def _set_status(record: DeclarationRecord, view: DeclarationStatusView) -> None:
    record.status = view.status.value
    record.status_sealed = _sealed_status(view)
    if view.status in TERMINAL_STATES and record.closed_at is None:
        record.closed_at = _now()


def _step_row(declaration_id: str, part: str | int) -> str:
    return f"{declaration_id}\x00{part}"


def read_status(record: DeclarationRecord) -> DeclarationStatusView:
    return DeclarationStatusView.model_validate_json(
        store_cipher().open_text(record.status_sealed, STATUS, record.declaration_id)
    )


def read_step_result(record: StepResultRecord) -> str:
    """The step's result as JSON."""
    row = _step_row(record.declaration_id, record.procedure)
    return store_cipher().open_text(record.result_sealed, STEP_RESULT, row)


def read_step_reason(record: StepEventRecord) -> str | None:
    if record.reason_sealed is None:
        return None
    row = _step_row(record.declaration_id, record.sequence)
    return store_cipher().open_text(record.reason_sealed, STEP_REASON, row)


def find_by_idempotency_key(
    session: Session, client_id: str, idempotency_key: str
) -> DeclarationRecord | None:
    statement = select(DeclarationRecord).where(
        DeclarationRecord.client_id == client_id,
        DeclarationRecord.idempotency_key == idempotency_key,
    )
    return session.exec(statement).first()


def create_or_get_declaration(
    engine: Engine, new: NewDeclaration
) -> tuple[DeclarationRecord, bool]:
    """Insert the declaration, or return the one already filed under the same idempotency key.

    Returns the record and whether it was created now. Raises `IdempotencyConflict` when the key
    was used for a different body.
    """
    record = DeclarationRecord(
        declaration_id=new.declaration_id,
        procedure=new.procedure,
        status=new.initial_view.status.value,
        status_sealed=_sealed_status(new.initial_view),
        workflow_id=new.workflow_id,
        client_id=new.client_id,
        declarant_ref=new.declarant_ref,
        idempotency_key=new.idempotency_key,
        request_fingerprint=new.request_fingerprint,
        received_at=new.received_at,
        deadline=new.initial_view.deadline,
        province_code=new.province_code,
        commune_code=new.commune_code,
        updated_at=_now(),
    )
    uses = [
        AttachmentUse(declaration_id=new.declaration_id, sha256=h) for h in new.attachment_hashes
    ]
    with session_scope(engine) as session:
        if new.idempotency_key is not None:
            existing = find_by_idempotency_key(session, new.client_id, new.idempotency_key)
            if existing is not None:
                return _same_request_or_conflict(existing, new), False
        session.add(record)
        # In the same transaction as the record: an attachment is never referenced by a
        # declaration that was not recorded, nor a recorded one left without its references.
        session.add_all(uses)
        try:
            session.commit()
        except IntegrityError:
            # Two requests with the same key raced; the other one won.
            session.rollback()
            assert new.idempotency_key is not None
            existing = find_by_idempotency_key(session, new.client_id, new.idempotency_key)
            if existing is None:
                raise
            return _same_request_or_conflict(existing, new), False
        return record, True


def _same_request_or_conflict(
    existing: DeclarationRecord, new: NewDeclaration
) -> DeclarationRecord:
    if (
        existing.request_fingerprint != new.request_fingerprint
        or existing.procedure != new.procedure
    ):
        raise IdempotencyConflict(new.idempotency_key)
    return existing


def mark_workflow_started(engine: Engine, declaration_id: str) -> None:
    with session_scope(engine) as session:
        record = session.get(DeclarationRecord, declaration_id)
        if record is not None and not record.workflow_started:
            record.workflow_started = True
            session.add(record)
            session.commit()


def delete_unstarted_declaration(engine: Engine, declaration_id: str) -> None:
    """Undo an intake whose workflow could not be started, so no phantom declaration remains."""
    with session_scope(engine) as session:
        record = session.get(DeclarationRecord, declaration_id)
        if record is not None and not record.workflow_started:
            session.delete(record)
            # Its attachments, if nothing else references them, are left to the sweep: another
            # submission may have stored the same content a moment ago.
            session.exec(
                delete(AttachmentUse).where(col(AttachmentUse.declaration_id) == declaration_id)
            )
            session.commit()


def get_declaration(engine: Engine, declaration_id: str) -> DeclarationRecord | None:
    if "\x00" in declaration_id or len(declaration_id) > DECLARATION_ID_LENGTH:
        # No declaration has such an ID (a request's path may hold any text), and PostgreSQL
        # would refuse to compare it.
        return None
    with session_scope(engine) as session:
        return session.get(DeclarationRecord, declaration_id)


def save_progress(engine: Engine, report: ProgressReport) -> None:
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
                status_sealed=_sealed_status(view),
                workflow_id=view.workflow_id or "",
                request_fingerprint="",
                received_at=view.received_at,
                workflow_started=True,
                updated_at=_now(),
            )
            _set_status(record, view)
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
            _set_status(record, view)
            record.deadline = view.deadline
            record.workflow_started = True
            record.updated_at = _now()
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
                    else store_cipher().seal_text(
                        event.reason, STEP_REASON, _step_row(view.declaration_id, event.sequence)
                    ),
                    case_number=event.case_number,
                    occurred_at=event.occurred_at,
                )
            )
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
                    result_sealed=store_cipher().seal_text(
                        step.result.model_dump_json(),
                        STEP_RESULT,
                        _step_row(view.declaration_id, step.procedure.value),
                    ),
                    recorded_at=_now(),
                )
            )
        session.commit()


def list_step_events(engine: Engine, declaration_id: str) -> list[StepEventRecord]:
    with session_scope(engine) as session:
        statement = (
            select(StepEventRecord)
            .where(StepEventRecord.declaration_id == declaration_id)
            .order_by(col(StepEventRecord.sequence))
        )
        return list(session.exec(statement))


def list_step_results(engine: Engine, declaration_id: str) -> list[StepResultRecord]:
    with session_scope(engine) as session:
        statement = select(StepResultRecord).where(
            StepResultRecord.declaration_id == declaration_id
        )
        return list(session.exec(statement))


def mark_run_ended(engine: Engine, workflow_id: str, how: str) -> bool:
    """Record that a declaration's workflow failed or was terminated before it closed the
    declaration itself: its status says so. False when the record is unknown or closed."""
    with session_scope(engine) as session:
        record = session.exec(
            select(DeclarationRecord).where(DeclarationRecord.workflow_id == workflow_id)
        ).first()
        if record is None:
            return False
        view = read_status(record)
        if view.status in TERMINAL_STATES:
            return False
        view.status = DeclarationState.FAILED
        view.summary = (
            f"Processing stopped: the declaration's workflow {how}. Operators have been "
            "alerted; nothing more happens until they act."
        )
        view.updated_at = _now()
        _set_status(record, view)
        record.updated_at = view.updated_at
        session.add(record)
        session.commit()
        return True
