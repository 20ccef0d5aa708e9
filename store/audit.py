"""The audit trail."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy.engine import Engine
from sqlmodel import col, select

from store.database import session_scope
from store.models import (
    ACTION_LENGTH,
    ACTOR_LENGTH,
    DECLARATION_ID_LENGTH,
    OUTCOME_LENGTH,
    AuditEntry,
)


def _storable(value: str, max_length: int | None = None) -> str:
    """The value as far as a column can hold it: a refused request's audit entry records the
    declaration ID it asked for, which may be any text, and PostgreSQL refuses NUL characters and
    anything longer than the column."""
    value = value.replace("\x00", "\ufffd")
    return value if max_length is None else value[:max_length]


def record_audit(
    engine: Engine,
    actor: str,
    action: str,
    declaration_id: str | None,
    *,
    outcome: str = "allowed",
    detail: str | None = None,
) -> None:
    with session_scope(engine) as session:
        session.add(
            AuditEntry(
                at=datetime.now(UTC),
                actor=_storable(actor, ACTOR_LENGTH),
                action=_storable(action, ACTION_LENGTH),
                declaration_id=None
                if declaration_id is None
                else _storable(declaration_id, DECLARATION_ID_LENGTH),
                outcome=_storable(outcome, OUTCOME_LENGTH),
                detail=None if detail is None else _storable(detail),
            )
        )
        session.commit()


def audit_trail(engine: Engine, declaration_id: str) -> list[AuditEntry]:
    with session_scope(engine) as session:
        statement = (
            select(AuditEntry)
            .where(AuditEntry.declaration_id == declaration_id)
            .order_by(col(AuditEntry.at), col(AuditEntry.id))
        )
        return list(session.exec(statement))
