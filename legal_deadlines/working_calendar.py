"""Working days in Viet Nam: Monday to Friday, except public holidays (Tết included), plus the
weekend days the government designates as working days in exchange for a bridged holiday
(Saturday 26 April 2025 was worked in place of Friday 2 May 2025).

Both come from the `holidays` package: its Viet Nam calendar lists each bridged day off as a
holiday ("Ngày nghỉ (thay cho ngày …)") and the weekend day worked in its place among its
`weekend_workdays`, from the government's announcements year by year.

Pure arithmetic on dates: no clock and no I/O, so workflows can call it and get the same answer
on every replay.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

import holidays

from schemas.local_time import VIET_NAM_TIME, viet_nam_date

__all__ = [
    "CALENDAR_YEARS",
    "INTAKE_CUTOFF",
    "OFFICE_CLOSING",
    "VIET_NAM_TIME",
    "counting_start",
    "deadline_after",
    "is_working_day",
    "next_working_day",
    "nth_working_day",
]

# A dossier received after this local time counts from the next working day; one received at
# 15:00:00 exactly is on time for the day.
INTAKE_CUTOFF = time(15, 0)
# Deadlines fall due when the offices close on the last working day.
OFFICE_CLOSING = time(17, 0)


# The calendar is computed once, when the module is imported: building it reads the package's
# translation files, which a workflow must not do. Deadlines are only ever computed for dossiers
# received in these years.
CALENDAR_YEARS = range(2010, 2076)
_VIET_NAM_CALENDAR = holidays.country_holidays("VN", years=CALENDAR_YEARS)
_PUBLIC_HOLIDAYS: frozenset[date] = frozenset(_VIET_NAM_CALENDAR.keys())
_WEEKEND_WORKDAYS: frozenset[date] = frozenset(
    day for day in _VIET_NAM_CALENDAR.weekend_workdays if day.year in CALENDAR_YEARS
)


def _check_covered(day: date) -> None:
    if day.year not in CALENDAR_YEARS:
        raise ValueError(
            f"the working-day calendar covers {CALENDAR_YEARS.start}-"
            f"{CALENDAR_YEARS.stop - 1}, not {day.year}"
        )


def is_working_day(day: date) -> bool:
    _check_covered(day)
    if day.weekday() >= 5:
        return day in _WEEKEND_WORKDAYS
    return day not in _PUBLIC_HOLIDAYS


def next_working_day(day: date) -> date:
    """The first working day strictly after `day`."""
    candidate = day + timedelta(days=1)
    while not is_working_day(candidate):
        candidate += timedelta(days=1)
    return candidate


def counting_start(received_at: datetime) -> date:
    """The working day a dossier's time limit counts from: the day it was received, when that is
    a working day and it came by 15:00:00; otherwise the next working day."""
    day = viet_nam_date(received_at)
    local_time = received_at.astimezone(VIET_NAM_TIME).time()
    if is_working_day(day) and local_time <= INTAKE_CUTOFF:
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
