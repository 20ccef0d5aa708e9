"""The notices a declarant is to be sent, kept in the store beside the progress they tell of.

A declaration's workflow puts its notices in the same report (and the same transaction) as the
status they tell of: a notice is never lost, never sent before its status is recorded, and
costs the declaration's history nothing. The sender (`notice_sending`) takes them from here.

Per declaration and channel, notices go out in order. What is pending when the first of them is
due goes as one message: the steps that settle together, the outcome and the results on their
way are one SMS, not five. A step's result waits (`holds`) for the declaration's outcome, or for
the next notice that does not wait (a request for a supplement), up to the settle window; that
notice, or an outcome that closes the declaration, is due at once, and takes the waiting steps
with it. Whether a waiting result is due is worked out from the notices each time it is asked,
never written down: a sender that wrote "not before the window ends" on a result could do so
just after the outcome was recorded, unseen, and hold both back for the whole window. The
message's key is fixed when its notices are taken, so a resend after a crash is the same
message, with the same idempotency key at the provider.

Recipients and texts are personal data: they are sealed, bound to their row.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from itertools import groupby

from sqlalchemy import select as select_columns
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from schemas.notifications import Notice
from store.at_rest import StoreCipher
from store.database import session_scope
from store.models import NoticeOutboxRecord
from store.sealing import NOTICE

PENDING = "pending"
SENDING = "sending"
SENT = "sent"
# What became of a notice that was not sent: its provider refused it, its channel was down too
# long, or its recipient had had their share (store.notice_limits).
REFUSED = "refused"
GIVEN_UP = "given_up"
SUPPRESSED = "suppressed"
SETTLED = frozenset({SENT, REFUSED, GIVEN_UP, SUPPRESSED})


def enqueue(
    session: Session, cipher: StoreCipher, notices: Sequence[Notice], now: datetime
) -> None:
    """Keep the notices of a report, in the report's transaction. A report written again (a
    retried local activity) adds nothing: the notices are keyed."""
    for notice in notices:
        if session.get(NoticeOutboxRecord, notice.idempotency_key) is not None:
            continue
        session.add(
            NoticeOutboxRecord(
                idempotency_key=notice.idempotency_key,
                declaration_id=notice.declaration_id,
                channel=notice.channel,
                sequence=notice.sequence,
                milestones=" ".join(m.key for m in notice.milestones)[:600],
                holds=notice.holds,
                closes=notice.closes,
                content_sealed=cipher.seal_text(
                    notice.model_dump_json(), NOTICE, notice.idempotency_key
                ),
                created_at=now,
                next_attempt_at=now,
            )
        )


@dataclass(frozen=True)
class Taken:
    """Notices taken together, to go as one message under one key."""

    message_key: str
    declaration_id: str
    channel: str
    notices: list[Notice]
    # When the first of them was recorded: how long the channel has been tried.
    first_recorded_at: datetime
    attempts: int


def _utc(moment: datetime) -> datetime:
    """A time as the store gives it back (without its zone, which is UTC)."""
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


def _message_key(records: Sequence[NoticeOutboxRecord]) -> str:
    keys = "\n".join(r.idempotency_key for r in records)
    return f"{records[0].declaration_id}/{hashlib.sha256(keys.encode()).hexdigest()[:32]}"


def _heads(session: Session, settle: timedelta) -> dict[tuple[str, str], datetime]:
    """When each declaration's channel may next be tried: when the first of its notices not yet
    sent may. Notices go in order, so a later one that is due waits for the first all the same
    (it goes with it, or after it); counting it would have the sender look again at once, and
    again, while the first waits for its documents or its retry. A step's result not yet taken
    is due when a notice that does not wait is behind it, or else once the settle window has
    passed."""
    # SQLAlchemy's own select: sqlmodel's is typed for at most four columns.
    statement = (
        select_columns(
            col(NoticeOutboxRecord.declaration_id),
            col(NoticeOutboxRecord.channel),
            col(NoticeOutboxRecord.next_attempt_at),
            col(NoticeOutboxRecord.created_at),
            col(NoticeOutboxRecord.holds),
            col(NoticeOutboxRecord.message_key),
        )
        .where(col(NoticeOutboxRecord.state).in_((PENDING, SENDING)))
        .order_by(
            col(NoticeOutboxRecord.declaration_id),
            col(NoticeOutboxRecord.channel),
            col(NoticeOutboxRecord.sequence),
        )
    )
    heads: dict[tuple[str, str], datetime] = {}
    rows = session.connection().execute(statement)
    for group, in_order in groupby(rows, key=lambda row: (row.declaration_id, row.channel)):
        first, *behind = in_order
        heads[group] = _utc(first.next_attempt_at)
        if first.message_key is None:
            all_hold = first.holds and all(row.holds for row in behind)
            heads[group] = max(heads[group], _due_at(first.created_at, all_hold, settle))
    return heads


def _due_at(first_created_at: datetime, all_hold: bool, settle: timedelta) -> datetime:
    """When notices not yet taken are due: at once, unless each is a step's result waiting for
    the outcome, and then once the settle window has passed since the first."""
    return _utc(first_created_at) + settle if all_hold else _utc(first_created_at)


def waiting_groups(engine: Engine, now: datetime, settle: timedelta) -> list[tuple[str, str]]:
    """The declarations and channels whose next notice is to be tried now."""
    with session_scope(engine) as session:
        return [group for group, at in _heads(session, settle).items() if at <= now]


def next_attempt(engine: Engine, settle: timedelta) -> datetime | None:
    """When the next notice waiting is to be tried, if any is."""
    with session_scope(engine) as session:
        return min(_heads(session, settle).values(), default=None)


def take(
    engine: Engine,
    cipher: StoreCipher,
    declaration_id: str,
    channel: str,
    now: datetime,
    *,
    settle: timedelta,
    lease: timedelta,
) -> Taken | None:
    """The next message of a declaration's channel, if it is due and no other sender holds
    it: its notices marked as being sent until `lease` has passed."""
    with session_scope(engine) as session:
        statement = (
            select(NoticeOutboxRecord)
            .where(
                NoticeOutboxRecord.declaration_id == declaration_id,
                NoticeOutboxRecord.channel == channel,
                col(NoticeOutboxRecord.state).in_((PENDING, SENDING)),
            )
            .order_by(col(NoticeOutboxRecord.sequence))
            .with_for_update(skip_locked=True)
        )
        records = list(session.exec(statement))
        if not records:
            return None
        first = records[0]
        if first.state == SENDING and first.claimed_until and _utc(first.claimed_until) > now:
            return None  # another sender is at it
        if _utc(first.next_attempt_at) > now:
            return None
        if first.message_key is not None:
            # Taken before and not sent: the same notices, under the same key.
            records = [r for r in records if r.message_key == first.message_key]
        else:
            if _due_at(first.created_at, all(r.holds for r in records), settle) > now:
                return None
            key = _message_key(records)
            for record in records:
                record.message_key = key
        for record in records:
            # Not to be looked at again before the lease runs out, by this sender or another.
            record.state, record.claimed_until = SENDING, now + lease
            record.next_attempt_at = now + lease
            record.attempts += 1
            session.add(record)
        session.commit()
        return Taken(
            message_key=first.message_key or _message_key(records),
            declaration_id=declaration_id,
            channel=channel,
            notices=[
                Notice.model_validate(
                    json.loads(cipher.open_text(r.content_sealed, NOTICE, r.idempotency_key))
                )
                for r in records
            ],
            first_recorded_at=_utc(first.created_at),
            attempts=first.attempts,
        )


def settle(engine: Engine, taken: Taken, state: str, now: datetime, provider_ref: str = "") -> bool:
    """Record what became of a message's notices; False when another sender (that took them
    again once this one's lease ran out) had recorded it first."""
    with session_scope(engine) as session:
        records = [r for r in _records(session, taken) if r.state not in SETTLED]
        for record in records:
            record.state, record.settled_at = state, now
            record.provider_ref = provider_ref[:200] or None
            record.claimed_until = None
            session.add(record)
        session.commit()
        return bool(records)


def try_again(engine: Engine, taken: Taken, at: datetime, *, attempted: bool = True) -> None:
    """The message goes back to wait, under its key, until `at`; not `attempted` when it was
    not sent at all (it waits for something else), so it does not count as a try."""
    with session_scope(engine) as session:
        for record in _records(session, taken):
            record.state, record.next_attempt_at, record.claimed_until = PENDING, at, None
            if not attempted:
                record.attempts -= 1
            session.add(record)
        session.commit()


def _records(session: Session, taken: Taken) -> list[NoticeOutboxRecord]:
    statement = select(NoticeOutboxRecord).where(
        NoticeOutboxRecord.message_key == taken.message_key
    )
    return list(session.exec(statement))
