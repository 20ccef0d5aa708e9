"""How many notices one phone or mailbox receives, on a store of the test's own (no server):
which addresses are one recipient, when one more notice may go, and that concurrent notices to
one recipient never pass its limit together, retries are decided once, and the hour and the
day slide."""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta
from threading import Barrier
from typing import TypeVar

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import select

from security.pseudonyms import PseudonymKeys
from security.recipient_limits import RecipientLimits, admits, recipient_identity
from store.database import session_scope
from store.models import NoticeAdmission
from store.notice_limits import OutgoingNotice, admit_notice

RING = PseudonymKeys({"k1": "a store test's pseudonym secret, long enough"}, "k1")
T = TypeVar("T")


@pytest.fixture
def engine(own_store: Engine) -> Engine:
    return own_store


def all_at_once(count: int, action: Callable[[int], T]) -> list[T]:
    """`action(i)` for each i on a thread of its own, all released together."""
    start = Barrier(count)

    def run(i: int) -> T:
        start.wait()
        return action(i)

    with ThreadPoolExecutor(max_workers=count) as pool:
        return list(pool.map(run, range(count)))


# --- who a recipient is, and when one more notice may go ------------------------------------------


def test_a_recipient_is_the_phone_or_mailbox_the_notice_reaches() -> None:
    assert recipient_identity("sms", "0912345678") == recipient_identity("sms", "+84912345678")
    assert recipient_identity("sms", "0912345678") != recipient_identity("sms", "0912345679")
    same_mailbox = ["Lan.Nguyen@Example.vn", "lan.nguyen+khai-sinh@example.vn"]
    assert {recipient_identity("email", a) for a in same_mailbox} == {"email:lan.nguyen@example.vn"}
    # A phone number and an address are never one recipient.
    assert recipient_identity("sms", "0912345678").startswith("sms:")


def test_one_more_notice_goes_only_below_both_limits() -> None:
    limits = RecipientLimits(per_hour=10, per_day=30)
    assert admits(limits, 0, 0)
    assert admits(limits, 9, 29)
    assert not admits(limits, 10, 10)
    assert not admits(limits, 3, 30)
    with pytest.raises(ValueError, match="per hour <= per day"):
        RecipientLimits(per_hour=31, per_day=30)
    with pytest.raises(ValueError, match="per hour <= per day"):
        RecipientLimits(per_hour=0, per_day=30)


# --- the store counts, one recipient at a time ----------------------------------------------------

LIMITS = RecipientLimits(per_hour=10, per_day=30)


def notice(number: int, address: str = "0912345678", channel: str = "sms") -> OutgoingNotice:
    return OutgoingNotice(
        idempotency_key=f"declaration-LT-{number}/received/{channel}",
        declaration_id=f"LT-{number}",
        channel="sms" if channel == "sms" else "email",
        address=address,
    )


def test_concurrent_notices_to_one_phone_never_pass_its_limit_together(engine: Engine) -> None:
    now = datetime.now(UTC)
    # The same phone, written both ways.
    phones = ["0912345678", "+84912345678"]
    verdicts = all_at_once(
        25, lambda i: admit_notice(engine, RING, LIMITS, notice(i, phones[i % 2]), now)
    )
    assert verdicts.count(True) == LIMITS.per_hour
    assert verdicts.count(False) == 25 - LIMITS.per_hour
    with session_scope(engine) as session:
        rows = session.exec(select(NoticeAdmission)).all()
    assert sorted(r.outcome for r in rows) == ["admitted"] * 10 + ["suppressed"] * 15
    # Only keyed hashes are kept, never the number.
    assert all("912345678" not in r.recipient_ref for r in rows)
    # Another phone has its own share.
    assert admit_notice(engine, RING, LIMITS, notice(100, "0987654321"), now)


def test_a_notice_retried_is_decided_once(engine: Engine) -> None:
    now = datetime.now(UTC)
    for i in range(LIMITS.per_hour):
        assert admit_notice(engine, RING, LIMITS, notice(i), now)
    assert not admit_notice(engine, RING, LIMITS, notice(50), now)
    # Retries of a notice let through and of one suppressed get the same answer, and count
    # nothing more.
    assert admit_notice(engine, RING, LIMITS, notice(0), now)
    assert not admit_notice(engine, RING, LIMITS, notice(50), now)
    with session_scope(engine) as session:
        assert len(session.exec(select(NoticeAdmission)).all()) == LIMITS.per_hour + 1


def test_the_hour_and_the_day_slide(engine: Engine) -> None:
    start = datetime.now(UTC) - timedelta(hours=5)
    # Ten an hour for three hours: the day's thirty.
    for hour in range(3):
        for i in range(10):
            sent = start + timedelta(hours=hour, minutes=i)
            assert admit_notice(engine, RING, LIMITS, notice(hour * 100 + i), sent)
        later = start + timedelta(hours=hour, minutes=30)
        assert not admit_notice(engine, RING, LIMITS, notice(hour * 100 + 50), later)
    # A fresh hour, but the day is full until the first of them is a day old.
    assert not admit_notice(engine, RING, LIMITS, notice(900), start + timedelta(hours=4))
    a_day_on = start + timedelta(days=1, minutes=1)
    assert admit_notice(engine, RING, LIMITS, notice(901), a_day_on)
    assert admit_notice(engine, RING, LIMITS, notice(902, "lan@example.vn", "email"), a_day_on)
