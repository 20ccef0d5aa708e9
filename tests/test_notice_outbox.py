"""The notice outbox on a store of its own: a channel's notices go in order, and a later notice
that is due does not have the sender look again and again while the first still waits."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import event
from sqlalchemy.engine import Engine

from messages import Message
from schemas.notifications import Milestone, Notice
from settings.notifications import NotificationSettings
from store.at_rest import StoreCipher
from store.database import session_scope
from store.notice_outbox import enqueue, next_attempt, take, try_again, waiting_groups

NOW = datetime(2026, 12, 7, 9, 0, tzinfo=UTC)
SETTLE, LEASE = timedelta(seconds=1.5), timedelta(seconds=20)
# The product's own settle window.
WINDOW = timedelta(seconds=NotificationSettings.model_fields["notice_settle_seconds"].default)


def notice(declaration_id: str, sequence: int, key: str) -> Notice:
    milestone = Milestone(
        key=key,
        title=Message.of("notice.title.received"),
        text=Message.of("notice.title.received"),
    )
    return Notice(
        idempotency_key=f"{declaration_id}/{sequence}/sms",
        declaration_id=declaration_id,
        channel="sms",
        recipient="0912345678",
        sequence=sequence,
        milestones=[milestone],
        holds=milestone.holds,
        closes=milestone.closes,
    )


def record(store: Engine, cipher: StoreCipher, notice_: Notice, at: datetime) -> None:
    """Keep a notice as a progress report does, in a transaction of its own."""
    with session_scope(store) as session:
        enqueue(session, cipher, [notice_], at)
        session.commit()


def test_a_due_notice_behind_a_waiting_one_is_not_looked_at_before_it(
    own_store: Engine, cipher: StoreCipher
) -> None:
    declaration = "LT-20261207-0000000001"
    record(own_store, cipher, notice(declaration, 1, "closed:completed"), NOW)
    first = take(own_store, cipher, declaration, "sms", NOW, settle=SETTLE, lease=LEASE)
    assert first is not None and [n.sequence for n in first.notices] == [1]
    # The first waits ten seconds for its documents; a later notice is recorded meanwhile.
    recheck = NOW + timedelta(seconds=10)
    try_again(own_store, first, recheck, attempted=False)
    later = NOW + timedelta(seconds=1)
    record(own_store, cipher, notice(declaration, 2, "delivery:posted"), later)

    # Nothing to do before the first is due again, though the later one is due already.
    assert waiting_groups(own_store, later, SETTLE) == []
    assert next_attempt(own_store, SETTLE) == recheck
    assert take(own_store, cipher, declaration, "sms", later, settle=SETTLE, lease=LEASE) is None
    # Then the first goes, under the key it was taken with, and the later one after it.
    assert waiting_groups(own_store, recheck, SETTLE) == [(declaration, "sms")]
    again = take(own_store, cipher, declaration, "sms", recheck, settle=SETTLE, lease=LEASE)
    assert again is not None
    assert (again.message_key, [n.sequence for n in again.notices]) == (first.message_key, [1])


def test_a_step_s_result_waits_for_the_outcome_and_goes_with_it(
    own_store: Engine, cipher: StoreCipher
) -> None:
    declaration = "LT-20261207-0000000002"
    record(own_store, cipher, notice(declaration, 1, "step:birth_registration:1:approved"), NOW)
    # Under load the next steps take more than a moment: the registration's result waits.
    later = NOW + timedelta(seconds=30)
    assert take(own_store, cipher, declaration, "sms", later, settle=WINDOW, lease=LEASE) is None
    assert next_attempt(own_store, WINDOW) == NOW + WINDOW
    # The outcome comes: due at once, and the waiting result goes in its message.
    closing = notice(declaration, 2, "closed:completed")
    record(own_store, cipher, closing, later)
    assert waiting_groups(own_store, later, WINDOW) == [(declaration, "sms")]
    taken = take(own_store, cipher, declaration, "sms", later, settle=WINDOW, lease=LEASE)
    assert taken is not None and [n.sequence for n in taken.notices] == [1, 2]


def test_a_step_s_result_told_on_its_own_once_the_window_has_passed(
    own_store: Engine, cipher: StoreCipher
) -> None:
    """An officer's decision days before the rest's is not held back until the outcome."""
    declaration = "LT-20261207-0000000003"
    record(own_store, cipher, notice(declaration, 1, "step:birth_registration:1:approved"), NOW)
    taken = take(own_store, cipher, declaration, "sms", NOW + WINDOW, settle=WINDOW, lease=LEASE)
    assert taken is not None and [n.sequence for n in taken.notices] == [1]


def test_an_outcome_recorded_while_the_sender_looks_takes_the_waiting_result_along(
    own_store: Engine, cipher: StoreCipher
) -> None:
    """The sender reads a channel whose only notice is a step's result, waiting for the outcome;
    the outcome is recorded before the sender is done with what it read. Whatever the sender
    then decides, the outcome finds the result and goes with it, not one settle window late."""
    declaration = "LT-20261207-0000000004"
    record(own_store, cipher, notice(declaration, 1, "step:birth_registration:1:approved"), NOW)
    later = NOW + timedelta(seconds=30)
    read, recorded = threading.Event(), threading.Event()

    def hold_the_sender_after_its_read(*args: Any) -> None:
        sender = threading.current_thread().name.startswith("sender")
        if sender and not read.is_set() and "FROM notice_outbox" in args[2]:
            read.set()
            assert recorded.wait(20), "the outcome was not recorded"

    event.listen(own_store, "after_cursor_execute", hold_the_sender_after_its_read)
    try:
        with ThreadPoolExecutor(1, thread_name_prefix="sender") as sender:
            looking = sender.submit(
                take, own_store, cipher, declaration, "sms", later, settle=WINDOW, lease=LEASE
            )
            assert read.wait(20)
            record(own_store, cipher, notice(declaration, 2, "closed:completed"), later)
            recorded.set()
            assert looking.result() is None
    finally:
        event.remove(own_store, "after_cursor_execute", hold_the_sender_after_its_read)

    assert waiting_groups(own_store, later, WINDOW) == [(declaration, "sms")]
    taken = take(own_store, cipher, declaration, "sms", later, settle=WINDOW, lease=LEASE)
    assert taken is not None and [n.sequence for n in taken.notices] == [1, 2]
