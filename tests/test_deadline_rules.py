"""Deadlines that agree, against real dates of Viet Nam's calendar: the group's limit (3 working
days, 5 where the birth needs verification), each step's limit within the group's, and the
15 days to declare a death."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from devstack.declaration_factory import DeclarationFactory, attachment
from legal_deadlines.legal_clock import LegalClock
from legal_deadlines.procedure_limits import (
    STEP_WORKING_DAYS,
    group_working_days,
    step_counting_from,
)
from legal_deadlines.verification import birth_needs_verification
from legal_deadlines.working_calendar import VIET_NAM_TIME, deadline_after
from portal_api.filings import BIRTH_FILING, DEATH_FILING
from schemas.birth import BirthDeclarationSubmission
from schemas.common import AttachmentRef, Delivery, Procedure, ProcedureGroup
from schemas.death import DeathDeclarationSubmission
from schemas.rules.dates import LATE_DEATH_DECLARATION_DAYS, is_late_death_declaration
from tests.harness.portal import step, submit
from tests.harness.stack import Stack
from tests.harness.waiting import wait_for_status
from workflows.birth import BIRTH_PROCEDURES
from workflows.initial_view import initial_view

CLOCK = LegalClock()
DEATH_PROCEDURES = (
    Procedure.DEATH_REGISTRATION,
    Procedure.RESIDENCE_REMOVAL,
    Procedure.FUNERAL_ALLOWANCE,
    Procedure.SURVIVOR_BENEFIT,
)


def at(day: str, hour: int, minute: int = 0) -> datetime:
    """A moment in Viet Nam's time."""
    return datetime.combine(date.fromisoformat(day), datetime.min.time(), VIET_NAM_TIME).replace(
        hour=hour, minute=minute
    )


def closing(day: str) -> datetime:
    return at(day, 17)


def deadlines_of(
    group: ProcedureGroup, received_at: datetime, verification: bool = False
) -> tuple[datetime, dict[Procedure, datetime]]:
    """The group's deadline and each step's, as a declaration starts."""
    procedures = BIRTH_PROCEDURES if group == ProcedureGroup.BIRTH else DEATH_PROCEDURES
    view = initial_view(
        "LT-DEADLINES",
        group,
        received_at,
        procedures,
        Delivery(method="electronic"),
        "declaration-LT-DEADLINES",
        CLOCK,
        verification=verification,
    )
    assert view.deadline is not None
    steps: dict[Procedure, datetime] = {}
    for s in view.steps:
        assert s.deadline is not None
        steps[s.procedure] = s.deadline
    return view.deadline, steps


# --- which births need verification ---------------------------------------------------------


def birth_case(factory: DeclarationFactory, case: str) -> BirthDeclarationSubmission:
    body = factory.birth(next(factory.couples()))
    if case == "home_birth":
        body["child"]["place_of_birth"]["facility_name"] = None
        body["birth_certificate_number"] = None
        body["attachments"] = [attachment("witness_statement")]
    elif case in ("abandoned_child", "surrogacy"):
        body["special_case"] = case
    elif case == "father_by_passport":
        body["father"].update(personal_id=None, passport_number="M12345678", nationality="KR")
    elif case == "mother_by_passport":
        body["mother"].update(personal_id=None, passport_number="C7654321", nationality="FR")
    return BirthDeclarationSubmission.model_validate(body)


@pytest.mark.parametrize(
    ("case", "verification"),
    [
        ("facility_birth", False),
        ("home_birth", True),
        ("abandoned_child", True),
        ("surrogacy", True),
        ("father_by_passport", True),
        ("mother_by_passport", True),
    ],
)
def test_which_births_need_verification_from_intake(
    bundled_factory: DeclarationFactory, case: str, verification: bool
) -> None:
    submission = birth_case(bundled_factory, case)
    assert birth_needs_verification(submission) is verification
    declaration = BIRTH_FILING.declaration(
        submission,
        [
            AttachmentRef(**a.model_dump(exclude={"content_base64"}), size_bytes=1)
            for a in submission.attachments
        ],
    )
    assert BIRTH_FILING.needs_verification(declaration) is verification


def test_a_death_has_one_limit_with_or_without_verification() -> None:
    assert group_working_days(ProcedureGroup.DEATH, verification=False) == 10
    assert group_working_days(ProcedureGroup.DEATH, verification=True) == 10
    assert group_working_days(ProcedureGroup.BIRTH, verification=False) == 3
    assert group_working_days(ProcedureGroup.BIRTH, verification=True) == 5


# --- the group's limit on the calendar ------------------------------------------------------


