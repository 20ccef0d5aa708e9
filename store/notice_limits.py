"""The one place a notice is let through to its recipient or suppressed, by the recipient's
limits (security.recipient_limits), counted across every declaration: each sender asks here
before it sends, once per message, whatever the message holds.

Recipients are kept by keyed hash only. The decisions on one recipient are taken one at a time:
each first takes the recipient's row (a row lock in PostgreSQL, SQLite's write lock), so two
notices sent at the same moment are never both counted as the last one allowed.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, func, select, update

from schemas.common import NotificationChannel
from security.pseudonyms import PseudonymKeys
from security.recipient_limits import RecipientLimits, admits, recipient_identity
from store.database import session_scope
from store.models import NoticeAdmission, NoticeRecipient

ADMITTED = "admitted"
SUPPRESSED = "suppressed"


@dataclass(frozen=True)
class OutgoingNotice:
    """One message about to be sent: its idempotency key (a retry of it is decided once), the
    declaration it is about, and where it goes."""

    idempotency_key: str
    declaration_id: str
    channel: NotificationChannel
    address: str


def admit_notice(
    engine: Engine,
    pseudonyms: PseudonymKeys,
    limits: RecipientLimits,
    notice: OutgoingNotice,
    now: datetime,
) -> bool:
    """Whether the notice may be sent; recorded either way, and the same answer for a retry."""
    earlier = _decision(engine, notice.idempotency_key)
    if earlier is not None:
        return earlier
    identity = recipient_identity(notice.channel, notice.address)
    recipient, known = pseudonyms.ref(identity), pseudonyms.refs(identity)
    _ensure_recipient(engine, recipient, now)
    with session_scope(engine) as session:
        # Taken first, before anything is read, so that this transaction holds the recipient
        # from its start.
        session.exec(
            update(NoticeRecipient)
            .where(col(NoticeRecipient.recipient_ref) == recipient)
            .values(last_decided_at=now)
        )
        decided = session.get(NoticeAdmission, notice.idempotency_key)
        if decided is not None:
            session.rollback()
            return decided.outcome == ADMITTED
        admitted = admits(
            limits,
            _admitted_since(session, known, now - timedelta(hours=1)),
            _admitted_since(session, known, now - timedelta(days=1)),
        )
        session.add(
            NoticeAdmission(
                idempotency_key=notice.idempotency_key,
                recipient_ref=recipient,
                declaration_id=notice.declaration_id,
                channel=notice.channel,
                outcome=ADMITTED if admitted else SUPPRESSED,
                decided_at=now,
            )
        )
        session.commit()
        return admitted


def _decision(engine: Engine, idempotency_key: str) -> bool | None:
    with session_scope(engine) as session:
        decided = session.get(NoticeAdmission, idempotency_key)
        return None if decided is None else decided.outcome == ADMITTED


def _ensure_recipient(engine: Engine, recipient: str, now: datetime) -> None:
    with session_scope(engine) as session:
        if session.get(NoticeRecipient, recipient) is not None:
            return
        session.add(NoticeRecipient(recipient_ref=recipient, last_decided_at=now))
        try:
            session.commit()
        except IntegrityError:
            # Another notice to the same recipient added it at the same moment.
            session.rollback()


def _admitted_since(session: Session, recipient_refs: frozenset[str], since: datetime) -> int:
    return session.exec(
        select(func.count())
        .select_from(NoticeAdmission)
        .where(
            col(NoticeAdmission.recipient_ref).in_(recipient_refs),
            NoticeAdmission.outcome == ADMITTED,
            col(NoticeAdmission.decided_at) > since,
        )
    ).one()
