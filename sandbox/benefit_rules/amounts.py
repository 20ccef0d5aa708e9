"""Amounts in whole VND, rounded half up, and counts and lengths of time as the explanations word
them."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

from messages import Message


def vnd(amount: Decimal) -> int:
    return int(amount.quantize(Decimal(1), rounding=ROUND_HALF_UP))


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
