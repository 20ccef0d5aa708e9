"""Who among the relatives listed is entitled to the monthly survivor benefit (SI Law 2024,
Art. 86(2); the same categories as SI Law 2014, Art. 67(2)), judged on the date of death:

- a child under 18, including one born after the death;
- a child of any age whose working capacity is reduced by 81% or more;
- a spouse, a parent or parent-in-law, or another family member the deceased had to support,
  who has reached the retirement age (Labour Code, Art. 169(2)), or is younger with a working
  capacity reduced by 81% or more;
- and, for everyone but a child under 18, no income or a monthly income below the reference
  level, as the relative declares.

A reduced working capacity is the one the medical assessment council's record states, which the
declaration carries (the portal refuses a percentage without it)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from messages import Message
from sandbox.benefit_rules.outcomes import (
    NOT_ENTITLED_ADULT_CHILD,
    NOT_ENTITLED_INCOME,
    NOT_ENTITLED_UNDER_RETIREMENT_AGE,
)
from sandbox.benefit_rules.retirement_age import retirement_date
from schemas.identifiers import add_months, parse_personal_id

CHILD_AGE_LIMIT_YEARS = 18
REDUCED_CAPACITY_MIN_PERCENT = 81

MONTHLY_SHARE_PERCENT = 50
MONTHLY_SHARE_NO_CARETAKER_PERCENT = 70


@dataclass(frozen=True)
class Relative:
    """A relative as the declaration lists them for the survivor benefit."""

    personal_id: str
    relationship: str
    date_of_birth: date
    # No one directly cares for them: 70% of the reference level instead of 50%.
    without_caretaker: bool = False
    full_name: str = ""
    # As the medical assessment council's record states it, when one is attached.
    working_capacity_reduction_percent: int | None = None
    # As the relative declares: no income, or a monthly income below the reference level.
    income_below_reference_level: bool = True

    @property
    def percent(self) -> int:
        return (
            MONTHLY_SHARE_NO_CARETAKER_PERCENT if self.without_caretaker else MONTHLY_SHARE_PERCENT
        )

    @property
    def severely_reduced_capacity(self) -> bool:
        reduction = self.working_capacity_reduction_percent
        return reduction is not None and reduction >= REDUCED_CAPACITY_MIN_PERCENT


@dataclass(frozen=True)
class Entitlement:
    """Whether a relative is entitled and, when not, why (a stable code and its words)."""

    entitled: bool
    reason_code: str | None = None
    reason: Message | None = None


ENTITLED = Entitlement(entitled=True)


def _capacity(relative: Relative) -> Message:
    if relative.working_capacity_reduction_percent is None:
        return Message.of("benefit.capacity.not_declared")
    return Message.of(
        "benefit.capacity.percent", percent=relative.working_capacity_reduction_percent
    )


def _not_entitled(code: str, **words: str | int | Message) -> Entitlement:
    return Entitlement(
        entitled=False, reason_code=code, reason=Message.of(f"benefit.relative.{code}", **words)
    )


def is_minor_child(relative: Relative, date_of_death: date) -> bool:
    """A child under 18 on the date of death; a child born after it is under 18 too."""
    turns_18 = add_months(relative.date_of_birth, CHILD_AGE_LIMIT_YEARS * 12)
    return relative.relationship == "child" and date_of_death < turns_18


def entitlement(relative: Relative, date_of_death: date) -> Entitlement:
    """The relative's entitlement, from what is known of them alone: never from the others
    listed, nor from their place in the list."""
    if is_minor_child(relative, date_of_death):
        return ENTITLED
    if relative.relationship == "child":
        if not relative.severely_reduced_capacity:
            return _not_entitled(
                NOT_ENTITLED_ADULT_CHILD,
                born=relative.date_of_birth.isoformat(),
                capacity=_capacity(relative),
            )
    else:
        sex = parse_personal_id(relative.personal_id).sex
        retires_on = retirement_date(sex, relative.date_of_birth)
        if retires_on > date_of_death and not relative.severely_reduced_capacity:
            return _not_entitled(
                NOT_ENTITLED_UNDER_RETIREMENT_AGE,
                relationship=Message.of(f"benefit.relationship.{relative.relationship}"),
                date_of_death=date_of_death.isoformat(),
                retires_on=retires_on.isoformat(),
                capacity=_capacity(relative),
            )
    if not relative.income_below_reference_level:
        return _not_entitled(NOT_ENTITLED_INCOME)
    return ENTITLED
