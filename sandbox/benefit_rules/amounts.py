"""Amounts in whole VND, rounded half up, and counts as the explanations show them."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

from messages import duration

__all__ = ["duration", "quantity", "vnd"]


def vnd(amount: Decimal) -> int:
    return int(amount.quantize(Decimal(1), rounding=ROUND_HALF_UP))


def quantity(value: Decimal) -> int | float:
    """A count that may end in a half, for a figure or an explanation's `{…:n}` placeholder
    (which writes its decimal sign in the reader's language): whole when it is whole."""
    return int(value) if value == value.to_integral_value() else float(value)
