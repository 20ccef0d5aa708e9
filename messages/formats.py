"""Numbers, amounts, days and months as each language writes them ("2.340.000 đồng", "14,5",
"01/07/2024" in Vietnamese; "2,340,000 VND", "14.5", "1 July 2024" in English).

The one place the product and the sandbox agencies format a figure for a reader: the message
catalogue applies these to a placeholder's format (`{amount:vnd}`, `{months:n}`,
`{effective_from:day}`, `{first_month:month}`), and a document calls them directly.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from decimal import Decimal
from typing import Any

from babel.dates import format_date
from babel.numbers import format_decimal

from messages.languages import DEFAULT_LANGUAGE, Language

Number = int | float | Decimal

# The currency's name after an amount: "đồng" is what a Vietnamese reader expects, not "₫".
_CURRENCY_WORD: dict[Language, str] = {"vi": "đồng", "en": "VND"}
_DAY_PATTERN: dict[Language, str] = {"vi": "dd/MM/yyyy", "en": "d MMMM yyyy"}
_MONTH_PATTERN: dict[Language, str] = {"vi": "MM/yyyy", "en": "MMMM yyyy"}


def number(value: Number, language: Language = DEFAULT_LANGUAGE) -> str:
    """A number with the language's decimal sign and digit grouping: 14,5 and 2.340.000 in
    Vietnamese, 14.5 and 2,340,000 in English."""
    return format_decimal(value, locale=language)


def vnd(amount: Number, language: Language = DEFAULT_LANGUAGE) -> str:
    """An amount in whole dong, with the currency's name."""
    whole = format_decimal(amount, format="#,##0", locale=language)
    return f"{whole} {_CURRENCY_WORD[language]}"


def day(value: date | str, language: Language = DEFAULT_LANGUAGE) -> str:
    """A date (or an ISO 8601 date) as the language writes it."""
    when = date.fromisoformat(value) if isinstance(value, str) else value
    return format_date(when, _DAY_PATTERN[language], locale=language)


def month(value: date | str, language: Language = DEFAULT_LANGUAGE) -> str:
    """A calendar month (a date in it, or "YYYY-MM") as the language writes it."""
    when = date.fromisoformat(f"{value[:7]}-01") if isinstance(value, str) else value
    return format_date(when, _MONTH_PATTERN[language], locale=language)


# The formats a catalogue placeholder may name, each for the value it fills in.
FORMATS: dict[str, Callable[[Any, Language], str]] = {
    "n": number,
    "vnd": vnd,
    "day": day,
    "month": month,
}
