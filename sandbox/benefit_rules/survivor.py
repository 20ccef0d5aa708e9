"""The survivor benefit in the form the family asked for. A monthly benefit asked for when no
ground holds is paid as the lump sum, with a note saying why."""

from __future__ import annotations

from datetime import date

from sandbox.benefit_rules.base_salary import NoReferenceLevel, before_base_salary_table
from sandbox.benefit_rules.grounds import monthly_eligible, not_monthly_note
from sandbox.benefit_rules.outcomes import BenefitOutcome, no_record
from sandbox.benefit_rules.ranking import Relative
from sandbox.benefit_rules.survivor_lump_sum import lump_sum
from sandbox.benefit_rules.survivor_monthly import monthly
from sandbox.dataset import InsuredEntry


def survivor_benefit(
    record: InsuredEntry | None,
    date_of_death: date,
    form: str,
    relatives: list[Relative],
    cause_category: str = "illness",
) -> BenefitOutcome:
    if record is None:
        return no_record("survivor_benefit")
    if form == "monthly":
        if monthly_eligible(record, cause_category, date_of_death):
            try:
                return monthly(record, date_of_death, relatives, cause_category)
            except NoReferenceLevel:
                return before_base_salary_table("survivor_benefit", date_of_death)
        return lump_sum(
            record, date_of_death, note=not_monthly_note(record, cause_category, date_of_death)
        )
    return lump_sum(record, date_of_death)
