"""One event, one declaration, as pure rules: what identifies a birth or a death (twins differ,
an absent birth order is the first, a name is no part of it), which ended declarations free
their event, and how an event is kept only as a keyed hash."""

from __future__ import annotations

import copy
import unicodedata
from typing import Any

import pytest

from devstack.declaration_factory import DeclarationFactory, attachment
from portal_api.filings import BIRTH_FILING
from schemas.rules.one_event import birth_event, death_event, holds_event
from schemas.status import DeclarationState
from security.pseudonyms import PseudonymKeys
from store.declared_events import EventKeys
from tests.harness.filed_declarations import birth, death, with_child

Body = dict[str, Any]


def event_of(body: Body) -> str | None:
    return BIRTH_FILING.event(birth(body))


@pytest.fixture
def a_birth(bundled_factory: DeclarationFactory) -> Body:
    return bundled_factory.birth(next(bundled_factory.couples()))


# --- births ---------------------------------------------------------------------------------


def test_one_child_under_four_spellings_of_its_name_is_one_event(a_birth: Body) -> None:
    spellings = ["Nguyễn Thị Thuỷ Tiên", "Nguyễn Thị Thủy Tiên", "Nguyen Thi Thuy Tien"]
    # The same name typed in the decomposed form, as some keyboards send it.
    spellings.append(unicodedata.normalize("NFD", spellings[0]))
    assert spellings[3] != spellings[0]
    events = {event_of(with_child(a_birth, full_name=name)) for name in spellings}
    assert len(events) == 1 and None not in events


def test_the_same_child_filed_by_another_declarant_is_the_same_event(
    bundled_factory: DeclarationFactory,
) -> None:
    couple = next(bundled_factory.couples())
    by_mother = bundled_factory.birth(couple, declarant="mother")
    by_father = bundled_factory.birth(couple, declarant="father")
    by_father["child"]["date_of_birth"] = by_mother["child"]["date_of_birth"]
    assert by_mother["declarant"] != by_father["declarant"]
    assert event_of(by_mother) == event_of(by_father)


def test_twins_differ_by_birth_order_and_an_absent_order_is_the_first(a_birth: Body) -> None:
    unordered = event_of(a_birth)
    first = event_of(with_child(a_birth, birth_order=1))
    second = event_of(with_child(a_birth, birth_order=2))
    assert unordered == first
    assert second != first
    # Twins keep their birth orders apart whatever they are named.
    assert event_of(with_child(a_birth, birth_order=2, full_name="Trần Minh Khang")) == second


def test_another_day_or_another_mother_is_another_event(
    a_birth: Body, bundled_factory: DeclarationFactory
) -> None:
    day_before = with_child(a_birth, date_of_birth="2026-01-01")
    assert event_of(day_before) != event_of(a_birth)
    other_mother = copy.deepcopy(a_birth)
    other_mother["mother"] = bundled_factory.birth(next(bundled_factory.couples()))["mother"]
    assert event_of(other_mother) != event_of(a_birth)
    # A mother known by passport is another identity than any personal ID.
    by_passport = copy.deepcopy(a_birth)
    by_passport["mother"] |= {"personal_id": None, "passport_number": "C9876543"}
    by_passport["declarant"]["relationship"] = "father"
    assert event_of(by_passport) not in {event_of(a_birth), None}


def test_an_abandoned_child_is_known_by_its_discovery_record(
    bundled_factory: DeclarationFactory,
) -> None:
    caretaker = next(bundled_factory.caretakers())
    found = bundled_factory.abandoned_child_birth(caretaker)
    renamed = with_child(found, full_name="Lê Bảo An")
    assert event_of(found) is not None
    assert event_of(renamed) == event_of(found)
    # Another child found the same day by the same caretaker has a record of its own.
    another = copy.deepcopy(found)
    another["attachments"] = [attachment("abandonment_record")]
    assert event_of(another) != event_of(found)
    # Without a record (which the rules refuse anyway) nothing identifies it.
    without = copy.deepcopy(found)
    without["attachments"] = []
    assert birth_event(birth(without), []) is None


# --- deaths ---------------------------------------------------------------------------------


def test_a_death_is_the_persons_whoever_declares_it_and_whenever(
    bundled_factory: DeclarationFactory,
) -> None:
    deceased = next(bundled_factory.insured_people(lambda i: i.status == "pensioner"))
    first = death(bundled_factory.death(deceased))
    again = death(bundled_factory.death(deceased, died_days_ago=3, form="monthly"))
    assert first.deceased.date_of_death != again.deceased.date_of_death
    assert death_event(first) == death_event(again)
    someone_else = next(bundled_factory.insured_people(lambda i: i.status == "pensioner"))
    assert death_event(death(bundled_factory.death(someone_else))) != death_event(first)
    # A birth and a death are never the same event, whoever they name.
    assert not death_event(first).startswith("birth")


# --- which declarations stand for their event ----------------------------------------------


@pytest.mark.parametrize(
    ("state", "holds"),
    [
        (DeclarationState.RECEIVED, True),
        (DeclarationState.IN_PROGRESS, True),
        (DeclarationState.AWAITING_SUPPLEMENT, True),
        (DeclarationState.COMPLETED, True),
        # Its registration was granted (a step after it was not).
        (DeclarationState.PARTIALLY_COMPLETED, True),
        (DeclarationState.REJECTED, False),
        (DeclarationState.WITHDRAWN, False),
        (DeclarationState.FAILED, False),
    ],
)
def test_open_and_registered_declarations_hold_their_event(
    state: DeclarationState, holds: bool
) -> None:
    assert holds_event(state) is holds


# --- keyed hashes ---------------------------------------------------------------------------


def test_an_event_is_kept_as_a_keyed_hash_that_reveals_no_personal_id(a_birth: Body) -> None:
    identity = event_of(a_birth)
    assert identity is not None and a_birth["mother"]["personal_id"] in identity
    ring = PseudonymKeys({"k1": "first secret " * 3}, "k1")
    keys = EventKeys.of(ring, identity)
    assert a_birth["mother"]["personal_id"] not in keys.key
    assert keys.key.startswith("k1:") and len(keys.key) == len("k1:") + 64
    # Without the secret the same event gives another hash.
    assert EventKeys.of(PseudonymKeys({"k1": "other secret " * 3}, "k1"), identity).key != (
        keys.key
    )
    # After a rotation the event is recorded under the new key and still found under the old.
    rotated = EventKeys.of(
        PseudonymKeys({"k1": "first secret " * 3, "k2": "new " * 9}, "k2"), identity
    )
    assert rotated.key.startswith("k2:") and keys.key in rotated.known
