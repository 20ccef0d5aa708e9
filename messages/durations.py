"""A length of time in words: years and months ("8 năm 5 tháng"), never a fraction of a year.
Its codes keep the `benefit.` prefix, which the benefit explanations in the store name."""

from __future__ import annotations

from messages.catalogue import Message


def duration(months: int) -> Message:
    years, rest = divmod(months, 12)
    if years and rest:
        return Message.of("benefit.duration.years_months", years=years, months=rest)
    if years:
        return Message.of("benefit.duration.years", years=years)
    return Message.of("benefit.duration.months", months=rest)
