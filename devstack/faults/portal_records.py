"""What the stack recorded of the declarations besides their status: the declarations the portal's
store holds, the signed documents it keeps (`issued_documents`), the notices to the declarants
(`notice_outbox`), and the messages the SMS gateway accepted (its `sms_outbox`).

Read with the product's and the gateway's own models, so the suite reads what they write. The
rows carry declaration IDs, document kinds and message keys only: nothing personal."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import create_engine
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from sandbox.sms_gateway.outbox import OutboxMessage
from store.database import session_scope
from store.models import DeclarationRecord, IssuedDocument, NoticeOutboxRecord


@dataclass(frozen=True)
class StoredDocument:
    declaration_id: str
    kind: str
    document_id: str


@dataclass(frozen=True)
class NoticeRow:
    declaration_id: str
    channel: str
    state: str
    # The message it went in, once the sender took it.
    message_key: str | None


@dataclass(frozen=True)
class GatewayMessage:
    sid: str
    idempotency_key: str | None


def store_declarations(engine: Engine) -> list[str]:
    with session_scope(engine) as session:
        return list(session.exec(select(DeclarationRecord.declaration_id)).all())


def stored_documents(engine: Engine) -> list[StoredDocument]:
    with session_scope(engine) as session:
        rows = session.exec(
            select(IssuedDocument.declaration_id, IssuedDocument.kind, IssuedDocument.document_id)
        ).all()
    return [StoredDocument(*row) for row in rows]


def notices(engine: Engine) -> list[NoticeRow]:
    with session_scope(engine) as session:
        rows = session.exec(
            select(
                NoticeOutboxRecord.declaration_id,
                NoticeOutboxRecord.channel,
                NoticeOutboxRecord.state,
                NoticeOutboxRecord.message_key,
            )
        ).all()
    return [NoticeRow(*row) for row in rows]


def gateway_messages(outbox: Path) -> list[GatewayMessage]:
    """Every message the gateway accepted (none if it never stored one)."""
    if not outbox.exists():
        return []
    engine = create_engine(f"sqlite:///{outbox}")
    try:
        with Session(engine) as session:
            rows = session.exec(select(OutboxMessage.sid, OutboxMessage.idempotency_key)).all()
    finally:
        engine.dispose()
    return [GatewayMessage(*row) for row in rows]
