"""Properties that hold for every input, checked with generated inputs (hypothesis)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pydantic import ValidationError

from devstack.declaration_factory import DeclarationFactory
from legal_deadlines.legal_clock import LegalClock
from legal_deadlines.procedure_limits import STEP_WORKING_DAYS, group_working_days
from legal_deadlines.working_calendar import (
    OFFICE_CLOSING,
    VIET_NAM_TIME,
    deadline_after,
    is_working_day,
)
from observability.logging import mask_text
from reference_data.admin_units import official_admin_units
from sandbox import benefit_rules
from sandbox.dataset import InsuredEntry
from sandbox.settings import DEFAULT_DATASET_DIR
from schemas.birth import BirthDeclarationSubmission
from schemas.common import Procedure, ProcedureGroup
from schemas.death import DeathDeclarationSubmission
from schemas.identifiers import add_months, parse_personal_id, personal_id_prefix
from schemas.rules.birth import check_birth_declaration
from schemas.rules.findings import RuleContext

ADMIN_UNITS = official_admin_units()
PROVINCES = sorted(ADMIN_UNITS.birth_province_codes)

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=20),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=12), children, max_size=5)
    ),
    max_leaves=25,
)


@given(
    st.sampled_from(PROVINCES),
    st.sampled_from(["male", "female"]),
    st.integers(1900, 2199),
    st.integers(0, 999_999),
)
def test_personal_id_structure_round_trips(province: str, sex: str, year: int, serial: int) -> None:
    pid = personal_id_prefix(province, sex, year) + f"{serial:06d}"  # type: ignore[arg-type]
    parts = parse_personal_id(pid)
    assert (parts.birth_province_code, parts.sex, parts.birth_year) == (province, sex, year)


@given(json_values)
def test_any_json_is_validated_or_refused_never_crashes(value: Any) -> None:
    for model in (BirthDeclarationSubmission, DeathDeclarationSubmission):
        problems: list[Any] = []
        try:
            model.model_validate(value)
        except ValidationError as error:
            problems = error.errors()
        assert all(isinstance(p["msg"], str) and p["loc"] is not None for p in problems)


FACTORY = DeclarationFactory.from_directory(DEFAULT_DATASET_DIR, seed=3)
COUPLE = next(FACTORY.couples())


@settings(max_examples=60, suppress_health_check=[HealthCheck.too_slow])
@given(
    child_born=st.dates(date(2015, 1, 1), date(2030, 12, 31)),
    residence=st.text("0123456789", min_size=5, max_size=5),
    today=st.dates(date(2020, 1, 1), date(2030, 12, 31)),
    relationship=st.sampled_from(["mother", "father", "grandparent", "other"]),
)
def test_birth_rules_report_problems_as_located_sentences(
    child_born: date, residence: str, today: date, relationship: str
) -> None:
    body = FACTORY.birth(COUPLE)
    body["child"]["date_of_birth"] = child_born.isoformat()
    body["residence"]["commune_code"] = residence
    body["declarant"]["relationship"] = relationship
    submission = BirthDeclarationSubmission.model_validate(body)
    context = RuleContext(
        today=today, admin_units=ADMIN_UNITS, attachment_max_bytes=1024 * 1024, max_attachments=10
    )
    violations = check_birth_declaration(submission, submission.attachments, context)
    for violation in violations:
        assert violation.loc[0] == "body"
        assert violation.msg[0].isupper() and violation.msg.endswith(".")
    assert any(v.type == "date_in_future" for v in violations) == (child_born > today)
    assert any(v.type == "commune_unknown" for v in violations) == (
        not ADMIN_UNITS.has_commune(residence)
    )


WORDS = st.text(st.characters(categories=["L", "P", "Zs"]), max_size=40)


@given(WORDS, st.text("0123456789", min_size=9, max_size=20), WORDS)
def test_identifiers_never_survive_masking(before: str, number: str, after: str) -> None:
    """Personal IDs, social-insurance numbers and accounts are runs of 9 to 20 digits."""
    assert number not in mask_text(f"{before} {number} {after}")


@given(
    st.datetimes(datetime(2015, 1, 1), datetime(2070, 12, 31), timezones=st.just(UTC)),  # noqa: DTZ001 - hypothesis bounds are naive; the values carry UTC
    st.integers(1, 15),
)
def test_deadlines_fall_at_closing_time_on_a_later_working_day(
    received: datetime, days: int
) -> None:
    received_at = received.replace(tzinfo=UTC)
    deadline = deadline_after(received_at, days)
    assert deadline > received_at
    assert deadline.timetz() == OFFICE_CLOSING.replace(tzinfo=VIET_NAM_TIME)
    assert is_working_day(deadline.date())
    assert deadline_after(received_at, days + 1) > deadline
    # Never sooner than `days` calendar days would allow, counting the receiving day.
    local = received_at.astimezone(VIET_NAM_TIME)
    assert deadline.date() >= local.date() + timedelta(days=days - 1)


@given(
    st.datetimes(datetime(2015, 1, 1), datetime(2070, 12, 31), timezones=st.just(UTC)),  # noqa: DTZ001 - hypothesis bounds are naive; the values carry UTC
    st.sampled_from(list(ProcedureGroup)),
    st.booleans(),
    st.sampled_from(list(Procedure)),
    st.timedeltas(timedelta(0), timedelta(days=30)),
    st.sampled_from([None, 0.5, 3.0]),
)
def test_no_step_is_due_after_its_group_and_its_reminder_comes_first(
    received: datetime,
    group: ProcedureGroup,
    verification: bool,
    procedure: Procedure,
    later: timedelta,
    working_day_seconds: float | None,
) -> None:
    clock = LegalClock(working_day_seconds)
    received_at = received.replace(tzinfo=UTC)
    group_deadline = clock.deadline(received_at, group_working_days(group, verification))
    submitted = received_at + later
    deadline = clock.step_deadline(submitted, STEP_WORKING_DAYS[procedure], group_deadline)
    assert deadline <= group_deadline
    assert deadline <= clock.deadline(submitted, STEP_WORKING_DAYS[procedure])
    reminder = clock.reminder_time(submitted, deadline)
    if deadline > submitted:
        assert reminder is not None and submitted <= reminder < deadline
    else:
        assert reminder is None


@given(st.dates(date(1990, 1, 1), date(2040, 12, 31)), st.integers(0, 240))
def test_add_months_lands_in_the_right_month(start: date, months: int) -> None:
    later = add_months(start, months)
    assert (later.year * 12 + later.month) - (start.year * 12 + start.month) == months
    assert later.day <= start.day


@given(
    years=st.floats(0, 45, allow_nan=False),
    before=st.floats(0, 1, allow_nan=False),
    salary=st.integers(1_000_000, 100_000_000),
)
def test_lump_sum_is_at_least_three_months_of_salary(
    years: float, before: float, salary: int
) -> None:
    record = InsuredEntry(
        social_insurance_number="0100000001",
        personal_id="001090000001",
        status="contributing",
        contribution_years=years,
        contribution_years_before_2014=years * before,
        average_monthly_salary_vnd=salary,
    )
    outcome = benefit_rules.lump_sum(record, date(2026, 11, 20))
    assert outcome.amount_vnd >= 3 * salary
    # Odd months may count as a full year, so at most one year more than was paid.
    assert outcome.amount_vnd <= round(2 * max(years + 1, 1.5) * salary) + 1
