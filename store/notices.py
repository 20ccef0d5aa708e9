"""The notifications sent to declarants: the ledger that makes a retried send a no-op."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError
from sqlmodel import col, select

from schemas.notifications import Notice
from store.database import session_scope
from store.models import SentNotice


def sent_reference(engine: Engine, idempotency_key: str) -> str | None:
    """The provider's reference of the notice, when it was sent already."""
    with session_scope(engine) as session:
        sent = session.get(SentNotice, idempotency_key)
        return sent.provider_ref if sent is not None else None


def record_sent(engine: Engine, notice: Notice, provider_ref: str) -> None:
    with session_scope(engine) as session:
        session.add(
            SentNotice(
                idempotency_key=notice.idempotency_key,
                declaration_id=notice.declaration_id,
                channel=notice.channel,
                milestone=notice.milestone.key[:120],
                provider_ref=provider_ref,
                sent_at=datetime.now(UTC),
            )
        )
        try:
            session.commit()
        except IntegrityError:
            # Another attempt recorded it first: the provider deduplicated the send.
            session.rollback()


def sent_notices(engine: Engine, declaration_id: str) -> list[SentNotice]:
    with session_scope(engine) as session:
        statement = (
            select(SentNotice)
            .where(SentNotice.declaration_id == declaration_id)
            .order_by(col(SentNotice.sent_at))
        )
        return list(session.exec(statement))
