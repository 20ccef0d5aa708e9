"""A declaration's status as the store keeps it: the latest view, sealed, with its state in the
clear for queries and the time it closed."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy.engine import Engine
from sqlmodel import col, func, select

from messages import Message
from schemas.common import ProcedureGroup
from schemas.status import TERMINAL_STATES, DeclarationState, DeclarationStatusView
from store.at_rest import StoreCipher
from store.database import session_scope
from store.declared_events import give_up_if_ended
from store.models import DeclarationRecord
from store.sealing import STATUS


def seal_status(view: DeclarationStatusView, cipher: StoreCipher) -> bytes:
    return cipher.seal_text(view.model_dump_json(), STATUS, view.declaration_id)


def set_status(record: DeclarationRecord, view: DeclarationStatusView, cipher: StoreCipher) -> None:
    record.status = view.status.value
    record.status_sealed = seal_status(view, cipher)
    if view.status in TERMINAL_STATES and record.closed_at is None:
        record.closed_at = datetime.now(UTC)


def read_status(record: DeclarationRecord, cipher: StoreCipher) -> DeclarationStatusView:
    return DeclarationStatusView.model_validate_json(
        cipher.open_text(record.status_sealed, STATUS, record.declaration_id)
    )


def mark_run_ended(
    engine: Engine, cipher: StoreCipher, workflow_id: str, how: Message, reason_code: str
) -> bool:
    """Record that a declaration's workflow failed or was terminated before it closed the
    declaration itself: its status says so. False when the record is unknown or closed."""
    with session_scope(engine) as session:
        record = session.exec(
            select(DeclarationRecord).where(DeclarationRecord.workflow_id == workflow_id)
        ).first()
        if record is None:
            return False
        view = read_status(record, cipher)
        if view.status in TERMINAL_STATES:
            return False
        view.status = DeclarationState.FAILED
        view.summary = Message.of("status.run_ended", how=how)
        view.status_reason_code = reason_code
        view.updated_at = datetime.now(UTC)
        set_status(record, view, cipher)
        give_up_if_ended(session, record.declaration_id, view.status)
        record.updated_at = view.updated_at
        session.add(record)
        session.commit()
        return True


# The agencies' time limit waits while the citizen is asked for a supplement (the workflow then
# escalates nothing), so such a declaration is not overdue whatever its deadline says.
_NOT_RUNNING_LATE = frozenset({*TERMINAL_STATES, DeclarationState.AWAITING_SUPPLEMENT})


def count_overdue(engine: Engine, now: datetime) -> dict[ProcedureGroup, int]:
    """Declarations still open past their deadline at `now`, by procedure group (every group,
    none overdue included)."""
    with session_scope(engine) as session:
        rows = session.exec(
            select(DeclarationRecord.procedure, func.count())
            .where(
                col(DeclarationRecord.status).not_in([s.value for s in _NOT_RUNNING_LATE]),
                col(DeclarationRecord.deadline) < now,
            )
            .group_by(col(DeclarationRecord.procedure))
        ).all()
    counts = dict.fromkeys(ProcedureGroup, 0)
    for procedure, count in rows:
        if procedure in counts:
            counts[ProcedureGroup(procedure)] = count
    return counts
