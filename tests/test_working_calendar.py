"""Working-day arithmetic against real dates of Viet Nam's calendar, with hand-counted deadlines."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone

import holidays
import pytest

from legal_deadlines.working_calendar import (
    counting_start,
    deadline_after,
    is_working_day,
    next_working_day,
)

ICT = timezone(timedelta(hours=7))


def at(day: str, hour: int, minute: int = 0) -> datetime:
    return datetime.combine(date.fromisoformat(day), datetime.min.time(), ICT).replace(
        hour=hour, minute=minute
    )


@pytest.mark.parametrize(
    ("day", "working"),
    [
        ("2026-11-25", True),  # a Wednesday
        ("2026-11-28", False),  # Saturday
        ("2026-11-29", False),  # Sunday
        ("2026-02-17", False),  # Tết: the first day of the Lunar New Year 2026
        ("2026-02-20", False),  # Tết: the fourth day
        ("2026-02-23", True),  # back at work after Tết
        ("2026-09-02", False),  # National Day
        ("2026-04-30", False),  # Reunification Day
        ("2026-05-01", False),  # Labour Day
        ("2027-01-01", False),  # New Year's Day
        # 2025: Friday 2 May was a day off bridging Labour Day to the weekend, worked on
        # Saturday 26 April in exchange.
        ("2025-04-26", True),
        ("2025-04-27", False),  # the Sunday after it stays a day off
        ("2025-05-02", False),
        # 2026: Monday 31 August off before National Day, worked on Saturday 22 August.
        ("2026-08-22", True),
        ("2026-08-31", False),
    ],
)
def test_working_days(day: str, working: bool) -> None:
    assert is_working_day(date.fromisoformat(day)) is working


def test_deadline_across_a_weekend() -> None:
    # Thursday morning + 3 working days: Thu, Fri, Mon.
    assert deadline_after(at("2026-11-26", 9), 3) == at("2026-11-30", 17)


def test_the_saturday_worked_for_a_bridged_holiday_counts() -> None:
    # Received on Thursday 24 April 2025 at 09:00, 3 working days: Thursday, Friday, and
    # Saturday 26 April, worked in place of Friday 2 May. Not Monday 28 April.
    assert deadline_after(at("2025-04-24", 9), 3) == at("2025-04-26", 17)
    # Received on that Saturday: the same day counts.
    assert counting_start(at("2025-04-26", 10)) == date(2025, 4, 26)
    # Received on Friday 25 April after 15:00: Saturday is day 1, then Monday 28 and Tuesday
    # 29 April; 30 April, 1 and 2 May are days off, so 5 working days end on Tuesday 6 May.
    assert deadline_after(at("2025-04-25", 16), 3) == at("2025-04-29", 17)
    assert deadline_after(at("2025-04-25", 16), 5) == at("2025-05-06", 17)


def test_dossier_after_15h_counts_from_the_next_working_day() -> None:
    assert counting_start(at("2026-11-25", 14, 59)) == date(2026, 11, 25)
    assert counting_start(at("2026-11-25", 15, 1)) == date(2026, 11, 26)
    assert deadline_after(at("2026-11-25", 15, 30), 3) == at("2026-11-30", 17)
    # Friday after 15:00 counts from Monday.
    assert counting_start(at("2026-11-27", 16)) == date(2026, 11, 30)


def test_15h_exactly_is_on_time_and_only_after_it_counts_from_the_next_day() -> None:
    fifteen = at("2026-11-25", 15)  # a Wednesday
    assert counting_start(fifteen) == date(2026, 11, 25)
    assert deadline_after(fifteen, 1) == at("2026-11-25", 17)
    assert counting_start(fifteen + timedelta(microseconds=1)) == date(2026, 11, 26)
    assert counting_start(fifteen + timedelta(seconds=1)) == date(2026, 11, 26)
    # 08:00:00 UTC is 15:00:00 in Hà Nội.
    assert counting_start(datetime(2026, 11, 25, 8, 0, 0, tzinfo=UTC)) == date(2026, 11, 25)


def test_deadline_across_tet() -> None:
    # Received Friday 13 Feb 2026 in the morning: Tết closes 16-20 Feb.
    assert deadline_after(at("2026-02-13", 10), 3) == at("2026-02-24", 17)
    # Received on the first day of Tết: counting starts when the offices reopen.
    assert counting_start(at("2026-02-17", 10)) == date(2026, 2, 23)
    assert deadline_after(at("2026-02-17", 10), 5) == at("2026-02-27", 17)


def test_same_day_limit_is_the_receiving_day_itself() -> None:
    assert deadline_after(at("2026-11-25", 9), 1) == at("2026-11-25", 17)


def test_utc_input_is_read_in_viet_nam_time() -> None:
    # 09:00 UTC is 16:00 in Ha Noi: past the cut-off.
    received = datetime(2026, 11, 25, 9, 0, tzinfo=UTC)
    assert counting_start(received) == date(2026, 11, 26)


def test_next_working_day_skips_holidays_and_weekends() -> None:
    assert next_working_day(date(2026, 2, 13)) == date(2026, 2, 23)
    assert next_working_day(date(2026, 8, 28)) == date(2026, 9, 3)
    # Friday 21 August 2026: the next working day is Saturday 22 August, worked in place of
    # Monday 31 August.
    assert next_working_day(date(2026, 8, 21)) == date(2026, 8, 22)
    assert next_working_day(date(2025, 4, 25)) == date(2025, 4, 26)


def test_the_calendar_takes_the_worked_saturdays_from_the_holidays_package() -> None:
    package = holidays.country_holidays("VN", years=[2025, 2026])
    assert date(2025, 4, 26) in package.weekend_workdays
    assert date(2026, 8, 22) in package.weekend_workdays
    for day in package.weekend_workdays:
        assert is_working_day(day)
