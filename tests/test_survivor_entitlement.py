"""Who among the relatives listed is entitled to the monthly survivor benefit, and the Labour
Code's retirement age it rests on: dates computed by hand, and properties over generated lists
of relatives."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from sandbox import benefit_rules
from schemas.identifiers import Sex, add_months

DIED = date(2026, 11, 20)

# --- the retirement age (Labour Code, Art. 169(2)) --------------------------------------------


@pytest.mark.parametrize(
    ("sex", "year", "years", "months"),
    [
        ("male", 2020, 60, 0),
        ("male", 2021, 60, 3),
        ("male", 2022, 60, 6),
        ("male", 2027, 61, 9),
        ("male", 2028, 62, 0),
        ("male", 2040, 62, 0),
        ("female", 2020, 55, 0),
        ("female", 2021, 55, 4),
        ("female", 2026, 57, 0),
        ("female", 2034, 59, 8),
        ("female", 2035, 60, 0),
        ("female", 2050, 60, 0),
    ],
)
def test_the_retirement_age_of_each_year(sex: Sex, year: int, years: int, months: int) -> None:
    assert benefit_rules.retirement_age_months(sex, year) == years * 12 + months


@pytest.mark.parametrize(
    ("sex", "born", "reaches"),
    [
        # 60 years 3 months in 2021: 15 January 1961 + 60y3m = 15 April 2021.
        ("male", date(1961, 1, 15), date(2021, 4, 15)),
        # 60y3m would fall in January 2022, when the age is 60y6m: 10 April 2022.
        ("male", date(1961, 10, 10), date(2022, 4, 10)),
        # 61y9m (the age of 2027) is reached on 20 December 2027, still in 2027.
        ("male", date(1966, 3, 20), date(2027, 12, 20)),
        # One month younger, 61y9m falls in 2028, when the age is 62: 1 April 2028.
        ("male", date(1966, 4, 1), date(2028, 4, 1)),
        # Before 2021: 60.
        ("male", date(1950, 6, 1), date(2010, 6, 1)),
        # 55 years 4 months in 2021: 1 May 1966 + 55y4m = 1 September 2021.
        ("female", date(1966, 5, 1), date(2021, 9, 1)),
        # 57y8m (2028) falls in 2030; 58y4m (2030) in 2031; 58y8m (2031): 12 August 2031.
        ("female", date(1972, 12, 12), date(2031, 8, 12)),
        # Past 2035: 60.
        ("female", date(1980, 1, 1), date(2040, 1, 1)),
    ],
)
def test_the_day_a_person_reaches_the_retirement_age(sex: Sex, born: date, reaches: date) -> None:
    assert benefit_rules.retirement_date(sex, born) == reaches
    assert benefit_rules.has_reached_retirement_age(sex, born, reaches)
    assert not benefit_rules.has_reached_retirement_age(sex, born, reaches - timedelta(days=1))


sexes = st.sampled_from(["male", "female"])
births = st.dates(date(1930, 1, 1), date(2010, 12, 31))


@given(sex=sexes, born=births)
def test_the_retirement_age_is_the_one_of_the_year_it_is_reached(sex: Sex, born: date) -> None:
    reached = benefit_rules.retirement_date(sex, born)
    age = benefit_rules.retirement_age_months(sex, reached.year)
    assert reached == add_months(born, age)
    lowest, highest = (60 * 12, 62 * 12) if sex == "male" else (55 * 12, 60 * 12)
    assert lowest <= age <= highest
    # The year before, that year's age had not yet been reached.
    earlier = benefit_rules.retirement_age_months(sex, reached.year - 1)
    assert add_months(born, earlier).year > reached.year - 1


@given(sex=sexes, born=births, later=st.integers(0, 3_000))
def test_a_younger_person_never_reaches_the_retirement_age_sooner(
    sex: Sex, born: date, later: int
) -> None:
    younger = born + timedelta(days=later)
    assert benefit_rules.retirement_date(sex, younger) >= benefit_rules.retirement_date(sex, born)


# --- each relative's entitlement --------------------------------------------------------------


def person_id(sex: Sex, born: date, n: int) -> str:
    digit = 2 * (born.year // 100 - 19) + (0 if sex == "male" else 1)
    return f"001{digit}{born.year % 100:02d}{n:06d}"


def relative(
    relationship: str,
    born: date,
    *,
    sex: Sex = "female",
    n: int = 1,
    reduction: int | None = None,
    income_below: bool = True,
    without_caretaker: bool = False,
) -> benefit_rules.Relative:
    return benefit_rules.Relative(
        person_id(sex, born, n),
        relationship,
        born,
        without_caretaker=without_caretaker,
        full_name=f"Phạm Thị {n}",
        working_capacity_reduction_percent=reduction,
        income_below_reference_level=income_below,
    )


def reason_code(r: benefit_rules.Relative) -> str | None:
    return benefit_rules.entitlement(r, DIED).reason_code


def test_a_child_under_18_is_entitled_whatever_their_income() -> None:
    # 18 on 21 November 2026, the day after the death.
    assert reason_code(relative("child", date(2008, 11, 21))) is None
    assert reason_code(relative("child", date(2008, 11, 21), income_below=False)) is None
    # 18 on the day of the death: no longer under 18.
    assert reason_code(relative("child", date(2008, 11, 20))) == "adult_child_able_to_work"


def test_a_child_born_after_the_death_is_entitled() -> None:
    assert reason_code(relative("child", date(2027, 3, 1))) is None


def test_a_child_of_any_age_with_81_percent_reduced_capacity_is_entitled() -> None:
    assert reason_code(relative("child", date(1975, 1, 1), reduction=81)) is None
    assert reason_code(relative("child", date(1975, 1, 1), reduction=80)) == (
        "adult_child_able_to_work"
    )
    # An adult still needs an income below the reference level.
    assert reason_code(relative("child", date(1975, 1, 1), reduction=90, income_below=False)) == (
        "income_not_below_reference_level"
    )


@pytest.mark.parametrize("relationship", ["spouse", "parent", "parent_in_law", "dependant"])
def test_an_adult_relative_is_entitled_from_the_retirement_age(relationship: str) -> None:
    # A woman reaching the retirement age in 2026 needs 57 years: one born on 20 November 1969
    # reaches it on the day of the death, one born a day later does not.
    assert reason_code(relative(relationship, date(1969, 11, 20))) is None
    younger = relative(relationship, date(1969, 11, 21))
    verdict = benefit_rules.entitlement(younger, DIED)
    assert verdict.reason_code == "under_retirement_age_able_to_work"
    assert verdict.reason is not None
    assert "21/11/2026" in verdict.reason.text("vi")  # 57 years on 21 November 2026
    # A man born the same day reaches his (62 years) only on 20 November 2031.
    assert reason_code(relative(relationship, date(1969, 11, 20), sex="male")) == (
        "under_retirement_age_able_to_work"
    )
    # Younger, with a working capacity reduced by 81% or more.
    assert reason_code(relative(relationship, date(1990, 1, 1), reduction=85)) is None


def test_an_adult_with_an_income_at_the_reference_level_is_not_entitled() -> None:
    verdict = benefit_rules.entitlement(
        relative("spouse", date(1950, 1, 1), income_below=False), DIED
    )
    assert verdict.reason_code == "income_not_below_reference_level"
    assert verdict.reason is not None
    assert "mức lương cơ sở" in verdict.reason.text("vi")
    assert "below the base salary" in verdict.reason.text("en")


def test_a_reason_names_the_relationship_and_capacity_in_words() -> None:
    verdict = benefit_rules.entitlement(relative("spouse", date(1980, 5, 5), reduction=40), DIED)
    assert verdict.reason is not None
    vietnamese, english = verdict.reason.text("vi"), verdict.reason.text("en")
    assert "với tư cách vợ/chồng" in vietnamese
    assert "suy giảm khả năng lao động 40%" in vietnamese
    assert "spouse" in english and "reduced by 40%" in english
    assert "spouse" not in vietnamese


# --- properties of the choice ----------------------------------------------------------------

relatives_lists = st.lists(
    st.builds(
        relative,
        relationship=st.sampled_from(["spouse", "child", "parent", "parent_in_law", "dependant"]),
        born=st.dates(date(1930, 1, 1), date(2027, 6, 30)),
        sex=sexes,
        n=st.integers(0, 999_999),
        reduction=st.none() | st.integers(0, 100),
        income_below=st.booleans(),
        without_caretaker=st.booleans(),
    ),
    max_size=10,
    unique_by=lambda r: r.personal_id,
)


@given(relatives=relatives_lists, data=st.data())
def test_a_relatives_entitlement_never_depends_on_the_order(
    relatives: list[benefit_rules.Relative], data: st.DataObject
) -> None:
    shuffled = data.draw(st.permutations(relatives))
    entitled = {r.personal_id for r in relatives if benefit_rules.entitlement(r, DIED).entitled}

    def not_entitled(order: list[benefit_rules.Relative]) -> dict[str, str]:
        choice = benefit_rules.choose_relatives(order, DIED)
        return {
            u.personal_id: u.reason_code
            for u in choice.not_paid
            if u.reason_code != "more_than_four_entitled"
        }

    assert not_entitled(relatives) == not_entitled(list(shuffled))
    assert set(not_entitled(relatives)) == {r.personal_id for r in relatives} - entitled


@given(relatives=relatives_lists)
def test_at_most_four_paid_and_each_relative_paid_or_not_exactly_once(
    relatives: list[benefit_rules.Relative],
) -> None:
    choice = benefit_rules.choose_relatives(relatives, DIED)
    paid = [r.personal_id for r in choice.paid]
    not_paid = [u.personal_id for u in choice.not_paid]
    assert len(paid) <= benefit_rules.MONTHLY_MAX_RELATIVES
    assert sorted(paid + not_paid) == sorted(r.personal_id for r in relatives)
    assert not set(paid) & set(not_paid)
    # Only the entitled are paid, and no entitled relative left out has a higher rate.
    assert all(benefit_rules.entitlement(r, DIED).entitled for r in choice.paid)
    left_out = [u for u in choice.not_paid if u.reason_code == "more_than_four_entitled"]
    if left_out:
        assert len(choice.paid) == benefit_rules.MONTHLY_MAX_RELATIVES
        assert max(u.percent or 0 for u in left_out) <= min(r.percent for r in choice.paid)
    # Everyone not paid is told why, in both languages.
    for unpaid in choice.not_paid:
        assert unpaid.reason.text("vi") and unpaid.reason.text("en")
        assert unpaid.reason.code.startswith("benefit.")
