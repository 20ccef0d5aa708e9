"""Social security's benefit rules on a death, computed from its own records.

Every result names the rule it applied and the figures it used, so the family can redo the sum.
Its explanation is a language-free `Message` (texts in `messages/locales/*/benefits.po`), so the
family can read it in Vietnamese or English. Amounts are whole VND, rounded half up.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from messages import Message
from sandbox.dataset import InsuredEntry

# The base salary (lương cơ sở) and the day each level took effect. Older levels stay in the
# table because a death may be declared long after it happened.
BASE_SALARY_TABLE: tuple[tuple[date, int], ...] = (
    (date(2012, 5, 1), 1_050_000),
    (date(2013, 7, 1), 1_150_000),
    (date(2016, 5, 1), 1_210_000),
    (date(2017, 7, 1), 1_300_000),
    (date(2018, 7, 1), 1_390_000),
    (date(2019, 7, 1), 1_490_000),
    (date(2023, 7, 1), 1_800_000),
    (date(2024, 7, 1), 2_340_000),
)
FUNERAL_MULTIPLE = 10
MONTHLY_SHARE_PERCENT = 50
MONTHLY_SHARE_NO_CARETAKER_PERCENT = 70
MONTHLY_MAX_RELATIVES = 4
MONTHLY_MIN_CONTRIBUTION_MONTHS = 15 * 12
MONTHLY_MIN_INCAPACITY_PERCENT = 61
SUSPENDED_FUNERAL_MIN_MONTHS = 12
PENSIONER_LUMP_SUM_START_MONTHS = Decimal(48)
PENSIONER_LUMP_SUM_FULL_MONTHS = 2
LUMP_SUM_MIN_MONTHS = Decimal(3)
LUMP_SUM_MONTHS_PER_YEAR_BEFORE_2014 = Decimal("1.5")
LUMP_SUM_MONTHS_PER_YEAR_FROM_2014 = Decimal(2)
# Odd months (Circular 59/2015): up to this many count as half a year, more as a full year.
ODD_MONTHS_HALF_YEAR_UP_TO = 6

OCCUPATIONAL_CAUSES = frozenset({"occupational_accident", "occupational_disease"})

REFUSAL_NO_RECORD = "no_social_insurance_record"
REFUSAL_BEFORE_BASE_SALARY_TABLE = "death_before_base_salary_table"
REFUSAL_SUSPENDED_UNDER_12_MONTHS = "suspended_under_12_months"


class NoReferenceLevel(ValueError):
    """The date is before the first base salary in the table."""

    def __init__(self, day: date) -> None:
        super().__init__(day.isoformat())
        self.day = day


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
class Relative:
    personal_id: str
    relationship: str
    without_caretaker: bool
    full_name: str = ""

    @property
    def percent(self) -> int:
        return (
            MONTHLY_SHARE_NO_CARETAKER_PERCENT if self.without_caretaker else MONTHLY_SHARE_PERCENT
        )


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


def _vnd(amount: Decimal) -> int:
    return int(amount.quantize(Decimal(1), rounding=ROUND_HALF_UP))


def _figure(value: Decimal) -> int | float:
    """A count of months or years for the figures: whole when it is whole."""
    return int(value) if value == value.to_integral_value() else float(value)


def quantity(value: Decimal) -> int | Message:
    """A count that may end in a half, in words: the decimal sign differs by language."""
    if value == value.to_integral_value():
        return int(value)
    if value * 2 == (value * 2).to_integral_value():
        return Message.of("benefit.number_and_half", whole=int(value))
    return Message.of("benefit.number", value=float(value))


def duration(months: int) -> Message:
    """A length of time as years and months, never a fraction of a year."""
    years, rest = divmod(months, 12)
    if years and rest:
        return Message.of("benefit.duration.years_months", years=years, months=rest)
    if years:
        return Message.of("benefit.duration.years", years=years)
    return Message.of("benefit.duration.months", months=rest)


def base_salary_for_month_of(day: date) -> tuple[date, int]:
    """The base salary in force in the month of `day`, and the date it took effect."""
    first_of_month = day.replace(day=1)
    in_force = [(start, amount) for start, amount in BASE_SALARY_TABLE if start <= first_of_month]
    if not in_force:
        raise NoReferenceLevel(day)
    return in_force[-1]


def before_base_salary_table(benefit: str, day: date) -> BenefitOutcome:
    """The plain refusal for a death before the first base salary in the table."""
    first = BASE_SALARY_TABLE[0][0]
    return BenefitOutcome(
        covered=False,
        rule=f"not_covered.{REFUSAL_BEFORE_BASE_SALARY_TABLE}",
        explanation=Message.of(
            "benefit.refusal.death_before_base_salary_table",
            benefit=Message.of(f"benefit.name.{benefit}"),
            date_of_death=day.isoformat(),
            table_start=first.isoformat(),
        ),
        figures={"date_of_death": day.isoformat(), "base_salary_table_from": first.isoformat()},
        refusal=REFUSAL_BEFORE_BASE_SALARY_TABLE,
    )


def contribution_months(record: InsuredEntry) -> int:
    return round(record.contribution_years * 12)


def contribution_months_before_2014(record: InsuredEntry) -> int:
    return min(contribution_months(record), round(record.contribution_years_before_2014 * 12))


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


def funeral_allowance(record: InsuredEntry | None, date_of_death: date) -> BenefitOutcome:
    if record is None:
        return no_record("funeral_allowance")
    months = contribution_months(record)
    if record.status == "suspended" and months < SUSPENDED_FUNERAL_MIN_MONTHS:
        return BenefitOutcome(
            covered=False,
            rule="not_covered.suspended_under_12_months",
            explanation=Message.of(
                "benefit.refusal.suspended_under_12_months",
                paid=duration(months),
                minimum=SUSPENDED_FUNERAL_MIN_MONTHS,
            ),
            figures={"contribution_months": months},
            refusal=REFUSAL_SUSPENDED_UNDER_12_MONTHS,
        )
    try:
        effective_from, base_salary = base_salary_for_month_of(date_of_death)
    except NoReferenceLevel:
        return before_base_salary_table("funeral_allowance", date_of_death)
    amount = FUNERAL_MULTIPLE * base_salary
    return BenefitOutcome(
        covered=True,
        rule="funeral_allowance.10x_base_salary",
        explanation=Message.of(
            "benefit.funeral_allowance.10x_base_salary",
            multiple=FUNERAL_MULTIPLE,
            base_salary=base_salary,
            effective_from=effective_from.isoformat(),
            amount=amount,
        ),
        figures={
            "insured_status": record.status,
            "contribution_months": months,
            "date_of_death": date_of_death.isoformat(),
            "base_salary_vnd": base_salary,
            "base_salary_effective_from": effective_from.isoformat(),
            "multiple": FUNERAL_MULTIPLE,
        },
        amount_vnd=amount,
    )


# --- the monthly benefit's grounds ------------------------------------------------------------


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


def _not_monthly_note(record: InsuredEntry, cause_category: str, date_of_death: date) -> Message:
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


# --- the lump sum -----------------------------------------------------------------------------


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


def _whole_months_between(start: date, end: date) -> int:
    months = (end.year - start.year) * 12 + (end.month - start.month)
    return months - 1 if end.day < start.day else months


def _pensioner_lump_sum(
    record: InsuredEntry, date_of_death: date, pension: int, started: date, note: Message | None
) -> SurvivorOutcome:
    elapsed = max(0, _whole_months_between(started, date_of_death))
    month_of_pension = elapsed + 1
    reduction = Decimal("0.5") * max(0, month_of_pension - PENSIONER_LUMP_SUM_FULL_MONTHS)
    months = max(LUMP_SUM_MIN_MONTHS, PENSIONER_LUMP_SUM_START_MONTHS - reduction)
    amount = _vnd(months * pension)
    explanation = Message.of(
        "benefit.lump_sum.pensioner",
        month_of_pension=month_of_pension,
        reduction=quantity(reduction),
        months=quantity(months),
        pension=pension,
        amount=amount,
    )
    return SurvivorOutcome(
        covered=True,
        rule="survivor_benefit.lump_sum.pensioner",
        explanation=_with_note(note, explanation),
        figures={
            "pension_start_date": started.isoformat(),
            "date_of_death": date_of_death.isoformat(),
            "month_of_pension": month_of_pension,
            "months_of_pension_paid": _figure(months),
            "monthly_pension_vnd": pension,
        },
        amount_vnd=amount,
        form="lump_sum",
    )


def _with_note(note: Message | None, explanation: Message) -> Message:
    if note is None:
        return explanation
    return Message.of("benefit.note_then", note=note, explanation=explanation)


def lump_sum(
    record: InsuredEntry, date_of_death: date, note: Message | None = None
) -> SurvivorOutcome:
    if record.status == "pensioner" and record.monthly_pension_vnd and record.pension_start_date:
        return _pensioner_lump_sum(
            record, date_of_death, record.monthly_pension_vnd, record.pension_start_date, note
        )
    periods = ContributionPeriods.of(record)
    computed = periods.months_of_salary
    months = max(LUMP_SUM_MIN_MONTHS, computed)
    salary = record.average_monthly_salary_vnd
    amount = _vnd(months * salary)
    explanation = Message.of(
        "benefit.lump_sum.contributions",
        before_2014=duration(periods.months_before_2014),
        from_2014=duration(periods.months_from_2014),
        years_before_2014=periods.years_before_2014,
        carried=periods.carried_months,
        counted_from_2014=duration(periods.counted_months_from_2014),
        years_from_2014=quantity(periods.years_from_2014),
        computed=quantity(computed),
        months=quantity(months),
        salary=salary,
        amount=amount,
    )
    return SurvivorOutcome(
        covered=True,
        rule="survivor_benefit.lump_sum.contributions",
        explanation=_with_note(note, explanation),
        figures={
            "contribution_months_before_2014": periods.months_before_2014,
            "contribution_months_from_2014": periods.months_from_2014,
            "odd_months_carried_into_2014": periods.carried_months,
            "counted_years_before_2014": periods.years_before_2014,
            "counted_years_from_2014": _figure(periods.years_from_2014),
            "months_of_salary": _figure(months),
            "average_monthly_salary_vnd": salary,
        },
        amount_vnd=amount,
        form="lump_sum",
    )


# --- the monthly benefit ----------------------------------------------------------------------


def paid_relatives(
    relatives: list[Relative],
) -> tuple[list[Relative], list[Relative]]:
    """The relatives paid and those left out: at most four, the highest rates first (a relative
    with no direct caretaker before the others), in the declaration's order among equals."""
    ranked = sorted(relatives, key=lambda r: -r.percent)
    return ranked[:MONTHLY_MAX_RELATIVES], ranked[MONTHLY_MAX_RELATIVES:]


