"""Escalations of missed deadlines."""

from __future__ import annotations

from sqlalchemy.engine import Engine
from sqlmodel import select

from schemas.decisions import Escalation
from store.database import session_scope
from store.models import EscalationRecord


def record_escalation(engine: Engine, escalation: Escalation) -> None:
    """Record it once per declaration and scope, however often the activity runs."""
    with session_scope(engine) as session:
        if session.get(EscalationRecord, (escalation.declaration_id, escalation.scope)):
            return
        # Operators read escalations, in Vietnamese.
        session.add(
            EscalationRecord(
                **escalation.model_dump(exclude={"reason"}), reason=escalation.reason.text("vi")
            )
        )
        session.commit()


def list_escalations(engine: Engine, declaration_id: str) -> list[EscalationRecord]:
    with session_scope(engine) as session:
        statement = select(EscalationRecord).where(
            EscalationRecord.declaration_id == declaration_id
        )
        return list(session.exec(statement))
