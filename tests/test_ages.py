"""One age rule on Viet Nam's date: the child under 6 at the portal's intake and the 72 months
of the child's free health-insurance card at social security give the same answer for the same
child on the same day, 29 February included. Figures counted by hand."""

from __future__ import annotations

import copy
from datetime import UTC, date, datetime
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from devstack.declaration_factory import DeclarationFactory
from sandbox.social_security.cards import free_card_valid_to
from schemas.ages import CHILD_CARD_MONTHS, anniversary, is_under_months, months_old, years_old
from schemas.local_time import viet_nam_date
from tests.harness.intake_checks import refusal_detail, rule_context

LEAP_DAY_CHILD = date(2020, 2, 29)
DAYS = st.dates(date(1950, 1, 1), date(2070, 12, 31))


_BIRTHS: dict[int, dict[str, Any]] = {}


def _one_birth(factory: DeclarationFactory) -> dict[str, Any]:
    """One well-formed birth of the factory's people, reused: only its date changes."""
    if id(factory) not in _BIRTHS:
        _BIRTHS[id(factory)] = factory.birth(next(factory.couples()))
    return copy.deepcopy(_BIRTHS[id(factory)])


def _intake_says_too_old(factory: DeclarationFactory, born: date, today: date) -> bool:
    body = _one_birth(factory)
    body["child"]["date_of_birth"] = born.isoformat()
    problems = refusal_detail("birth", body, rule_context(today))
    return any(p["type"] == "child_too_old" for p in problems)


def test_a_child_born_on_29_february_is_72_months_old_on_28_february() -> None:
    # 2026 has no 29 February: the 72nd month ends on the month's last day (Civil Code,
    # Art. 148(3)), 28 February 2026.
    assert anniversary(LEAP_DAY_CHILD, CHILD_CARD_MONTHS) == date(2026, 2, 28)
    assert months_old(LEAP_DAY_CHILD, date(2026, 2, 27)) == 71
    assert months_old(LEAP_DAY_CHILD, date(2026, 2, 28)) == 72
    assert years_old(LEAP_DAY_CHILD, date(2026, 2, 27)) == 5
    assert years_old(LEAP_DAY_CHILD, date(2026, 2, 28)) == 6
    # In a leap year the day itself: 48 months on 29 February 2024, not the 28th.
    assert months_old(LEAP_DAY_CHILD, date(2024, 2, 28)) == 47
    assert months_old(LEAP_DAY_CHILD, date(2024, 2, 29)) == 48


@pytest.mark.parametrize(
    ("born", "on", "months"),
    [
        (date(2020, 11, 20), date(2026, 11, 19), 71),
        (date(2020, 11, 20), date(2026, 11, 20), 72),
        # One month after 31 January is 28 (or 29) February; after 31 August, 30 September.
        (date(2026, 1, 31), date(2026, 2, 27), 0),
        (date(2026, 1, 31), date(2026, 2, 28), 1),
        (date(2028, 1, 31), date(2028, 2, 29), 1),
        (date(2026, 8, 31), date(2026, 9, 30), 1),
        (date(2026, 8, 31), date(2026, 10, 30), 1),
        (date(2026, 8, 31), date(2026, 10, 31), 2),
    ],
)
def test_months_of_age_counted_by_hand(born: date, on: date, months: int) -> None:
    assert months_old(born, on) == months


def test_intake_and_social_security_agree_on_the_leap_day_child(
    bundled_factory: DeclarationFactory,
) -> None:
    # Filed on 28 February 2026: 72 months old that day, so past the joint procedure at intake
    # and past the free card at social security.
    filed = date(2026, 2, 28)
    assert _intake_says_too_old(bundled_factory, LEAP_DAY_CHILD, filed)
    assert free_card_valid_to(LEAP_DAY_CHILD, filed) is None
    # A day earlier both take the child, and the card runs until 28 February 2026.
    day_before = date(2026, 2, 27)
    assert not _intake_says_too_old(bundled_factory, LEAP_DAY_CHILD, day_before)
    assert free_card_valid_to(LEAP_DAY_CHILD, day_before) == date(2026, 2, 28)


def test_the_card_counts_on_viet_nams_date_not_utcs() -> None:
    # 17:30 UTC on 27 February 2026 is 00:30 on 28 February in Hà Nội: the child is 72 months
    # old there, though the UTC date is still the 27th.
    moment = datetime(2026, 2, 27, 17, 30, tzinfo=UTC)
    assert moment.date() == date(2026, 2, 27)
    assert viet_nam_date(moment) == date(2026, 2, 28)
    assert free_card_valid_to(LEAP_DAY_CHILD, viet_nam_date(moment)) is None
    # The portal's intake reads the same date off the same moment.
    assert rule_context(viet_nam_date(moment)).today == date(2026, 2, 28)


def test_a_moment_without_its_time_zone_has_no_date_in_viet_nam() -> None:
    with pytest.raises(ValueError, match="time zone"):
        viet_nam_date(datetime(2026, 2, 27, 17, 30))  # noqa: DTZ001 - the case under test


@given(DAYS, DAYS)
def test_an_age_lies_between_two_anniversaries(born: date, on: date) -> None:
    months = months_old(born, on)
    assert anniversary(born, months) <= on < anniversary(born, months + 1)
    assert years_old(born, on) == months // 12


@given(DAYS, DAYS)
def test_the_card_and_the_intake_rule_are_one_rule(born: date, on: date) -> None:
    valid_to = free_card_valid_to(born, on)
    under_six = born <= on and months_old(born, on) < CHILD_CARD_MONTHS
    assert (valid_to is not None) is under_six is is_under_months(born, on, CHILD_CARD_MONTHS)
    if valid_to is not None:
        assert valid_to == anniversary(born, CHILD_CARD_MONTHS) > on


@given(
    born=st.dates(date(2019, 1, 1), date(2026, 12, 31)),
    today=st.dates(date(2024, 1, 1), date(2032, 12, 31)),
)
def test_intake_refuses_exactly_the_children_social_security_would_not_card(
    bundled_factory: DeclarationFactory, born: date, today: date
) -> None:
    """The portal's own 422 (through the intake rules) against the card's rule."""
    if born > today:
        return
    body = _one_birth(bundled_factory)
    body["child"]["date_of_birth"] = born.isoformat()
    problems = refusal_detail("birth", body, rule_context(today))
    too_old = any(p["type"] == "child_too_old" for p in problems)
    assert too_old is (free_card_valid_to(born, today) is None)
