"""Which declaration stands for each birth and death: held from intake while the declaration is
open or after it registered the event, given up when it ends rejected, withdrawn or failed.

Events are kept by keyed hash only. The row's primary key is what refuses a second declaration
of an event, so that concurrent submissions cannot both pass a check made before either wrote.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, delete, select

from schemas.rules.one_event import holds_event
from schemas.status import DeclarationState
from security.pseudonyms import PseudonymKeys
from store.database import session_scope
from store.models import DeclaredEvent


class DuplicateDeclaration(Exception):
    """The event is already declared, by a declaration still open or that registered it."""

    def __init__(self, first: str) -> None:
        super().__init__(f"already declared by {first}")
        self.first = first


@dataclass(frozen=True)
class EventKeys:
    """An event's keyed hash as it is recorded now (under the active pseudonym key), and every
    one it may have been recorded under by a declaration filed before a key rotation."""

    key: str
    known: frozenset[str]

    @classmethod
    def of(cls, pseudonyms: PseudonymKeys, identity: str) -> EventKeys:
        return cls(pseudonyms.ref(identity), pseudonyms.refs(identity))


def holder(session: Session, keys: EventKeys) -> str | None:
    """The declaration that stands for the event, if one does."""
    return session.exec(
        select(DeclaredEvent.declaration_id).where(col(DeclaredEvent.event_key).in_(keys.known))
    ).first()


def claim(session: Session, keys: EventKeys, declaration_id: str) -> None:
    """Add the declaration's claim to the session; raises `DuplicateDeclaration` when another
    declaration holds the event already. A claim made at the same moment by another
    transaction is refused by the key when this one commits."""
    first = holder(session, keys)
    if first is not None and first != declaration_id:
        raise DuplicateDeclaration(first)
    if first is None:
        session.add(
            DeclaredEvent(
                event_key=keys.key, declaration_id=declaration_id, declared_at=datetime.now(UTC)
            )
        )


def give_up(session: Session, declaration_id: str) -> None:
    session.exec(delete(DeclaredEvent).where(col(DeclaredEvent.declaration_id) == declaration_id))


def give_up_if_ended(session: Session, declaration_id: str, state: DeclarationState) -> None:
    """Free the declaration's event when it ended in a state that no longer stands for it."""
    if not holds_event(state):
        give_up(session, declaration_id)


def move_event(engine: Engine, declaration_id: str, keys: EventKeys | None) -> str | None:
    """Make the declaration stand for the event `keys` names (none: for no event), after a
    correction changed what identifies it. Returns the key it held before, or raises
    `DuplicateDeclaration` and changes nothing when another declaration holds the new event."""
    with session_scope(engine) as session:
        before = session.exec(
            select(DeclaredEvent.event_key).where(DeclaredEvent.declaration_id == declaration_id)
        ).first()
        if keys is not None and before in keys.known:
            return before
        give_up(session, declaration_id)
        if keys is not None:
            claim(session, keys, declaration_id)
        try:
            session.commit()
        except IntegrityError:
            session.rollback()
            first = holder(session, keys) if keys is not None else None
            if first is None:
                raise
            raise DuplicateDeclaration(first) from None
        return before


def restore_event(engine: Engine, declaration_id: str, key: str | None) -> None:
    """Put back the key `move_event` replaced, when the correction did not go through; left
    free if another declaration took it meanwhile."""
    with session_scope(engine) as session:
        give_up(session, declaration_id)
        if key is not None:
            session.add(
                DeclaredEvent(
                    event_key=key, declaration_id=declaration_id, declared_at=datetime.now(UTC)
                )
            )
        try:
            session.commit()
        except IntegrityError:
            session.rollback()
            with session_scope(engine) as retry:
                give_up(retry, declaration_id)
                retry.commit()