@pytest.mark.parametrize(
    ("received_at", "verification", "due"),
    [
        # Monday 5 October 2026, a week without holidays.
        (at("2026-10-05", 9), False, "2026-10-07"),
        (at("2026-10-05", 9), True, "2026-10-09"),
        # At 15:00 exactly the day still counts; after 15:00 the count starts on Tuesday.
        (at("2026-10-05", 15), False, "2026-10-07"),
        (at("2026-10-05", 15, 1), False, "2026-10-08"),
        (at("2026-10-05", 15, 1), True, "2026-10-12"),
        # Thursday 24 April 2025: Saturday 26 April was worked in place of Friday 2 May.
        (at("2025-04-24", 9), False, "2025-04-26"),
        # Thursday 20 August 2026: Saturday 22 August is worked in place of Monday 31 August,
        # so 5 working days are Thursday, Friday, Saturday, Monday 24 and Tuesday 25 August.
        (at("2026-08-20", 9), True, "2026-08-25"),
        # Friday 28 August 2026 after 15:00: the offices reopen on Thursday 3 September, after
        # the day off of 31 August and National Day (1-2 September).
        (at("2026-08-28", 15, 30), False, "2026-09-07"),
        (at("2026-08-28", 15, 30), True, "2026-09-09"),
        # Friday 13 February 2026 in the morning, just before Tết (16-20 February).
        (at("2026-02-13", 10), False, "2026-02-24"),
        (at("2026-02-13", 10), True, "2026-02-26"),
        # Received on a Saturday: counting starts on Monday.
        (at("2026-10-03", 10), True, "2026-10-09"),
    ],
)
def test_the_birth_group_is_due_after_3_or_5_working_days(
    received_at: datetime, verification: bool, due: str
) -> None:
    assert deadlines_of(ProcedureGroup.BIRTH, received_at, verification)[0] == closing(due)


def test_a_correction_restarts_the_limit_with_verification() -> None:
    # A supplement answered on Thursday 8 October 2026 at 16:00 counts from Friday.
    answered = at("2026-10-08", 16)
    days = group_working_days(ProcedureGroup.BIRTH, verification=True)
    assert CLOCK.deadline(answered, days) == closing("2026-10-15")


# --- no step after its group ----------------------------------------------------------------


def test_a_step_is_never_due_after_its_group() -> None:
    received = at("2026-10-05", 9)  # Monday
    group_deadline, _ = deadlines_of(ProcedureGroup.BIRTH, received)
    assert group_deadline == closing("2026-10-07")  # Wednesday
    # The birth is registered late on Monday; the police have their case after 15:00, and
    # their own 3 working days would end on Thursday.
    submitted = at("2026-10-05", 15, 30)
    own = CLOCK.deadline(submitted, STEP_WORKING_DAYS[Procedure.RESIDENCE_REGISTRATION])
    assert own == closing("2026-10-08")
    deadline = CLOCK.step_deadline(
        submitted, STEP_WORKING_DAYS[Procedure.RESIDENCE_REGISTRATION], group_deadline
    )
    assert deadline == group_deadline
    reminder = CLOCK.reminder_time(submitted, deadline)
    assert reminder is not None and submitted < reminder < deadline
    # A step with time to spare keeps its own limit.
    early = CLOCK.step_deadline(
        received, STEP_WORKING_DAYS[Procedure.BIRTH_REGISTRATION], group_deadline
    )
    assert early == closing("2026-10-05")


def test_the_same_day_registration_counts_from_the_portals_receipt() -> None:
    # The portal receives the dossier on Wednesday 25 November 2026 at 14:59:58; the request
    # reaches the justice office at 15:00:03. The same working day is still Wednesday.
    received = at("2026-11-25", 14, 59).replace(second=58)
    reached = at("2026-11-25", 15).replace(second=3)
    group_deadline, steps = deadlines_of(ProcedureGroup.BIRTH, received)
    assert group_deadline == closing("2026-11-27")
    start = step_counting_from(Procedure.BIRTH_REGISTRATION, received, reached)
    assert start == received
    deadline = CLOCK.step_deadline(
        start, STEP_WORKING_DAYS[Procedure.BIRTH_REGISTRATION], group_deadline
    )
    assert deadline == closing("2026-11-25") == steps[Procedure.BIRTH_REGISTRATION]
    # Counted from the office's own receipt, it would have slipped to Thursday.
    assert CLOCK.deadline(reached, 1) == closing("2026-11-26")
    # A death's registration is counted the same way.
    assert step_counting_from(Procedure.DEATH_REGISTRATION, received, reached) == received


def test_a_dossier_received_at_15h_exactly_is_registered_that_day() -> None:
    received = at("2026-11-25", 15)
    birth_group, birth_steps = deadlines_of(ProcedureGroup.BIRTH, received)
    assert birth_steps[Procedure.BIRTH_REGISTRATION] == closing("2026-11-25")
    assert birth_group == closing("2026-11-27")
    _, death_steps = deadlines_of(ProcedureGroup.DEATH, received)
    assert death_steps[Procedure.DEATH_REGISTRATION] == closing("2026-11-25")
    # One second later, Thursday.
    later, later_steps = deadlines_of(ProcedureGroup.BIRTH, received + timedelta(seconds=1))
    assert later_steps[Procedure.BIRTH_REGISTRATION] == closing("2026-11-26")
    assert later == closing("2026-11-30")


def test_the_steps_after_the_registration_count_from_their_agency() -> None:
    received = at("2026-11-25", 9)
    reached = at("2026-11-26", 10)
    for procedure in (
        Procedure.RESIDENCE_REGISTRATION,
        Procedure.HEALTH_INSURANCE_CARD,
        Procedure.RESIDENCE_REMOVAL,
        Procedure.FUNERAL_ALLOWANCE,
        Procedure.SURVIVOR_BENEFIT,
    ):
        assert step_counting_from(procedure, received, reached) == reached


