"""Social security's benefit rules on a death, computed from its own records.

Every result names the rule it applied and the figures it used, so the family can redo the sum.
Its explanation is a language-free `Message` (texts in `messages/locales/*/benefits.po`), so the
family can read it in Vietnamese or English. Amounts are whole VND, rounded half up.

One job a module:

- `outcomes`: what a rule returns, and the refusal codes.
- `amounts`: rounding to the dong, and counts and lengths of time in words.
- `base_salary`: the base salary table and the level in force in a month.
- `contributions`: contribution time, and its periods before and from 2014 (the odd-months rule).
- `funeral`: the funeral allowance.
- `grounds`: the four grounds of the monthly survivor benefit.
- `ranking`: the relatives of the monthly benefit: at most four paid, the highest rates first.
- `survivor_lump_sum`, `survivor_monthly`: the survivor benefit in each form.
- `survivor`: the survivor benefit in the form asked for, when its grounds allow.

Everything the rules offer is importable from here.
"""

from __future__ import annotations

from sandbox.benefit_rules.amounts import duration, quantity
from sandbox.benefit_rules.base_salary import (
    BASE_SALARY_TABLE,
    NoReferenceLevel,
    base_salary_for_month_of,
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
from sandbox.benefit_rules.funeral import (
    FUNERAL_MULTIPLE,
    SUSPENDED_FUNERAL_MIN_MONTHS,
    funeral_allowance,
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
    REFUSAL_BEFORE_BASE_SALARY_TABLE,
    REFUSAL_NO_RECORD,
    REFUSAL_SUSPENDED_UNDER_12_MONTHS,
    BenefitOutcome,
    MonthlyShare,
    SurvivorOutcome,
    UnpaidRelative,
    no_record,
)
from sandbox.benefit_rules.ranking import (
    MONTHLY_MAX_RELATIVES,
    MONTHLY_SHARE_NO_CARETAKER_PERCENT,
    MONTHLY_SHARE_PERCENT,
    Relative,
    paid_relatives,
)
from sandbox.benefit_rules.survivor import survivor_benefit
from sandbox.benefit_rules.survivor_lump_sum import (
    LUMP_SUM_MIN_MONTHS,
    PENSIONER_LUMP_SUM_FULL_MONTHS,
    PENSIONER_LUMP_SUM_START_MONTHS,
    lump_sum,
)
from sandbox.benefit_rules.survivor_monthly import monthly

__all__ = [
    "BASE_SALARY_TABLE",
    "FUNERAL_MULTIPLE",
    "LUMP_SUM_MIN_MONTHS",
    "LUMP_SUM_MONTHS_PER_YEAR_BEFORE_2014",
    "LUMP_SUM_MONTHS_PER_YEAR_FROM_2014",
    "MONTHLY_MAX_RELATIVES",
    "MONTHLY_MIN_CONTRIBUTION_MONTHS",
    "MONTHLY_MIN_INCAPACITY_PERCENT",
    "MONTHLY_SHARE_NO_CARETAKER_PERCENT",
    "MONTHLY_SHARE_PERCENT",
    "OCCUPATIONAL_CAUSES",
    "ODD_MONTHS_HALF_YEAR_UP_TO",
    "PENSIONER_LUMP_SUM_FULL_MONTHS",
    "PENSIONER_LUMP_SUM_START_MONTHS",
    "REFUSAL_BEFORE_BASE_SALARY_TABLE",
    "REFUSAL_NO_RECORD",
    "REFUSAL_SUSPENDED_UNDER_12_MONTHS",
    "SUSPENDED_FUNERAL_MIN_MONTHS",
    "BenefitOutcome",
    "ContributionPeriods",
    "MonthlyShare",
    "NoReferenceLevel",
    "Relative",
    "SurvivorOutcome",
    "UnpaidRelative",
    "base_salary_for_month_of",
    "before_base_salary_table",
    "contribution_months",
    "contribution_months_before_2014",
    "duration",
    "funeral_allowance",
    "lump_sum",
    "monthly",
    "monthly_eligible",
    "monthly_grounds",
    "no_record",
    "occupational_death_on_record",
    "paid_relatives",
    "quantity",
    "survivor_benefit",
]
