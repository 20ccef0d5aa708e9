"""A benefit decision in words a family reads: the rule it applied, each figure with its name and
its value written as the language writes it (amounts in dong, dates, lengths of time in years
and months), and the relatives paid and not paid. Never an internal code: a figure or a rule the
catalogue has no words for is the only thing shown as the agency recorded it."""

from __future__ import annotations

from collections.abc import Callable, Iterator

from messages import Message, Text, duration, listing
from messages.catalogue import known_codes
from schemas.results import BenefitDecision, Figure, SurvivorBenefitResult

Line = tuple[Text, Text]


def _value(code: str) -> Callable[[Figure], Message]:
    return lambda value: Message.of(f"benefit.figure_value.{code}", value=value)


def _months(value: Figure) -> Text:
    return duration(value) if isinstance(value, int) else str(value)


def _words(prefix: str) -> Callable[[Figure], Text]:
    """A figure that lists codes ("contributions,pensioner"), each in words."""

    def put(value: Figure) -> Text:
        codes = [c for c in str(value).split(",") if c]
        said = [Message.of(f"{prefix}.{c}") for c in codes]
        if any(m.code not in known_codes() for m in said):
            return str(value)
        return listing(said)

    return put


_AMOUNT, _DAY, _MONTH = _value("vnd"), _value("day"), _value("month")
_NUMBER, _PERCENT = _value("number"), _value("percent")
_YEARS, _SALARY_MONTHS = _value("years"), _value("months")

# How each figure the benefit rules record is written.
FIGURES: dict[str, Callable[[Figure], Text]] = {
    "insured_status": _words("benefit.insured_status"),
    "contribution_months": _months,
    "contribution_months_before_2014": _months,
    "contribution_months_from_2014": _months,
    "odd_months_carried_into_2014": _months,
    "counted_years_before_2014": _YEARS,
    "counted_years_from_2014": _YEARS,
    "months_of_salary": _SALARY_MONTHS,
    "average_monthly_salary_vnd": _AMOUNT,
    "date_of_death": _DAY,
    "decided_on": _DAY,
    "base_salary_vnd": _AMOUNT,
    "base_salary_effective_from": _DAY,
    "base_salary_table_from": _DAY,
    "multiple": _NUMBER,
    "occupational_incapacity_percent": _PERCENT,
    "pension_start_date": _DAY,
    "month_of_pension": _NUMBER,
    "months_of_pension_paid": _SALARY_MONTHS,
    "monthly_pension_vnd": _AMOUNT,
    "pension_record_missing": _words("benefit.pension_record"),
    "relatives_listed": _NUMBER,
    "relatives_counted": _NUMBER,
    "relatives_not_paid": _NUMBER,
    "arrears_months": _SALARY_MONTHS,
    "arrears_vnd": _AMOUNT,
    "monthly_grounds": _words("benefit.ground"),
}


def rule_in_words(rule: str) -> Text:
    said = Message.of(f"benefit.rule.{rule}")
    return said if said.code in known_codes() else rule


def figure_lines(figures: dict[str, Figure]) -> Iterator[Line]:
    for name, value in figures.items():
        write = FIGURES.get(name)
        if write is None:
            yield name, str(value)
        else:
            yield Message.of(f"benefit.figure.{name}"), write(value)


def relationship_in_words(relationship: str) -> Text:
    said = Message.of(f"benefit.relationship.{relationship}")
    return said if said.code in known_codes() else relationship


def survivor_lines(result: SurvivorBenefitResult) -> Iterator[Line]:
    """The monthly benefit's first month and arrears, and each relative paid or not."""
    if result.first_month is not None:
        yield Message.of("benefit.label.first_month"), _MONTH(result.first_month)
    for period in result.arrears:
        yield (
            Message.of(
                "benefit.label.arrears_period",
                from_month=period.first_month,
                to_month=period.last_month,
            ),
            Message.of(
                "benefit.arrears_amount",
                months=period.months,
                monthly=period.monthly_amount_vnd,
                amount=period.amount_vnd,
            ),
        )
    for share in result.paid:
        yield (
            Message.of("benefit.label.relative_paid", name=share.full_name or share.personal_id),
            Message.of(
                "benefit.relative_paid",
                relationship=relationship_in_words(share.relationship),
                percent=share.share_percent_of_reference,
                amount=share.monthly_amount_vnd,
            ),
        )
    for unpaid in result.not_paid:
        yield (
            Message.of(
                "benefit.label.relative_not_paid", name=unpaid.full_name or unpaid.personal_id
            ),
            Message.of(
                "benefit.relative_not_paid",
                relationship=relationship_in_words(unpaid.relationship),
                reason=unpaid.reason,
            ),
        )


def decision_lines(result: BenefitDecision) -> Iterator[Line]:
    """The rule, the explanation and the figures."""
    yield Message.of("benefit.label.rule"), rule_in_words(result.rule)
    yield Message.of("benefit.label.explanation"), result.explanation
    yield from figure_lines(result.figures)
