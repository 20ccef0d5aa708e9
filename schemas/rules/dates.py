"""Dates and ages: what cannot lie in the future, and the age and delay limits of the law."""

from __future__ import annotations

from datetime import date

from messages import Message
from schemas.ages import CHILD_CARD_MONTHS
from schemas.rules.findings import Findings, Loc, RuleContext

# The birth group serves a child under 6: under 72 months, as the child's free health-insurance
# card counts it, on the same anniversaries (schemas.ages).
CHILD_AGE_LIMIT_YEARS = CHILD_CARD_MONTHS // 12
MIN_PARENT_AGE_YEARS = 12
LATE_DEATH_DECLARATION_DAYS = 15


def is_late_death_declaration(date_of_death: date, received_on: date) -> bool:
    return (received_on - date_of_death).days > LATE_DEATH_DECLARATION_DAYS


def check_past_date(found: Findings, loc: Loc, day: date, ctx: RuleContext, what: Message) -> None:
    """`what` names the date in the citizen's words (`what.date_of_death`, …)."""
    if day > ctx.today:
        found.report(loc, "date_in_future", what=what)
