"""The gateway's outbox: every message it accepted, in a SQLite file of its own, which a restart
keeps. An idempotency key is unique per account in the database itself, so two sends racing
with one key store one message, whichever process or thread they arrive on."""

from __future__ import annotations

import hashlib
import json
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import UniqueConstraint, event
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError
from sqlmodel import Field, Session, SQLModel, col, create_engine, select

from sandbox.sms_gateway.segments import count_segments


class OutboxMessage(SQLModel, table=True):
    __tablename__ = "sms_outbox"
    __table_args__ = (UniqueConstraint("account_sid", "idempotency_key"),)

    # The order messages were accepted in; the outbox lists them oldest first.
    id: int | None = Field(default=None, primary_key=True)
    sid: str = Field(max_length=34, unique=True)
    account_sid: str = Field(max_length=34, index=True)
    # SQLite holds any number of NULLs in a unique column: sends without a key never collide.
    idempotency_key: str | None = Field(default=None, max_length=255)
    request_fingerprint: str = Field(max_length=64)
    to: str = Field(max_length=16, index=True)
    sender: str = Field(max_length=11)
    body: str
    num_segments: int
    date_created: datetime


@dataclass(frozen=True)
class Submission:
    """One send, as the API received and validated it."""

    account_sid: str
    to: str
    sender: str
    body: str
    idempotency_key: str | None = None

    @property
    def fingerprint(self) -> str:
        fields = json.dumps([self.to, self.sender, self.body])
        return hashlib.sha256(fields.encode()).hexdigest()


class IdempotencyConflict(Exception):
    """The key was used before, on this account, for a different message."""


def _tune_sqlite(dbapi_connection: Any, _: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    # Racing sends wait for each other's write rather than fail with "database is locked".
    cursor.execute("PRAGMA busy_timeout=10000")
    cursor.close()


class Outbox:
    def __init__(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self._engine: Engine = create_engine(
            f"sqlite:///{path}", connect_args={"check_same_thread": False}
        )
        event.listen(self._engine, "connect", _tune_sqlite)
        SQLModel.metadata.create_all(self._engine, tables=[OutboxMessage.__table__])  # type: ignore[attr-defined]

    def accept(self, submission: Submission) -> tuple[OutboxMessage, bool]:
        """Store the message, or find the one stored under the same key: the message, and
        whether it is new. Raises IdempotencyConflict if the key named another message."""
        if submission.idempotency_key is not None:
            earlier = self._under_key(submission)
            if earlier is not None:
                return earlier, False
        message = OutboxMessage(
            sid="SM" + secrets.token_hex(16),
            account_sid=submission.account_sid,
            idempotency_key=submission.idempotency_key,
            request_fingerprint=submission.fingerprint,
            to=submission.to,
            sender=submission.sender,
            body=submission.body,
            num_segments=count_segments(submission.body),
            date_created=datetime.now(UTC),
        )
        try:
            with Session(self._engine, expire_on_commit=False) as session:
                session.add(message)
                session.commit()
        except IntegrityError:
            # Another send with the same key committed between the look-up and this insert.
            earlier = self._under_key(submission)
            if earlier is None:
                raise
            return earlier, False
        return message, True

    def _under_key(self, submission: Submission) -> OutboxMessage | None:
        with Session(self._engine, expire_on_commit=False) as session:
            earlier = session.exec(
                select(OutboxMessage).where(
                    OutboxMessage.account_sid == submission.account_sid,
                    OutboxMessage.idempotency_key == submission.idempotency_key,
                )
            ).first()
        if earlier is not None and earlier.request_fingerprint != submission.fingerprint:
            raise IdempotencyConflict
        return earlier

    def messages(self, account_sid: str, to: str | None = None) -> list[OutboxMessage]:
        """An account's messages, oldest first, to one number or to all."""
        query = select(OutboxMessage).where(OutboxMessage.account_sid == account_sid)
        if to is not None:
            query = query.where(OutboxMessage.to == to)
        with Session(self._engine, expire_on_commit=False) as session:
            return list(session.exec(query.order_by(col(OutboxMessage.id))).all())

    def message(self, account_sid: str, sid: str) -> OutboxMessage | None:
        with Session(self._engine, expire_on_commit=False) as session:
            return session.exec(
                select(OutboxMessage).where(
                    OutboxMessage.account_sid == account_sid, OutboxMessage.sid == sid
                )
            ).first()
