"""What a benefit rule returns: covered or refused, the rule applied, its explanation and figures,
and for the survivor benefit the relatives paid and those not paid, each with why."""

from __future__ import annotations

from dataclasses import dataclass, field

from messages import Message

REFUSAL_NO_RECORD = "no_social_insurance_record"
REFUSAL_BEFORE_BASE_SALARY_TABLE = "death_before_base_salary_table"
REFUSAL_SUSPENDED_UNDER_12_MONTHS = "suspended_under_12_months"
REFUSAL_PENSION_RECORD_INCOMPLETE = "pension_record_incomplete"

# Why a relative listed for the monthly survivor benefit is not paid.
NOT_ENTITLED_ADULT_CHILD = "adult_child_able_to_work"
NOT_ENTITLED_UNDER_RETIREMENT_AGE = "under_retirement_age_able_to_work"
NOT_ENTITLED_INCOME = "income_not_below_reference_level"
NOT_PAID_MORE_THAN_FOUR = "more_than_four_entitled"


@dataclass(frozen=True)
class BenefitOutcome:
    covered: bool
    rule: str
    explanation: Message
    figures: dict[str, int | float | str] = field(default_factory=dict)
    amount_vnd: int = 0
    # Why it is not covered, as a stable code; None when covered.
    refusal: str | None = None


@dataclass(frozen=True)
class MonthlyShare:
    personal_id: str
    relationship: str
    percent: int
    amount_vnd: int
    full_name: str = ""


@dataclass(frozen=True)
class UnpaidRelative:
    """A relative listed for the monthly benefit and not paid: not entitled, or entitled but
    left out because four others have higher or equal rates (then `percent` is their rate)."""

    personal_id: str
    relationship: str
    reason_code: str
    reason: Message
    percent: int | None = None
    full_name: str = ""


@dataclass(frozen=True)
class ArrearsPeriod:
    """Months already due when the benefit is decided, at one base salary: `first_month` to
    `last_month` ("YYYY-MM"), both included."""

    first_month: str
    last_month: str
    monthly_amount_vnd: int
    months: int

    @property
    def amount_vnd(self) -> int:
        return self.monthly_amount_vnd * self.months


@dataclass(frozen=True)
class SurvivorOutcome(BenefitOutcome):
    form: str = "lump_sum"
    monthly_amount_vnd: int | None = None
    shares: tuple[MonthlyShare, ...] = ()
    not_paid: tuple[UnpaidRelative, ...] = ()
    # The monthly benefit: its first month ("YYYY-MM") and the months already due.
    first_month: str | None = None
    arrears: tuple[ArrearsPeriod, ...] = ()


def no_record(benefit: str) -> BenefitOutcome:
    return BenefitOutcome(
        covered=False,
        rule="not_covered.no_record",
        explanation=Message.of(
            "benefit.refusal.no_social_insurance_record",
            benefit=Message.of(f"benefit.name.{benefit}"),
        ),
        refusal=REFUSAL_NO_RECORD,
    )
