"""Viet Nam's time: the clock and the calendar date every legal rule is read in.

A moment is stored in UTC, but the law counts in the days of Viet Nam: a child born on
29 February turns 72 months old on Viet Nam's calendar, and a dossier received at 16:00 in Hà Nội
(09:00 UTC) is received after the 15:00 cut-off. Viet Nam keeps one fixed offset (UTC+7, no
daylight saving time), so the zone is fixed here instead of read from the system's tz database.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone

VIET_NAM_TIME = timezone(timedelta(hours=7), name="ICT")


def viet_nam_date(moment: datetime) -> date:
    """The date on a Vietnamese calendar at `moment` (which must carry its time zone)."""
    if moment.tzinfo is None:
        raise ValueError("a moment without its time zone has no date in Viet Nam")
    return moment.astimezone(VIET_NAM_TIME).date()
