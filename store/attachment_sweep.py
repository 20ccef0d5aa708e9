"""Deleting attachments no one needs any more: those no declaration references (their submission
was refused, or their workflow never started), and, when a retention is set, those of
declarations closed that long ago. A declaration's record, status and audit trail stay."""

from __future__ import annotations

import asyncio
import contextlib
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING

from sqlalchemy.engine import Engine
from sqlalchemy.exc import SQLAlchemyError
from sqlmodel import col, delete, exists, select

from observability.logging import get_logger
from schemas.status import DeclarationState
from store.database import session_scope
from store.models import AttachmentBlob, AttachmentUse, AuditEntry, DeclarationRecord

if TYPE_CHECKING:
    from settings import Settings

log = get_logger(__name__)

# Decided declarations. A failed one waits for an operator, who may still need its documents.
RETAINED_UNTIL_EXPIRY = frozenset(
    {
        DeclarationState.COMPLETED,
        DeclarationState.PARTIALLY_COMPLETED,
        DeclarationState.REJECTED,
        DeclarationState.WITHDRAWN,
    }
)
RETENTION_ACTOR = "system:attachment-retention"
_BATCH = 500


@dataclass(frozen=True)
class SweepPolicy:
    orphan_grace: timedelta
    retention: timedelta | None = None

    @classmethod
    def of(cls, settings: Settings) -> SweepPolicy:
        days = settings.attachment_retention_days
        return cls(
            orphan_grace=timedelta(seconds=settings.attachment_orphan_grace_seconds),
            retention=None if days is None else timedelta(days=days),
        )


@dataclass(frozen=True)
class SweepOutcome:
    expired_declarations: list[str]
    deleted_attachments: int


def release_expired(engine: Engine, closed_before: datetime) -> list[str]:
    """Drop the attachment references of declarations closed before the time, noting it in each
    one's audit trail; return their IDs."""
    with session_scope(engine) as session:
        expired = list(
            session.exec(
                select(DeclarationRecord.declaration_id)
                .where(
                    col(DeclarationRecord.status).in_([s.value for s in RETAINED_UNTIL_EXPIRY]),
                    col(DeclarationRecord.closed_at) < closed_before,
                    exists().where(
                        col(AttachmentUse.declaration_id) == DeclarationRecord.declaration_id
                    ),
                )
                .order_by(col(DeclarationRecord.declaration_id))
                # A bounded batch per sweep: a first sweep after years is spread over several.
                .limit(_BATCH)
            )
        )
        released = []
        now = datetime.now(UTC)
        for declaration_id in expired:
            # Whoever deletes the references notes it: a sweep racing this one finds none left
            # and notes nothing.
            deleted = session.exec(
                delete(AttachmentUse).where(col(AttachmentUse.declaration_id) == declaration_id)
            )
            if not deleted.rowcount:
                continue
            released.append(declaration_id)
            session.add(
                AuditEntry(
                    at=now,
                    actor=RETENTION_ACTOR,
                    action="attachments_deleted",
                    declaration_id=declaration_id,
                    detail=f"{deleted.rowcount} attachment(s) past retention",
                )
            )
        session.commit()
        return released


def delete_unreferenced(engine: Engine, stored_before: datetime) -> int:
    """Delete the attachments no declaration references, last stored before the time.

    One statement decides and deletes, so a declaration that records its reference, or an upload
    that renews a copy's time, meanwhile keeps it."""
    with session_scope(engine) as session:
        deleted = session.exec(
            delete(AttachmentBlob).where(
                col(AttachmentBlob.stored_at) < stored_before,
                ~exists().where(col(AttachmentUse.sha256) == AttachmentBlob.sha256),
            )
        )
        session.commit()
        return int(deleted.rowcount or 0)


def sweep_attachments(
    engine: Engine, policy: SweepPolicy, now: datetime | None = None
) -> SweepOutcome:
    now = now or datetime.now(UTC)
    expired = [] if policy.retention is None else release_expired(engine, now - policy.retention)
    return SweepOutcome(expired, delete_unreferenced(engine, now - policy.orphan_grace))


async def watch_attachments(
    engine: Engine, policy: SweepPolicy, stop: asyncio.Event, interval: float
) -> None:
    """Sweep now and then until stopped. Several workers may sweep at once: each deletion is
    decided by the database, so they only repeat each other's work."""
    while not stop.is_set():
        try:
            outcome = await asyncio.to_thread(sweep_attachments, engine, policy)
            if outcome.deleted_attachments or outcome.expired_declarations:
                log.info(
                    "attachments_swept",
                    deleted=outcome.deleted_attachments,
                    expired_declarations=len(outcome.expired_declarations),
                )
        except SQLAlchemyError as error:
            log.warning("attachment_sweep_failed", error=type(error).__name__)
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(stop.wait(), timeout=interval)