def test_the_funeral_allowance_ends_with_the_death_group() -> None:
    received = at("2026-10-05", 9)
    group_deadline, steps = deadlines_of(ProcedureGroup.DEATH, received)
    assert group_deadline == closing("2026-10-16")
    # The death is registered the same day; the funeral allowance's 10 working days from
    # Tuesday would end on Monday 19 October.
    assert steps[Procedure.DEATH_REGISTRATION] == closing("2026-10-05")
    submitted = at("2026-10-06", 10)
    days = STEP_WORKING_DAYS[Procedure.FUNERAL_ALLOWANCE]
    assert CLOCK.deadline(submitted, days) == closing("2026-10-19")
    assert CLOCK.step_deadline(submitted, days, group_deadline) == closing("2026-10-16")


def test_a_death_after_15h_is_registered_the_next_working_day() -> None:
    _, steps = deadlines_of(ProcedureGroup.DEATH, at("2026-10-09", 15, 30))  # a Friday
    assert steps[Procedure.DEATH_REGISTRATION] == closing("2026-10-12")


@pytest.mark.parametrize("verification", [False, True])
@pytest.mark.parametrize("group", list(ProcedureGroup))
def test_every_step_starts_within_its_group(group: ProcedureGroup, verification: bool) -> None:
    for received in (at("2026-10-05", 9), at("2026-08-28", 15, 30), at("2026-02-13", 10)):
        group_deadline, steps = deadlines_of(group, received, verification)
        assert all(d <= group_deadline for d in steps.values())


def test_a_step_reaching_its_agency_after_the_group_deadline_is_escalated_at_once() -> None:
    group_deadline = closing("2026-10-07")
    late = at("2026-10-08", 9)
    deadline = CLOCK.step_deadline(late, 3, group_deadline)
    assert deadline == group_deadline
    assert CLOCK.reminder_time(late, deadline) is None


def test_scaled_working_days_are_clamped_too() -> None:
    clock = LegalClock(working_day_seconds=2.0)
    received = datetime(2026, 10, 5, 2, tzinfo=UTC)
    group_deadline = clock.deadline(received, 3)
    submitted = received + timedelta(seconds=3)
    assert clock.step_deadline(submitted, 3, group_deadline) == group_deadline
    assert clock.step_deadline(submitted, 1, group_deadline) == submitted + timedelta(seconds=2)


# --- 15 days to declare a death -------------------------------------------------------------


@pytest.mark.parametrize(
    ("died", "fifteenth_day"),
    [
        ("2026-03-01", "2026-03-16"),
        # The 15th day is a Sunday and the 16th the eve of Tết: calendar days, not working days.
        ("2026-01-31", "2026-02-15"),
        # Across 29 February of a leap year.
        ("2028-02-20", "2028-03-06"),
        # Across the new year.
        ("2026-12-20", "2027-01-04"),
    ],
)
def test_a_death_declared_on_the_15th_day_is_on_time_and_on_the_16th_late(
    bundled_factory: DeclarationFactory, died: str, fifteenth_day: str
) -> None:
    date_of_death = date.fromisoformat(died)
    on_time = date.fromisoformat(fifteenth_day)
    assert (on_time - date_of_death).days == LATE_DEATH_DECLARATION_DAYS
    assert not is_late_death_declaration(date_of_death, date_of_death)
    assert not is_late_death_declaration(date_of_death, on_time)
    assert is_late_death_declaration(date_of_death, on_time + timedelta(days=1))

    deceased = next(bundled_factory.insured_people(lambda i: i.status == "pensioner"))
    body = bundled_factory.death(deceased)
    body["deceased"]["date_of_death"] = died
    submission = DeathDeclarationSubmission.model_validate(body)
    declaration = DEATH_FILING.declaration(
        submission,
        [
            AttachmentRef(**a.model_dump(exclude={"content_base64"}), size_bytes=1)
            for a in submission.attachments
        ],
    )
    assert DEATH_FILING.late_registration(declaration, on_time) is False
    assert DEATH_FILING.late_registration(declaration, on_time + timedelta(days=1)) is True


# --- end to end -----------------------------------------------------------------------------


async def test_a_home_birth_shows_the_5_working_day_deadline(
    stack: Stack, factory: DeclarationFactory
) -> None:
    body = factory.birth(next(factory.couples()))
    body["child"]["place_of_birth"]["facility_name"] = None
    body["birth_certificate_number"] = None
    body["attachments"] = [attachment("witness_statement")]
    accepted = await submit(stack.api, "birth", body)
    view = await wait_for_status(stack.api, accepted["declaration_id"])
    assert view["status"] == "completed"
    received = datetime.fromisoformat(view["received_at"])
    deadline = datetime.fromisoformat(view["deadline"])
    assert deadline == deadline_after(received, 5)
    for procedure in BIRTH_PROCEDURES:
        assert datetime.fromisoformat(step(view, procedure.value)["deadline"]) <= deadline
