"""The four grounds (SI Law 2024, Art. 86) on which the survivor benefit is paid monthly, and why
it is not when none holds."""

from __future__ import annotations

from datetime import date

from messages import Message
from sandbox.benefit_rules.amounts import duration
from sandbox.benefit_rules.contributions import contribution_months
from sandbox.dataset import InsuredEntry

MONTHLY_MIN_CONTRIBUTION_MONTHS = 15 * 12
MONTHLY_MIN_INCAPACITY_PERCENT = 61

OCCUPATIONAL_CAUSES = frozenset({"occupational_accident", "occupational_disease"})


def occupational_death_on_record(
    record: InsuredEntry, cause_category: str, date_of_death: date
) -> bool:
    """The declared occupational cause agrees with the accident or disease VSS has on record,
    which happened no later than the death."""
    return (
        cause_category in OCCUPATIONAL_CAUSES
        and record.occupational_incident_kind == cause_category
        and (
            record.occupational_incident_on is None
            or record.occupational_incident_on <= date_of_death
        )
    )


def monthly_grounds(
    record: InsuredEntry, cause_category: str = "illness", date_of_death: date | None = None
) -> list[Message]:
    """Each ground (SI Law 2024, Art. 86) on which the monthly benefit is due, in the law's
    order; empty when none holds."""
    grounds: list[Message] = []
    months = contribution_months(record)
    if months >= MONTHLY_MIN_CONTRIBUTION_MONTHS:
        grounds.append(
            Message.of("benefit.monthly_ground.contributions", contributed=duration(months))
        )
    if record.status == "pensioner":
        grounds.append(Message.of("benefit.monthly_ground.pensioner"))
    if date_of_death is not None and occupational_death_on_record(
        record, cause_category, date_of_death
    ):
        grounds.append(Message.of(f"benefit.monthly_ground.{cause_category}"))
    incapacity = record.occupational_incapacity_percent
    if incapacity is not None and incapacity >= MONTHLY_MIN_INCAPACITY_PERCENT:
        grounds.append(Message.of("benefit.monthly_ground.incapacity", percent=incapacity))
    return grounds


def monthly_eligible(
    record: InsuredEntry, cause_category: str = "illness", date_of_death: date | None = None
) -> bool:
    return bool(monthly_grounds(record, cause_category, date_of_death))


def not_monthly_note(record: InsuredEntry, cause_category: str, date_of_death: date) -> Message:
    """Why the monthly benefit asked for is not due, naming the declared occupational cause
    when VSS's records do not bear it out."""
    if cause_category in OCCUPATIONAL_CAUSES and not occupational_death_on_record(
        record, cause_category, date_of_death
    ):
        return Message.of(
            "benefit.monthly_not_due.occupational_unconfirmed",
            cause=Message.of(f"benefit.cause.{cause_category}"),
            contributed=duration(contribution_months(record)),
        )
    return Message.of("benefit.monthly_not_due", contributed=duration(contribution_months(record)))
