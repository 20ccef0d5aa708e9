"""The trust store: which public keys verify each agency's decisions. Keys are added and revoked
while declarations are open; every declaration reads the store when a decision arrives, so a
rotation reaches the steps already waiting."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime

from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError
from sqlmodel import select

from security.decision_trust import TrustedKey
from store.database import session_scope
from store.models import AgencyKeyRecord, HeldDecisionRecord


def _now() -> datetime:
    return datetime.now(UTC)


def seed_trust_store(engine: Engine, keys: Mapping[str, Mapping[str, str]]) -> None:
    """Add the configured keys the store does not know yet; a key once revoked stays revoked.
    Processes starting together may race to add the same key: the first one wins."""
    for agency, by_id in keys.items():
        for key_id, public_key in by_id.items():
            add_key(engine, agency, key_id, public_key, "settings")


def add_key(engine: Engine, agency: str, key_id: str, public_key: str, actor: str) -> bool:
    """Trust a new key; False when the key id is already taken (a key id is never reused)."""
    with session_scope(engine) as session:
        if session.get(AgencyKeyRecord, (agency, key_id)) is not None:
            return False
        session.add(
            AgencyKeyRecord(
                agency=agency,
                key_id=key_id,
                public_key=public_key,
                added_at=_now(),
                added_by=actor,
            )
        )
        try:
            session.commit()
        except IntegrityError:
            return False  # added meanwhile, by another process
        return True


def revoke_key(engine: Engine, agency: str, key_id: str, actor: str) -> bool:
    with session_scope(engine) as session:
        record = session.get(AgencyKeyRecord, (agency, key_id))
        if record is None:
            return False
        if record.revoked_at is None:
            record.revoked_at, record.revoked_by = _now(), actor
            session.add(record)
            session.commit()
        return True


def trusted_public_keys(engine: Engine, party: str) -> dict[str, str]:
    """The party's keys that are trusted now, by key id."""
    return {
        key_id: key.public_key
        for key_id, key in agency_keys(engine, party).items()
        if not key.revoked
    }


def agency_keys(engine: Engine, agency: str) -> dict[str, TrustedKey]:
    with session_scope(engine) as session:
        records = session.exec(select(AgencyKeyRecord).where(AgencyKeyRecord.agency == agency))
        return {
            r.key_id: TrustedKey(public_key=r.public_key, revoked=r.revoked_at is not None)
            for r in records
        }


def list_keys(engine: Engine) -> list[AgencyKeyRecord]:
    with session_scope(engine) as session:
        return list(session.exec(select(AgencyKeyRecord)))


def hold_decision(engine: Engine, record: HeldDecisionRecord) -> None:
    with session_scope(engine) as session:
        existing = session.get(HeldDecisionRecord, (record.declaration_id, record.procedure))
        if existing is None:
            session.add(record)
        else:
            existing.problem, existing.key_id = record.problem, record.key_id
            existing.case_number, existing.released_at = record.case_number, None
            session.add(existing)
        session.commit()


def release_decision(engine: Engine, declaration_id: str, procedure: str) -> None:
    with session_scope(engine) as session:
        existing = session.get(HeldDecisionRecord, (declaration_id, procedure))
        if existing is not None and existing.released_at is None:
            existing.released_at = _now()
            session.add(existing)
            session.commit()


def held_decisions(engine: Engine, declaration_id: str | None = None) -> list[HeldDecisionRecord]:
    with session_scope(engine) as session:
        statement = select(HeldDecisionRecord).where(HeldDecisionRecord.released_at == None)  # noqa: E711
        if declaration_id is not None:
            statement = statement.where(HeldDecisionRecord.declaration_id == declaration_id)
        return list(session.exec(statement))
