"""Properties of the working-day calendar and the deadlines counted on it, for every moment
(hypothesis), checked against the `holidays` package's own view of Viet Nam's working days."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import holidays
from hypothesis import given
from hypothesis import strategies as st

from legal_deadlines.legal_clock import LegalClock
from legal_deadlines.procedure_limits import (
    STEP_WORKING_DAYS,
    group_working_days,
    step_counting_from,
)
from legal_deadlines.working_calendar import (
    INTAKE_CUTOFF,
    OFFICE_CLOSING,
    VIET_NAM_TIME,
    counting_start,
    deadline_after,
    is_working_day,
    next_working_day,
    nth_working_day,
)
from schemas.common import Procedure, ProcedureGroup

# Far enough inside the calendar's years that a deadline of a few weeks stays inside them.
MOMENTS = st.datetimes(datetime(2011, 1, 1), datetime(2074, 6, 30), timezones=st.just(UTC))  # noqa: DTZ001 - hypothesis bounds are naive; the values carry UTC
DAYS = st.dates(date(2011, 1, 1), date(2074, 6, 30))
LIMITS = st.integers(1, 30)
PACKAGE = holidays.country_holidays("VN", years=range(2010, 2076))


def working_days_in(first: date, last: date) -> int:
    return sum(is_working_day(first + timedelta(days=n)) for n in range((last - first).days + 1))


@given(DAYS)
def test_a_working_day_is_one_the_holidays_package_calls_so(day: date) -> None:
    assert is_working_day(day) is PACKAGE.is_working_day(day)


@given(MOMENTS, LIMITS)
def test_a_deadline_is_never_on_a_day_off(received: datetime, days: int) -> None:
    deadline = deadline_after(received, days)
    assert is_working_day(deadline.date())
    assert deadline.timetz() == OFFICE_CLOSING.replace(tzinfo=VIET_NAM_TIME)


@given(MOMENTS, LIMITS)
def test_a_limit_of_n_working_days_holds_exactly_n_of_them(received: datetime, days: int) -> None:
    start = counting_start(received)
    deadline = deadline_after(received, days)
    assert working_days_in(start, deadline.date()) == days


@given(MOMENTS, LIMITS)
def test_one_more_working_day_is_a_later_deadline(received: datetime, days: int) -> None:
    deadline = deadline_after(received, days)
    later = deadline_after(received, days + 1)
    assert later > deadline
    assert later.date() == next_working_day(deadline.date())


@given(MOMENTS, st.timedeltas(timedelta(0), timedelta(days=20)), LIMITS)
def test_a_later_receipt_is_never_due_sooner(
    received: datetime, later_by: timedelta, days: int
) -> None:
    assert deadline_after(received + later_by, days) >= deadline_after(received, days)


@given(MOMENTS)
def test_counting_starts_on_the_first_working_day_the_dossier_can_count(received: datetime) -> None:
    local = received.astimezone(VIET_NAM_TIME)
    start = counting_start(received)
    assert is_working_day(start)
    on_time = is_working_day(local.date()) and local.time() <= INTAKE_CUTOFF
    if on_time:
        assert start == local.date()
    else:
        assert start == next_working_day(local.date())
        assert working_days_in(local.date() + timedelta(days=1), start) == 1


@given(DAYS)
def test_15h_exactly_counts_the_same_day_and_a_moment_later_the_next(day: date) -> None:
    fifteen = datetime.combine(day, INTAKE_CUTOFF, tzinfo=VIET_NAM_TIME)
    if is_working_day(day):
        assert counting_start(fifteen) == day
        assert counting_start(fifteen + timedelta(microseconds=1)) == next_working_day(day)
    else:
        assert counting_start(fifteen) == next_working_day(day)


@given(DAYS.filter(is_working_day), LIMITS, LIMITS)
def test_nth_working_day_adds_up(start: date, first: int, then: int) -> None:
    """n working days then m more are n + m working days."""
    assert nth_working_day(nth_working_day(start, first), then + 1) == nth_working_day(
        start, first + then
    )


@given(
    MOMENTS,
    st.timedeltas(timedelta(0), timedelta(days=10)),
    st.sampled_from(list(Procedure)),
    st.booleans(),
)
def test_a_step_is_due_by_its_group_and_a_registration_by_the_dossiers_day(
    received: datetime, reached_after: timedelta, procedure: Procedure, verification: bool
) -> None:
    clock = LegalClock()
    group = (
        ProcedureGroup.BIRTH
        if procedure
        in (
            Procedure.BIRTH_REGISTRATION,
            Procedure.RESIDENCE_REGISTRATION,
            Procedure.HEALTH_INSURANCE_CARD,
        )
        else ProcedureGroup.DEATH
    )
    group_deadline = clock.deadline(received, group_working_days(group, verification))
    reached = received + reached_after
    start = step_counting_from(procedure, received, reached)
    deadline = clock.step_deadline(start, STEP_WORKING_DAYS[procedure], group_deadline)
    assert deadline <= group_deadline
    if procedure in (Procedure.BIRTH_REGISTRATION, Procedure.DEATH_REGISTRATION):
        # However late the request reaches the office: the day the dossier counts from.
        assert deadline == deadline_after(received, 1)
        assert deadline.date() == counting_start(received)
