"""The store's part of one event, one declaration, on a store of the test's own (no server): its
key refuses a second declaration of an event however many arrive at once, a retry under its
idempotency key is still the same declaration, and a declaration that ends refused, withdrawn or
failed frees its event."""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime
from threading import Barrier
from typing import TypeVar

import pytest
from sqlalchemy.engine import Engine

from legal_deadlines.legal_clock import LegalClock
from messages import Message
from schemas.common import Delivery, Procedure, ProcedureGroup
from schemas.progress import ProgressReport, StepEvent
from schemas.status import DeclarationState
from security.pseudonyms import PseudonymKeys
from store.at_rest import StoreCipher
from store.database import session_scope
from store.declaration_status import mark_run_ended
from store.declarations import (
    NewDeclaration,
    create_or_get_declaration,
    delete_unstarted_declaration,
)
from store.declared_events import DuplicateDeclaration, EventKeys, move_event
from store.models import DeclaredEvent
from store.progress import save_progress
from workflows.initial_view import initial_view

RING = PseudonymKeys({"k1": "a store test's pseudonym secret, long enough"}, "k1")
A_BIRTH = EventKeys.of(RING, "birth\x1fpersonal_id:001190012345\x1f2026-11-20\x1f1")
ITS_TWIN = EventKeys.of(RING, "birth\x1fpersonal_id:001190012345\x1f2026-11-20\x1f2")
T = TypeVar("T")


@pytest.fixture
def engine(own_store: Engine) -> Engine:
    return own_store


def filing(
    number: int, event: EventKeys | None, key: str | None = None, body: str = "the body"
) -> NewDeclaration:
    now = datetime.now(UTC)
    declaration_id = f"LT-TEST-{number:04d}"
    return NewDeclaration(
        declaration_id=declaration_id,
        procedure="birth",
        workflow_id=f"declaration-{declaration_id}",
        client_id="portal",
        declarant_ref="k1:declarant",
        idempotency_key=key,
        request_fingerprint=body,
        received_at=now,
        province_code="01",
        commune_code="00004",
        initial_view=initial_view(
            declaration_id,
            ProcedureGroup.BIRTH,
            now,
            [Procedure.BIRTH_REGISTRATION],
            Delivery(method="electronic"),
            f"declaration-{declaration_id}",
            LegalClock(None),
        ),
        event=event,
    )


def all_at_once(count: int, action: Callable[[int], T]) -> list[T | DuplicateDeclaration]:
    """`action(i)` for each i on a thread of its own, all released together; a refused
    duplicate is an outcome like any."""
    start = Barrier(count)

    def run(i: int) -> T | DuplicateDeclaration:
        start.wait()
        try:
            return action(i)
        except DuplicateDeclaration as refused:
            return refused

    with ThreadPoolExecutor(max_workers=count) as pool:
        return list(pool.map(run, range(count)))


def holder_of(engine: Engine, keys: EventKeys) -> str | None:
    with session_scope(engine) as session:
        row = session.get(DeclaredEvent, keys.key)
        return None if row is None else row.declaration_id


# --- one event, one declaration ---------------------------------------------------------------


def test_forty_filings_of_one_birth_at_once_record_one_declaration(
    engine: Engine, cipher: StoreCipher
) -> None:
    outcomes = all_at_once(
        40, lambda i: create_or_get_declaration(engine, cipher, filing(i, A_BIRTH))
    )
    created = [o[0].declaration_id for o in outcomes if isinstance(o, tuple) and o[1]]
    refused = [o for o in outcomes if isinstance(o, DuplicateDeclaration)]
    assert len(created) == 1
    assert len(refused) == 39
    assert {r.first for r in refused} == set(created)
    assert holder_of(engine, A_BIRTH) == created[0]