def monthly(
    record: InsuredEntry,
    date_of_death: date,
    relatives: list[Relative],
    cause_category: str = "illness",
) -> SurvivorOutcome:
    """The monthly benefit. Assumes a ground holds (see `monthly_grounds`); raises
    `NoReferenceLevel` for a death before the base salary table."""
    effective_from, base_salary = base_salary_for_month_of(date_of_death)
    paid, left_out = paid_relatives(relatives)
    shares = tuple(
        MonthlyShare(
            personal_id=r.personal_id,
            relationship=r.relationship,
            percent=r.percent,
            amount_vnd=_vnd(Decimal(r.percent) * base_salary / 100),
            full_name=r.full_name,
        )
        for r in paid
    )
    lowest_paid = min((s.percent for s in shares), default=0)
    not_paid = tuple(
        UnpaidRelative(
            personal_id=r.personal_id,
            relationship=r.relationship,
            percent=r.percent,
            reason=Message.of(
                "benefit.monthly.relative_not_paid",
                maximum=MONTHLY_MAX_RELATIVES,
                percent=r.percent,
                lowest_paid=lowest_paid,
            ),
            full_name=r.full_name,
        )
        for r in left_out
    )
    total = sum(s.amount_vnd for s in shares)
    grounds = monthly_grounds(record, cause_category, date_of_death)
    ground = grounds[0] if grounds else Message.of("benefit.monthly_ground.pensioner")
    explanation = Message.of(
        "benefit.monthly" if not not_paid else "benefit.monthly.more_than_four",
        ground=ground,
        base_salary=base_salary,
        effective_from=effective_from.isoformat(),
        maximum=MONTHLY_MAX_RELATIVES,
        listed=len(relatives),
        counted=len(shares),
        not_paid=len(not_paid),
        total=total,
    )
    return SurvivorOutcome(
        covered=True,
        rule="survivor_benefit.monthly",
        explanation=explanation,
        figures={
            "base_salary_vnd": base_salary,
            "base_salary_effective_from": effective_from.isoformat(),
            "relatives_listed": len(relatives),
            "relatives_counted": len(shares),
            "relatives_not_paid": len(not_paid),
            "monthly_grounds": ",".join(
                g.code.removeprefix("benefit.monthly_ground.") for g in grounds
            ),
        },
        amount_vnd=total,
        form="monthly",
        monthly_amount_vnd=total,
        shares=shares,
        not_paid=not_paid,
    )


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
            record, date_of_death, note=_not_monthly_note(record, cause_category, date_of_death)
        )
    return lump_sum(record, date_of_death)
