"""Filing declarations and reading them back: a new declaration is recorded once per
idempotency key and once per event (a birth, a death), marked when its workflow has started, and
removed if it never could."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import or_, update
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, delete, select

from schemas.status import DeclarationStatusView
from store.at_rest import StoreCipher
from store.database import session_scope
from store.declaration_status import seal_status
from store.declared_events import DuplicateDeclaration, EventKeys, claim, give_up, holder
from store.models import DECLARATION_ID_LENGTH, AttachmentUse, DeclarationRecord


class IdempotencyConflict(Exception):
    """The idempotency key was used before with a different declaration."""


@dataclass(frozen=True)
class NewDeclaration:
    declaration_id: str
    procedure: str
    workflow_id: str
    client_id: str
    declarant_ref: str
    idempotency_key: str | None
    request_fingerprint: str
    received_at: datetime
    province_code: str | None
    commune_code: str | None
    initial_view: DeclarationStatusView
    # The attachments it was filed with, by hash.
    attachment_hashes: tuple[str, ...] = ()
    # The portal API's key that attests its start, and so its updates.
    attested_by_key: str | None = None
    # The event it reports; none when nothing identifies it.
    event: EventKeys | None = None


def find_by_idempotency_key(
    session: Session, client_id: str, idempotency_key: str
) -> DeclarationRecord | None:
    statement = select(DeclarationRecord).where(
        DeclarationRecord.client_id == client_id,
        DeclarationRecord.idempotency_key == idempotency_key,
    )
    return session.exec(statement).first()


def create_or_get_declaration(
    engine: Engine, cipher: StoreCipher, new: NewDeclaration
) -> tuple[DeclarationRecord, bool]:
    """Insert the declaration, or return the one already filed under the same idempotency key.

    Returns the record and whether it was created now. Raises `IdempotencyConflict` when the key
    was used for a different body, and `DuplicateDeclaration` when another declaration stands
    for the same event (a repeat under the same key is not another declaration).
    """
    record = DeclarationRecord(
        declaration_id=new.declaration_id,
        procedure=new.procedure,
        status=new.initial_view.status.value,
        status_sealed=seal_status(new.initial_view, cipher),
        workflow_id=new.workflow_id,
        client_id=new.client_id,
        declarant_ref=new.declarant_ref,
        idempotency_key=new.idempotency_key,
        request_fingerprint=new.request_fingerprint,
        received_at=new.received_at,
        deadline=new.initial_view.deadline,
        province_code=new.province_code,
        commune_code=new.commune_code,
        attested_by_key=new.attested_by_key,
        updated_at=datetime.now(UTC),
    )
    uses = [
        AttachmentUse(declaration_id=new.declaration_id, sha256=h) for h in new.attachment_hashes
    ]
    with session_scope(engine) as session:
        if new.idempotency_key is not None:
            existing = find_by_idempotency_key(session, new.client_id, new.idempotency_key)
            if existing is not None:
                return _same_request_or_conflict(existing, new), False
        try:
            if new.event is not None:
                claim(session, new.event, new.declaration_id)
            session.add(record)
            # In the same transaction as the record: an attachment is never referenced by a
            # declaration that was not recorded, nor a recorded one left without its references.
            session.add_all(uses)
            session.commit()
        except (IntegrityError, DuplicateDeclaration):
            # Another request with the same key, or of the same event, was recorded since this
            # one looked: the same key still means the same declaration.
            session.rollback()
            if new.idempotency_key is not None:
                existing = find_by_idempotency_key(session, new.client_id, new.idempotency_key)
                if existing is not None:
                    return _same_request_or_conflict(existing, new), False
            first = holder(session, new.event) if new.event is not None else None
            if first is None:
                raise
            raise DuplicateDeclaration(first) from None
        return record, True


def _same_request_or_conflict(
    existing: DeclarationRecord, new: NewDeclaration
) -> DeclarationRecord:
    if (
        existing.request_fingerprint != new.request_fingerprint
        or existing.procedure != new.procedure
    ):
        raise IdempotencyConflict(new.idempotency_key)
    return existing


def mark_workflow_started(engine: Engine, declaration_id: str) -> None:
    with session_scope(engine) as session:
        record = session.get(DeclarationRecord, declaration_id)
        if record is not None and not record.workflow_started:
            record.workflow_started = True
            session.add(record)
            session.commit()


def claim_start(engine: Engine, declaration_id: str, workflow_id: str, run_id: str) -> str | None:
    """Why this run of the declaration's workflow may not act on its start, or None when it
    may: the first run to ask takes it (and asks again harmlessly on a retry). Another run is
    refused (`start_already_acted_on`), and so is a run of a declaration the portal never
    recorded under this workflow (`start_not_filed`)."""
    if not _possible_id(declaration_id):
        return "start_not_filed"
    with session_scope(engine) as session:
        claimed = session.exec(
            update(DeclarationRecord)
            .where(col(DeclarationRecord.declaration_id) == declaration_id)
            .where(col(DeclarationRecord.workflow_id) == workflow_id)
            .where(
                or_(
                    col(DeclarationRecord.started_run_id).is_(None),
                    col(DeclarationRecord.started_run_id) == run_id,
                )
            )
            .values(started_run_id=run_id)
        )
        session.commit()
        if claimed.rowcount:
            return None
        record = session.get(DeclarationRecord, declaration_id)
        filed = record is not None and record.workflow_id == workflow_id
        return "start_already_acted_on" if filed else "start_not_filed"


def delete_unstarted_declaration(engine: Engine, declaration_id: str) -> None:
    """Undo an intake whose workflow could not be started, so no phantom declaration remains."""
    with session_scope(engine) as session:
        record = session.get(DeclarationRecord, declaration_id)
        if record is not None and not record.workflow_started:
            session.delete(record)
            # Its attachments, if nothing else references them, are left to the sweep: another
            # submission may have stored the same content a moment ago.
            session.exec(
                delete(AttachmentUse).where(col(AttachmentUse.declaration_id) == declaration_id)
            )
            give_up(session, declaration_id)
            session.commit()


def _possible_id(declaration_id: str) -> bool:
    """No declaration has an ID with NUL or longer than the column (a request's path, or a
    forged workflow input, may hold any text), and PostgreSQL would refuse to compare it."""
    return "\x00" not in declaration_id and len(declaration_id) <= DECLARATION_ID_LENGTH


def get_declaration(engine: Engine, declaration_id: str) -> DeclarationRecord | None:
    if not _possible_id(declaration_id):
        return None
    with session_scope(engine) as session:
        return session.get(DeclarationRecord, declaration_id)
