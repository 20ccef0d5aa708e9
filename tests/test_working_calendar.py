"""Working-day arithmetic against real dates of Viet Nam's calendar."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone

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
    ],
)
def test_working_days(day: str, working: bool) -> None:
    assert is_working_day(date.fromisoformat(day)) is working


def test_deadline_across_a_weekend() -> None:
    # Thursday morning + 3 working days: Thu, Fri, Mon.
    assert deadline_after(at("2026-11-26", 9), 3) == at("2026-11-30", 17)


def test_dossier_after_15h_counts_from_the_next_working_day() -> None:
    assert counting_start(at("2026-11-25", 14, 59)) == date(2026, 11, 25)
    assert counting_start(at("2026-11-25", 15, 0)) == date(2026, 11, 26)
    assert deadline_after(at("2026-11-25", 15, 30), 3) == at("2026-11-30", 17)
    # Friday after 15:00 counts from Monday.
    assert counting_start(at("2026-11-27", 16)) == date(2026, 11, 30)


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
