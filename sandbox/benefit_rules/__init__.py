"""Social security's benefit rules on a death, computed from its own records.

Every result names the rule it applied and the figures it used, so the family can redo the sum.
Its explanation is a language-free `Message` (texts in `messages/locales/*/benefits.po` and
`benefit_decisions.po`), so the family can read it in Vietnamese or English, with its amounts,
numbers and dates written as each language writes them. Amounts are whole VND, rounded half up.
The rules are pure: the day of the decision is given to them, never read from a clock.

One job a module:

- `outcomes`: what a rule returns, and the refusal and not-paid codes.
- `amounts`: rounding to the dong, and counts and lengths of time as explanations show them.
- `base_salary`: the base salary table, the level in force in a month, and over a span of months.
- `contributions`: contribution time, and its periods before and from 2014 (the odd-months rule).
- `funeral`: the funeral allowance.
- `grounds`: the four grounds of the monthly survivor benefit.
- `retirement_age`: the Labour Code's retirement age, by sex and year.
- `entitlement`: the relatives listed, and whether each is entitled to the monthly benefit.
- `ranking`: the relatives the monthly benefit pays: the entitled, at most four, the highest
  rates first; the others named with why.
- `survivor_lump_sum`, `survivor_monthly`: the survivor benefit in each form.
- `survivor`: the survivor benefit in the form asked for, when its grounds and relatives allow.

Everything the rules offer is importable from here.
"""

from __future__ import annotations

from sandbox.benefit_rules.amounts import duration, quantity
from sandbox.benefit_rules.base_salary import (
    BASE_SALARY_TABLE,
    NoReferenceLevel,
    base_salary_for_month_of,
    base_salary_periods,
    before_base_salary_table,
)
from sandbox.benefit_rules.contributions import (
    LUMP_SUM_MONTHS_PER_YEAR_BEFORE_2014,
    LUMP_SUM_MONTHS_PER_YEAR_FROM_2014,
    ODD_MONTHS_HALF_YEAR_UP_TO,
    ContributionPeriods,
    contribution_months,
    contribution_months_before_2014,
)
from sandbox.benefit_rules.entitlement import (
    CHILD_AGE_LIMIT_YEARS,
    MONTHLY_SHARE_NO_CARETAKER_PERCENT,
    MONTHLY_SHARE_PERCENT,
    REDUCED_CAPACITY_MIN_PERCENT,
    Entitlement,
    Relative,
    entitlement,
)
from sandbox.benefit_rules.funeral import (
    FUNERAL_MULTIPLE,
    SUSPENDED_FUNERAL_MIN_MONTHS,
    funeral_allowance,
    receives_monthly_occupational_benefit,
)
from sandbox.benefit_rules.grounds import (
    MONTHLY_MIN_CONTRIBUTION_MONTHS,
    MONTHLY_MIN_INCAPACITY_PERCENT,
    OCCUPATIONAL_CAUSES,
    monthly_eligible,
    monthly_grounds,
    occupational_death_on_record,
)
from sandbox.benefit_rules.outcomes import (
    NOT_ENTITLED_ADULT_CHILD,
    NOT_ENTITLED_INCOME,
    NOT_ENTITLED_UNDER_RETIREMENT_AGE,
    NOT_PAID_MORE_THAN_FOUR,
    REFUSAL_BEFORE_BASE_SALARY_TABLE,
    REFUSAL_NO_RECORD,
    REFUSAL_PENSION_RECORD_INCOMPLETE,
    REFUSAL_SUSPENDED_UNDER_12_MONTHS,
    ArrearsPeriod,
    BenefitOutcome,
    MonthlyShare,
    SurvivorOutcome,
    UnpaidRelative,
    no_record,
)
from sandbox.benefit_rules.ranking import MONTHLY_MAX_RELATIVES, RelativesChoice, choose_relatives
from sandbox.benefit_rules.retirement_age import (
    has_reached_retirement_age,
    retirement_age_months,
    retirement_date,
)
from sandbox.benefit_rules.survivor import survivor_benefit
from sandbox.benefit_rules.survivor_lump_sum import (
    LUMP_SUM_MIN_MONTHS,
    PENSIONER_LUMP_SUM_FULL_MONTHS,
    PENSIONER_LUMP_SUM_START_MONTHS,
    lump_sum,
)
from sandbox.benefit_rules.survivor_monthly import first_month_paid, monthly

__all__ = [
    "BASE_SALARY_TABLE",
    "CHILD_AGE_LIMIT_YEARS",
    "FUNERAL_MULTIPLE",
    "LUMP_SUM_MIN_MONTHS",
    "LUMP_SUM_MONTHS_PER_YEAR_BEFORE_2014",
    "LUMP_SUM_MONTHS_PER_YEAR_FROM_2014",
    "MONTHLY_MAX_RELATIVES",
    "MONTHLY_MIN_CONTRIBUTION_MONTHS",
    "MONTHLY_MIN_INCAPACITY_PERCENT",
    "MONTHLY_SHARE_NO_CARETAKER_PERCENT",
    "MONTHLY_SHARE_PERCENT",
    "NOT_ENTITLED_ADULT_CHILD",
    "NOT_ENTITLED_INCOME",
    "NOT_ENTITLED_UNDER_RETIREMENT_AGE",
    "NOT_PAID_MORE_THAN_FOUR",
    "OCCUPATIONAL_CAUSES",
    "ODD_MONTHS_HALF_YEAR_UP_TO",
    "PENSIONER_LUMP_SUM_FULL_MONTHS",
    "PENSIONER_LUMP_SUM_START_MONTHS",
    "REDUCED_CAPACITY_MIN_PERCENT",
    "REFUSAL_BEFORE_BASE_SALARY_TABLE",
    "REFUSAL_NO_RECORD",
    "REFUSAL_PENSION_RECORD_INCOMPLETE",
    "REFUSAL_SUSPENDED_UNDER_12_MONTHS",
    "SUSPENDED_FUNERAL_MIN_MONTHS",
    "ArrearsPeriod",
    "BenefitOutcome",
    "ContributionPeriods",
    "Entitlement",
    "MonthlyShare",
    "NoReferenceLevel",
    "Relative",
    "RelativesChoice",
    "SurvivorOutcome",
    "UnpaidRelative",
    "base_salary_for_month_of",
    "base_salary_periods",
    "before_base_salary_table",
    "choose_relatives",
    "contribution_months",
    "contribution_months_before_2014",
    "duration",
    "entitlement",
    "first_month_paid",
    "funeral_allowance",
    "has_reached_retirement_age",
    "lump_sum",
    "monthly",
    "monthly_eligible",
    "monthly_grounds",
    "no_record",
    "occupational_death_on_record",
    "quantity",
    "receives_monthly_occupational_benefit",
    "retirement_age_months",
    "retirement_date",
    "survivor_benefit",
]