def test_a_repeat_under_its_idempotency_key_is_the_same_declaration_not_a_duplicate(
    engine: Engine,
    cipher: StoreCipher,
) -> None:
    outcomes = all_at_once(
        12,
        lambda i: create_or_get_declaration(engine, cipher, filing(i, A_BIRTH, key="portal-key-1")),
    )
    assert all(isinstance(o, tuple) for o in outcomes), outcomes
    records = [o[0] for o in outcomes if isinstance(o, tuple)]
    assert len({r.declaration_id for r in records}) == 1
    assert sum(1 for o in outcomes if isinstance(o, tuple) and o[1]) == 1
    # Another key for the same birth is another declaration of it: refused.
    with pytest.raises(DuplicateDeclaration) as refused:
        create_or_get_declaration(engine, cipher, filing(99, A_BIRTH, key="portal-key-2"))
    assert refused.value.first == records[0].declaration_id


def test_twins_are_two_events(engine: Engine, cipher: StoreCipher) -> None:
    create_or_get_declaration(engine, cipher, filing(1, A_BIRTH))
    twin, created = create_or_get_declaration(engine, cipher, filing(2, ITS_TWIN))
    assert created and holder_of(engine, ITS_TWIN) == twin.declaration_id


def _closed(declaration_id: str, state: DeclarationState) -> ProgressReport:
    view = filing(0, None).initial_view.model_copy(
        update={"declaration_id": declaration_id, "status": state}
    )
    event = StepEvent(sequence=1, status=state.value, occurred_at=datetime.now(UTC))
    return ProgressReport(view=view, events=[event])


@pytest.mark.parametrize(
    ("state", "frees"),
    [
        (DeclarationState.REJECTED, True),
        (DeclarationState.WITHDRAWN, True),
        (DeclarationState.COMPLETED, False),
        (DeclarationState.PARTIALLY_COMPLETED, False),
        (DeclarationState.AWAITING_SUPPLEMENT, False),
    ],
)
def test_a_declaration_that_ends_refused_or_withdrawn_frees_its_event(
    engine: Engine, cipher: StoreCipher, state: DeclarationState, frees: bool
) -> None:
    first, _ = create_or_get_declaration(engine, cipher, filing(1, A_BIRTH))
    save_progress(engine, cipher, _closed(first.declaration_id, state))
    if frees:
        second, created = create_or_get_declaration(engine, cipher, filing(2, A_BIRTH))
        assert created and holder_of(engine, A_BIRTH) == second.declaration_id
    else:
        with pytest.raises(DuplicateDeclaration):
            create_or_get_declaration(engine, cipher, filing(2, A_BIRTH))


def test_a_run_that_failed_or_never_started_frees_its_event(
    engine: Engine, cipher: StoreCipher
) -> None:
    failed, _ = create_or_get_declaration(engine, cipher, filing(1, A_BIRTH))
    assert mark_run_ended(
        engine, cipher, failed.workflow_id, Message.of("run.failed"), "workflow_failed"
    )
    assert holder_of(engine, A_BIRTH) is None
    unstarted, _ = create_or_get_declaration(engine, cipher, filing(2, A_BIRTH))
    delete_unstarted_declaration(engine, unstarted.declaration_id)
    assert holder_of(engine, A_BIRTH) is None


def test_a_correction_moves_the_declaration_to_its_event_unless_another_holds_it(
    engine: Engine,
    cipher: StoreCipher,
) -> None:
    first, _ = create_or_get_declaration(engine, cipher, filing(1, A_BIRTH))
    misdated = EventKeys.of(RING, "birth\x1fpersonal_id:001190012345\x1f2026-11-19\x1f1")
    second, _ = create_or_get_declaration(engine, cipher, filing(2, misdated))
    # Corrected to the first's date: that birth is declared already, and nothing moves.
    with pytest.raises(DuplicateDeclaration) as refused:
        move_event(engine, second.declaration_id, A_BIRTH)
    assert refused.value.first == first.declaration_id
    assert holder_of(engine, misdated) == second.declaration_id
    # Corrected to the twin: it now stands for the twin, and its old date is free.
    assert move_event(engine, second.declaration_id, ITS_TWIN) == misdated.key
    assert holder_of(engine, ITS_TWIN) == second.declaration_id
    assert holder_of(engine, misdated) is None
