"""What the stack itself recorded over a phase: the signed documents the portal stored, the
SMS the gateway accepted (and the segments it counted for each), and when each declaration's
outcome reached the status the portal serves.

All three are read once the phase is over, from the stores that recorded them, rather than
sampled while it runs: the benchmark adds no load to the stack it measures. The portal's store
(`issued_documents`, `declarations`) and the gateway's outbox (`sms_outbox`) keep their times in
UTC, to the microsecond."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import create_engine
from sqlmodel import Session, select

from sandbox.sms_gateway.outbox import OutboxMessage
from store.database import engine_for, session_scope
from store.models import DeclarationRecord, IssuedDocument


@dataclass(frozen=True)
class Window:
    """From the phase's first reading of the processes' CPU to its last."""

    start: datetime
    end: datetime

    def holds(self, moment: datetime) -> bool:
        return self.start <= _utc(moment) <= self.end


@dataclass(frozen=True)
class Recorded:
    documents_stored: int
    sms_messages: int
    sms_segments: int
    # When each workflow's declaration reached a final status, in seconds since the epoch.
    outcome_times: dict[str, float]


def _utc(moment: datetime) -> datetime:
    # The stores write naive UTC times.
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


def documents_stored(database_url: str, window: Window) -> int:
    """The signed documents the portal stored over the window, counted in its store."""
    with session_scope(engine_for(database_url)) as session:
        stored = session.exec(select(IssuedDocument.issued_at)).all()
    return sum(window.holds(moment) for moment in stored)


def sms_sent(outbox: Path, window: Window) -> tuple[int, int]:
    """The messages the SMS gateway accepted over the window, and their segments."""
    engine = create_engine(f"sqlite:///{outbox}")
    try:
        with Session(engine) as session:
            rows = session.exec(
                select(OutboxMessage.date_created, OutboxMessage.num_segments)
            ).all()
    finally:
        engine.dispose()
    sent = [segments for moment, segments in rows if window.holds(moment)]
    return len(sent), sum(sent)


def outcome_times(database_url: str, workflow_ids: Iterable[str]) -> dict[str, float]:
    """When each declaration's status became final: the store's `closed_at`, written in the
    same transaction as the status the portal serves, so the first moment a reader of
    `GET /v1/declarations/{id}` could see the outcome."""
    wanted = set(workflow_ids)
    with session_scope(engine_for(database_url)) as session:
        rows = session.exec(
            select(DeclarationRecord.workflow_id, DeclarationRecord.closed_at)
        ).all()
    return {
        workflow_id: _utc(at).timestamp()
        for workflow_id, at in rows
        if workflow_id in wanted and at is not None
    }


def recorded(
    database_url: str, outbox: Path, window: Window, workflow_ids: Iterable[str]
) -> Recorded:
    messages, segments = sms_sent(outbox, window)
    return Recorded(
        documents_stored=documents_stored(database_url, window),
        sms_messages=messages,
        sms_segments=segments,
        outcome_times=outcome_times(database_url, workflow_ids),
    )
