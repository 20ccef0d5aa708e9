"""The agency's clock: every moment it records is taken in UTC, and every date a rule reads (an
age, a record's date) is Viet Nam's calendar date at that moment."""

from __future__ import annotations

from datetime import UTC, date, datetime

from schemas.local_time import viet_nam_date


def now_utc() -> datetime:
    return datetime.now(UTC)


def today_in_viet_nam() -> date:
    return viet_nam_date(now_utc())
