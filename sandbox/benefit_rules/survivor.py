"""The survivor benefit in the form the family asked for. A monthly benefit asked for when no
ground holds, or when none of the relatives listed is entitled to it, is paid as the lump sum,
with a note saying why (and, in the second case, each relative with why they are not)."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

from messages import Message
from sandbox.benefit_rules.base_salary import NoReferenceLevel, before_base_salary_table
from sandbox.benefit_rules.entitlement import Relative
from sandbox.benefit_rules.grounds import monthly_grounds, not_monthly_note
from sandbox.benefit_rules.outcomes import BenefitOutcome, no_record
from sandbox.benefit_rules.ranking import choose_relatives
from sandbox.benefit_rules.survivor_lump_sum import lump_sum
from sandbox.benefit_rules.survivor_monthly import monthly
from sandbox.dataset import InsuredEntry


def survivor_benefit(
    record: InsuredEntry | None,
    date_of_death: date,
    form: str,
    relatives: list[Relative],
    *,
    today: date,
    cause_category: str = "illness",
) -> BenefitOutcome:
    """`today` is the day social security decides: the monthly amounts are stated as of it."""
    if record is None:
        return no_record("survivor_benefit")
    if form != "monthly":
        return lump_sum(record, date_of_death)
    grounds = monthly_grounds(record, cause_category, date_of_death)
    if not grounds:
        return lump_sum(
            record, date_of_death, note=not_monthly_note(record, cause_category, date_of_death)
        )
    choice = choose_relatives(relatives, date_of_death)
    if not choice.paid:
        note = Message.of("benefit.monthly_no_relative_entitled", ground=grounds[0])
        return replace(lump_sum(record, date_of_death, note=note), not_paid=choice.not_paid)
    try:
        return monthly(record, date_of_death, choice, today=today, cause_category=cause_category)
    except NoReferenceLevel:
        return before_base_salary_table("survivor_benefit", date_of_death)
