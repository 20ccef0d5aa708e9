"""The audit trail."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy.engine import Engine
from sqlmodel import col, select

from store.database import session_scope
from store.models import AuditEntry


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
                actor=actor,
                action=action,
                declaration_id=declaration_id,
                outcome=outcome,
                detail=detail,
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
