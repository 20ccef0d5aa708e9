"""What the stack itself recorded over a phase: the signed documents the portal stored for the
phase's declarations, the SMS the gateway accepted (and the segments it counted for each), and
when each declaration's outcome reached the status the portal serves.

They are read from the stores that recorded them once the phase is over, rather than sampled
while it runs, so that the benchmark adds no load to the stack it measures. An agency issues a
record's document after its decision has gone back, so a declaration may close before its
documents are stored: once the phase's workflows have closed, the benchmark waits for the
documents to stop arriving (`documents_settled`), and counts the case workers' CPU until the
last of them. The portal's store (`issued_documents`, `declarations`) and the gateway's outbox
(`sms_outbox`) keep their times in UTC, to the microsecond."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import create_engine
from sqlmodel import Session, col, select

from devstack.bench.readings import DocumentCpu
from sandbox.sms_gateway.outbox import OutboxMessage
from store.database import engine_for, session_scope
from store.models import DeclarationRecord, IssuedDocument, NoticeOutboxRecord
from store.notice_outbox import SENT


@dataclass(frozen=True)
class Recorded:
    documents_stored: int
    # The case workers' CPU from the phase's start until its last document was stored.
    case_worker_cpu_seconds: float
    # What the case workers recorded of their documents' printing and signatures meanwhile.
    document_cpu: DocumentCpu
    sms_messages: int
    sms_segments: int
    # When each workflow's declaration reached a final status, and when the last message of
    # its outcome and results was sent, in seconds since the epoch.
    outcome_times: dict[str, float]
    notice_times: dict[str, float]


def _utc(moment: datetime) -> datetime:
    # The stores write naive UTC times.
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


def documents_stored(database_url: str, workflow_ids: Iterable[str]) -> int:
    """The signed documents the portal stored for these workflows' declarations."""
    wanted = set(workflow_ids)
    with session_scope(engine_for(database_url)) as session:
        rows = session.exec(
            select(DeclarationRecord.workflow_id).join(
                IssuedDocument,
                col(IssuedDocument.declaration_id) == col(DeclarationRecord.declaration_id),
            )
        ).all()
    return sum(workflow_id in wanted for workflow_id in rows)


@dataclass(frozen=True)
class Settled:
    documents: int
    # The reading of the case workers' CPU when the last of the documents was stored.
    case_worker_cpu: float


async def documents_settled(
    database_url: str,
    workflow_ids: Iterable[str],
    case_worker_cpu: Callable[[], float],
    quiet_seconds: float,
    timeout: float,
) -> Settled:
    """Wait until no document has been stored for these declarations for `quiet_seconds` (or
    `timeout` has passed): how many there are, and the case workers' CPU when the last came."""
    wanted = list(workflow_ids)
    deadline = time.monotonic() + timeout
    settled = Settled(
        await asyncio.to_thread(documents_stored, database_url, wanted), case_worker_cpu()
    )
    quiet_since = time.monotonic()
    while time.monotonic() - quiet_since < quiet_seconds and time.monotonic() < deadline:
        await asyncio.sleep(0.5)
        latest = await asyncio.to_thread(documents_stored, database_url, wanted)
        if latest != settled.documents:
            settled = Settled(latest, case_worker_cpu())
            quiet_since = time.monotonic()
    return settled


def sms_sent(outbox: Path, declaration_ids: Iterable[str]) -> tuple[int, int]:
    """The messages the SMS gateway accepted about these declarations (each names its
    declaration), and their segments: a message may go after its declaration has closed."""
    wanted = set(declaration_ids)
    engine = create_engine(f"sqlite:///{outbox}")
    try:
        with Session(engine) as session:
            rows = session.exec(select(OutboxMessage.body, OutboxMessage.num_segments)).all()
    finally:
        engine.dispose()
    sent = [segments for body, segments in rows if _named_declaration(body) in wanted]
    return len(sent), sum(sent)


def _named_declaration(body: str) -> str:
    """The declaration an SMS is about: it opens with `Hồ sơ <id>:`."""
    return body.split(":", 1)[0].rsplit(" ", 1)[-1]


def last_notice_times(database_url: str, workflow_ids: Iterable[str]) -> dict[str, float]:
    """When the last message telling each declaration's outcome and results was sent, as the
    sender recorded it. The post's delivery report is left out: it waits on the post (days in
    life, `SANDBOX_POSTAL_DELIVERY_SECONDS` here), not on the product."""
    by_declaration = {declaration_of(w): w for w in workflow_ids}
    with session_scope(engine_for(database_url)) as session:
        rows = session.exec(
            select(
                NoticeOutboxRecord.declaration_id,
                NoticeOutboxRecord.settled_at,
                NoticeOutboxRecord.milestones,
            ).where(NoticeOutboxRecord.state == SENT)
        ).all()
    last: dict[str, float] = {}
    for declaration_id, at, milestones in rows:
        workflow_id = by_declaration.get(declaration_id)
        if workflow_id is None or at is None or "delivery:delivered" in milestones.split():
            continue
        last[workflow_id] = max(last.get(workflow_id, 0.0), _utc(at).timestamp())
    return last


def declaration_of(workflow_id: str) -> str:
    return workflow_id.removeprefix("declaration-")


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
    database_url: str,
    outbox: Path,
    workflow_ids: Iterable[str],
    documents: Settled,
    case_worker_cpu_before: float,
    document_cpu: DocumentCpu,
) -> Recorded:
    wanted = list(workflow_ids)
    messages, segments = sms_sent(outbox, [declaration_of(w) for w in wanted])
    return Recorded(
        documents_stored=documents.documents,
        case_worker_cpu_seconds=documents.case_worker_cpu - case_worker_cpu_before,
        document_cpu=document_cpu,
        sms_messages=messages,
        sms_segments=segments,
        outcome_times=outcome_times(database_url, wanted),
        notice_times=last_notice_times(database_url, wanted),
    )
