"""What a benefit rule returns: covered or refused, the rule applied, its explanation and figures,
and for the survivor benefit the relatives paid and those left out."""

from __future__ import annotations

from dataclasses import dataclass, field

from messages import Message

REFUSAL_NO_RECORD = "no_social_insurance_record"
REFUSAL_BEFORE_BASE_SALARY_TABLE = "death_before_base_salary_table"
REFUSAL_SUSPENDED_UNDER_12_MONTHS = "suspended_under_12_months"


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
    """An entitled relative left out because four others have higher or equal rates."""

    personal_id: str
    relationship: str
    percent: int
    reason: Message
    full_name: str = ""


@dataclass(frozen=True)
class SurvivorOutcome(BenefitOutcome):
    form: str = "lump_sum"
    monthly_amount_vnd: int | None = None
    shares: tuple[MonthlyShare, ...] = ()
    not_paid: tuple[UnpaidRelative, ...] = ()


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
