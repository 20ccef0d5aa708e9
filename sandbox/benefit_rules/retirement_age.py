"""The retirement age of the Labour Code, Art. 169(2), in normal working conditions: from 2021
men retire at 60 years 3 months and women at 55 years 4 months, rising each year by 3 months
for men until 62 (in 2028) and by 4 months for women until 60 (in 2035). Before 2021 it was 60
and 55.

The age that applies to a person is the one of the year in which they reach it (Decree
135/2020, Annex I): a man born in October 1961 is not yet 60 years 3 months in 2021, and in
2022 needs 60 years 6 months, which he reaches in April 2022.
"""

from __future__ import annotations

from datetime import date

from schemas.identifiers import Sex, add_months

SCHEDULE_START_YEAR = 2021
# (age before the schedule, age in its first year, months added a year, final age), in months.
_SCHEDULE: dict[Sex, tuple[int, int, int, int]] = {
    "male": (60 * 12, 60 * 12 + 3, 3, 62 * 12),
    "female": (55 * 12, 55 * 12 + 4, 4, 60 * 12),
}


def retirement_age_months(sex: Sex, year: int) -> int:
    """The retirement age, in months, for a person who reaches it in `year`."""
    before, first, step, final = _SCHEDULE[sex]
    if year < SCHEDULE_START_YEAR:
        return before
    return min(final, first + step * (year - SCHEDULE_START_YEAR))


def retirement_date(sex: Sex, born: date) -> date:
    """The day a person born on `born` reaches the retirement age.

    It is the first year in which the person has reached that year's age by the year's end. The
    age rises by at most four months a year, so that year is the one the day falls in."""
    year = born.year + _SCHEDULE[sex][0] // 12
    while True:
        reached = add_months(born, retirement_age_months(sex, year))
        if reached.year <= year:
            return reached
        year += 1


def has_reached_retirement_age(sex: Sex, born: date, on: date) -> bool:
    return retirement_date(sex, born) <= on
