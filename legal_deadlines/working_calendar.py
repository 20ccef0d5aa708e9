"""Working days in Viet Nam: Monday to Friday, except public holidays (Tết included).

Pure arithmetic on dates: no clock and no I/O, so workflows can call it and get the same answer
on every replay.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta, timezone

import holidays

VIET_NAM_TIME = timezone(timedelta(hours=7), name="ICT")


# A dossier received at or after this local time counts from the next working day.
INTAKE_CUTOFF = time(15, 0)
# Deadlines fall due when the offices close on the last working day.
OFFICE_CLOSING = time(17, 0)


# The holiday tables are computed once, when the module is imported: building them reads the
# package's translation files, which a workflow must not do. Deadlines are only ever computed
# for dossiers received in these years.
CALENDAR_YEARS = range(2010, 2076)
_PUBLIC_HOLIDAYS: frozenset[date] = frozenset(
    holidays.country_holidays("VN", years=CALENDAR_YEARS).keys()
)


def _is_public_holiday(day: date) -> bool:
    if day.year not in CALENDAR_YEARS:
        raise ValueError(
            f"the working-day calendar covers {CALENDAR_YEARS.start}-"
            f"{CALENDAR_YEARS.stop - 1}, not {day.year}"
        )
    return day in _PUBLIC_HOLIDAYS


def is_working_day(day: date) -> bool:
    return day.weekday() < 5 and not _is_public_holiday(day)


def next_working_day(day: date) -> date:
    """The first working day strictly after `day`."""
    candidate = day + timedelta(days=1)
    while not is_working_day(candidate):
        candidate += timedelta(days=1)
    return candidate


def counting_start(received_at: datetime) -> date:
    """The working day a dossier's time limit counts from."""
    local = received_at.astimezone(VIET_NAM_TIME)
    day = local.date()
    if is_working_day(day) and local.time() < INTAKE_CUTOFF:
        return day
    return next_working_day(day)


def nth_working_day(start: date, working_days: int) -> date:
    """The `working_days`-th working day when `start` (a working day) is day 1."""
    if working_days < 1:
        raise ValueError("a time limit is at least one working day")
    day = start
    for _ in range(working_days - 1):
        day = next_working_day(day)
    return day


def deadline_after(received_at: datetime, working_days: int) -> datetime:
    """When a time limit of `working_days` working days expires for a dossier received then."""
    last_day = nth_working_day(counting_start(received_at), working_days)
    return datetime.combine(last_day, OFFICE_CLOSING, tzinfo=VIET_NAM_TIME)
