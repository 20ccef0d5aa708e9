"""The base salary (lương cơ sở) in force on a day or over a span of months, and the refusal for
a death before the table."""

from __future__ import annotations

from datetime import date

from messages import Message
from sandbox.benefit_rules.outcomes import REFUSAL_BEFORE_BASE_SALARY_TABLE, BenefitOutcome
from schemas.identifiers import add_months

# The base salary and the day each level took effect. Older levels stay in the table because a
# death may be declared long after it happened.
BASE_SALARY_TABLE: tuple[tuple[date, int], ...] = (
    (date(2012, 5, 1), 1_050_000),
    (date(2013, 7, 1), 1_150_000),
    (date(2016, 5, 1), 1_210_000),
    (date(2017, 7, 1), 1_300_000),
    (date(2018, 7, 1), 1_390_000),
    (date(2019, 7, 1), 1_490_000),
    (date(2023, 7, 1), 1_800_000),
    (date(2024, 7, 1), 2_340_000),
)


class NoReferenceLevel(ValueError):
    """The date is before the first base salary in the table."""

    def __init__(self, day: date) -> None:
        super().__init__(day.isoformat())
        self.day = day


def base_salary_for_month_of(day: date) -> tuple[date, int]:
    """The base salary in force in the month of `day`, and the date it took effect."""
    first_of_month = day.replace(day=1)
    in_force = [(start, amount) for start, amount in BASE_SALARY_TABLE if start <= first_of_month]
    if not in_force:
        raise NoReferenceLevel(day)
    return in_force[-1]


def base_salary_periods(first: date, last: date) -> list[tuple[date, date, int]]:
    """The months from the month of `first` to the month of `last`, both included, split where
    the base salary changes: each period's first and last month (their first days) and the
    level in force in it. Empty when `last` is in an earlier month than `first`."""
    periods: list[tuple[date, date, int]] = []
    month, end = first.replace(day=1), last.replace(day=1)
    while month <= end:
        _, level = base_salary_for_month_of(month)
        if periods and periods[-1][2] == level:
            periods[-1] = (periods[-1][0], month, level)
        else:
            periods.append((month, month, level))
        month = add_months(month, 1)
    return periods


def before_base_salary_table(benefit: str, day: date) -> BenefitOutcome:
    """The plain refusal for a death before the first base salary in the table."""
    first = BASE_SALARY_TABLE[0][0]
    return BenefitOutcome(
        covered=False,
        rule=f"not_covered.{REFUSAL_BEFORE_BASE_SALARY_TABLE}",
        explanation=Message.of(
            "benefit.refusal.death_before_base_salary_table",
            benefit=Message.of(f"benefit.name.{benefit}"),
            date_of_death=day.isoformat(),
            table_start=first.isoformat(),
        ),
        figures={"date_of_death": day.isoformat(), "base_salary_table_from": first.isoformat()},
        refusal=REFUSAL_BEFORE_BASE_SALARY_TABLE,
    )
