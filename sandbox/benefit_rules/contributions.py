"""Contribution time on record: in months, and split at 1 January 2014 with the odd months counted
as VSS counts them."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from sandbox.dataset import InsuredEntry

LUMP_SUM_MONTHS_PER_YEAR_BEFORE_2014 = Decimal("1.5")
LUMP_SUM_MONTHS_PER_YEAR_FROM_2014 = Decimal(2)
# Odd months (Circular 59/2015): up to this many count as half a year, more as a full year.
ODD_MONTHS_HALF_YEAR_UP_TO = 6


def contribution_months(record: InsuredEntry) -> int:
    return round(record.contribution_years * 12)


def contribution_months_before_2014(record: InsuredEntry) -> int:
    return min(contribution_months(record), round(record.contribution_years_before_2014 * 12))


@dataclass(frozen=True)
class ContributionPeriods:
    """Contribution time split at 1 January 2014, with odd months counted as VSS counts them:
    the odd months before 2014 carry over into the period from 2014, whose odd months then count
    as half a year (1-6) or a full year (7-11)."""

    months_before_2014: int
    months_from_2014: int

    @property
    def years_before_2014(self) -> int:
        return self.months_before_2014 // 12

    @property
    def carried_months(self) -> int:
        return self.months_before_2014 % 12

    @property
    def counted_months_from_2014(self) -> int:
        return self.months_from_2014 + self.carried_months

    @property
    def years_from_2014(self) -> Decimal:
        whole, odd = divmod(self.counted_months_from_2014, 12)
        if odd == 0:
            return Decimal(whole)
        return Decimal(whole) + (
            Decimal("0.5") if odd <= ODD_MONTHS_HALF_YEAR_UP_TO else Decimal(1)
        )

    @property
    def months_of_salary(self) -> Decimal:
        return (
            LUMP_SUM_MONTHS_PER_YEAR_BEFORE_2014 * self.years_before_2014
            + LUMP_SUM_MONTHS_PER_YEAR_FROM_2014 * self.years_from_2014
        )

    @classmethod
    def of(cls, record: InsuredEntry) -> ContributionPeriods:
        before = contribution_months_before_2014(record)
        return cls(months_before_2014=before, months_from_2014=contribution_months(record) - before)
