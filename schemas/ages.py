"""A person's age on a day, by one rule for every age limit: the child under 6 at intake, the
72-month validity of a child's health-insurance card, a parent's minimum age, a beneficiary's.

A person is `n` months old from the day `n` months after their birth: the same day of the month,
or, in a month without that day, its last day. That is how the Civil Code (2015, Art. 148(3))
ends a period counted in months ("nếu tháng kết thúc thời hạn không có ngày tương ứng thì thời hạn
kết thúc vào ngày cuối cùng của tháng đó"), and a year is twelve such months. So a child born on
29 February 2020 is 72 months (6 years) old on 28 February 2026, and one born on 31 August turns
one month old on 30 September.

Ages are counted on Viet Nam's calendar date (`schemas.local_time.viet_nam_date`); the callers
pass that date, never a UTC one.
"""

from __future__ import annotations

from datetime import date

from schemas.identifiers import add_months

# The free health-insurance card covers a child until 72 months old (Law on Health Insurance,
# Art. 16); the birth group's interconnected procedures are for a child under 6 years, the same
# limit counted in months.
CHILD_CARD_MONTHS = 72


def anniversary(born: date, months: int) -> date:
    """The day a person born on `born` is `months` months old."""
    return add_months(born, months)


def months_old(born: date, on: date) -> int:
    """Whole months of age on `on`; negative before the birth."""
    months = (on.year - born.year) * 12 + on.month - born.month
    if anniversary(born, months) > on:
        months -= 1
    return months


def years_old(born: date, on: date) -> int:
    """Whole years of age on `on`: twelve months a year, by the same anniversaries."""
    return months_old(born, on) // 12


def is_under_months(born: date, on: date, months: int) -> bool:
    """Born by `on`, and not yet `months` months old that day."""
    return born <= on < anniversary(born, months)
