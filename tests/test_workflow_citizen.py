"""The citizen's part of a declaration and its deadlines, on the workflow alone: supplements asked
for and answered (or not) through updates the portal API signs, a withdrawal at any time, and a
slow officer reminded, then escalated. Agencies are stubs whose officers decide when the test
lets them (tests.harness.stub_agencies); a working day lasts about a second."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator, Callable
from functools import partial
from typing import Any

import pytest
from temporalio.client import WorkflowUpdateFailedError
from temporalio.testing import WorkflowEnvironment

from agency_contracts.decisions import OfficerDecision
from agency_contracts.requests import BirthRegistrationRequest, CaseRequest
from devstack.declaration_factory import DeclarationFactory
from messages.catalogue import Message, in_language
from schemas.common import Procedure
from schemas.status import DeclarationStatusView
from schemas.supplements import SupplementNeed
from tests.harness import filed_declarations
from tests.harness.forged_tokens import random_seed
from tests.harness.stub_agencies import (
    BIRTH_APPROVED,
    Agencies,
    Decide,
    case_closed,
    decision,
    in_turn,
)
from tests.harness.workflow_logic import (
    Birth,
    Records,
    in_vietnamese,
    running_birth,
    supplement_answer,
    temporal_server,
    withdrawal,
)
from workflows.birth import BirthDeclarationWorkflow
from workflows.milestones import day
from workflows.step_rounds import MAX_ROUNDS_PER_STEP

pytestmark = pytest.mark.store_free


@pytest.fixture(scope="module")
async def temporal() -> AsyncIterator[WorkflowEnvironment]:
    async with temporal_server() as env:
        yield env


def asks_for(field: str, message: str) -> Decide:
    def decide(request: CaseRequest) -> OfficerDecision:
        return decision(
            request,
            "supplement_requested",
            supplement=SupplementNeed(fields=[field], message=message),
        )

    return decide


def held(until: asyncio.Event, procedure: str) -> Decide:
    """An officer who approves `procedure` once the test sets `until`."""

    async def decide(request: CaseRequest) -> OfficerDecision:
        await until.wait()
        decided = BIRTH_APPROVED[procedure](request)
        assert isinstance(decided, OfficerDecision)
        return decided

    return decide


async def until(
    handle: Birth, holds: Callable[[DeclarationStatusView], bool], what: str
) -> DeclarationStatusView:
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        view = await handle.query(BirthDeclarationWorkflow.status)
        if holds(view):
            return view
        await asyncio.sleep(0.05)
    raise AssertionError(f"never saw {what}; last: {view}")


def awaiting(procedure: Procedure) -> Callable[[DeclarationStatusView], bool]:
    return lambda view: view.step(procedure).status == "awaiting_supplement"


# The child's name as each answer corrects it.
NAMES = (
    "Nguyễn Văn An",
    "Nguyễn Văn Bình",
    "Nguyễn Văn Cường",
    "Nguyễn Văn Dũng",
    "Nguyễn Văn Đạt",
)


def _renamed(body: dict[str, Any], round_number: int) -> Any:
    return filed_declarations.birth(
        filed_declarations.with_child(body, full_name=NAMES[round_number - 1])
    )


def _case_opened(
    agencies: Agencies, *procedures: Procedure
) -> Callable[[DeclarationStatusView], bool]:
    """The stub agencies have opened a case for each of `procedures`, and the declaration knows."""
    return lambda view: all(
        p.value in agencies.cases and view.step(p).status == "submitted" for p in procedures
    )


async def test_a_supplement_answered_in_time_sends_the_step_again_as_its_second_round(
    temporal: WorkflowEnvironment, bundled_factory: DeclarationFactory
) -> None:
    asked = asks_for("child.full_name", "Tên của trẻ không khớp giấy chứng sinh.")
    decide = {
        **BIRTH_APPROVED,
        "birth_registration": in_turn(asked, BIRTH_APPROVED["birth_registration"]),
    }
    agencies, records = Agencies(decide), Records()
    body = bundled_factory.birth(next(bundled_factory.couples()), delivery="electronic")
    async with running_birth(temporal, body, agencies, records, "LT-CITIZEN-1") as handle:
        view = await until(
            handle, awaiting(Procedure.BIRTH_REGISTRATION), "the request for a supplement"
        )
        assert view.status == "awaiting_supplement"
        request = view.step(Procedure.BIRTH_REGISTRATION).supplement_request
        assert request is not None
        assert request.fields == ["child.full_name"] and request.requested_by == "justice"
        assert request.respond_by > request.requested_at
        # Nothing that needs the birth record starts while the justice office waits.
        assert agencies.procedures_asked() == ["birth_registration"]

        corrected = _renamed(body, 1)
        # Signed with a key the portal API does not hold, it is refused; so is an answer that
        # names no open request.
        forged = supplement_answer(
            handle,
            records,
            corrected,
            ["child"],
            [request.request_id],
            seed=random_seed(),
        )
        with pytest.raises(WorkflowUpdateFailedError):
            await handle.execute_update(BirthDeclarationWorkflow.answer_supplement, forged)
        stale = supplement_answer(handle, records, corrected, ["child"], ["an-earlier-request"])
        with pytest.raises(WorkflowUpdateFailedError):
            await handle.execute_update(BirthDeclarationWorkflow.answer_supplement, stale)

        answer = supplement_answer(handle, records, corrected, ["child"], [request.request_id])
        await handle.execute_update(BirthDeclarationWorkflow.answer_supplement, answer)
        # The same signed answer, sent again, is a replay.
        with pytest.raises(WorkflowUpdateFailedError):
            await handle.execute_update(BirthDeclarationWorkflow.answer_supplement, answer)
        view = await handle.result()
    assert view.status == "completed", view
    first, second = agencies.requests_for("birth_registration")
    assert isinstance(second, BirthRegistrationRequest)
    assert second.child_full_name == NAMES[0]
    assert second.idempotency_key != first.idempotency_key
    assert second.supersedes_case_number is not None
    assert view.step(Procedure.BIRTH_REGISTRATION).round == 2
    # The others ran once, after the registration.
    assert sorted(agencies.procedures_asked()) == [
        "birth_registration",
        "birth_registration",
        "health_insurance_card",
        "residence_registration",
    ]
    events = [e.status for report in records.reports for e in report.events]
    assert events.count("supplement_answered") == 1
    # The family was told once what is asked and by when; the step's approval is of round 2.
    told = [
        m for r in records.reports for n in r.notices if n.channel == "sms" for m in n.milestones
    ]
    supplements = [m for m in told if m.key.startswith("supplement:birth_registration:")]
    assert len(supplements) == 1
    text = supplements[0].text
    assert isinstance(text, Message)
    assert day(request.respond_by) in text.model_dump(context=in_language("vi"))
    assert "step:birth_registration:2:approved" in [m.key for m in told]


async def test_an_unanswered_supplement_refuses_the_step_after_seven_working_days(
    temporal: WorkflowEnvironment, bundled_factory: DeclarationFactory
) -> None:
    decide = {
        **BIRTH_APPROVED,
        "residence_registration": asks_for("residence.address_line", "Thiếu số nhà."),
    }
    agencies, records = Agencies(decide), Records()
    body = bundled_factory.birth(next(bundled_factory.couples()), delivery="electronic")
    async with running_birth(
        temporal, body, agencies, records, "LT-CITIZEN-2", working_day_seconds=0.2
    ) as handle:
        view = await handle.result()
    assert view.status == "partially_completed", view
    residence = in_vietnamese(view)["steps"][1]
    assert residence["procedure"] == "residence_registration"
    assert residence["status"] == "rejected"
    assert residence["reason_code"] == "supplement_not_received"
    assert "không được nộp trong 7 ngày làm việc" in residence["reason"]
    # The card did not wait for the police.
    assert view.step(Procedure.HEALTH_INSURANCE_CARD).status == "approved"


def _in_round(round_number: int, view: DeclarationStatusView) -> bool:
    registration = view.step(Procedure.BIRTH_REGISTRATION)
    return registration.status == "awaiting_supplement" and registration.round == round_number


async def test_the_sixth_correction_is_not_asked_for(
    temporal: WorkflowEnvironment, bundled_factory: DeclarationFactory
) -> None:
    """An agency that keeps asking for corrections gets an answer five times; then the step is
    refused, so a declaration's history stays bounded on its longest path."""
    decide = {**BIRTH_APPROVED, "birth_registration": asks_for("child.full_name", "Lại nữa.")}
    agencies, records = Agencies(decide), Records()
    body = bundled_factory.birth(next(bundled_factory.couples()), delivery="electronic")
    async with running_birth(temporal, body, agencies, records, "LT-CITIZEN-3") as handle:
        for round_number in range(1, MAX_ROUNDS_PER_STEP):
            view = await until(
                handle,
                partial(_in_round, round_number),
                f"round {round_number}'s request",
            )
            request = view.step(Procedure.BIRTH_REGISTRATION).supplement_request
            assert request is not None
            answer = supplement_answer(
                handle, records, _renamed(body, round_number), ["child"], [request.request_id]
            )
            await handle.execute_update(BirthDeclarationWorkflow.answer_supplement, answer)
        view = await handle.result()
        history_length = (
            await handle.describe()
        ).raw_description.workflow_execution_info.history_length
    assert view.status == "rejected", view
    registration = in_vietnamese(view)["steps"][0]
    assert registration["reason_code"] == "too_many_correction_rounds"
    assert "5 lần" in registration["reason"]
    assert len(agencies.requests_for("birth_registration")) == MAX_ROUNDS_PER_STEP
    assert history_length < 400


async def test_a_withdrawal_while_the_officer_decides_cancels_the_case(
    temporal: WorkflowEnvironment, bundled_factory: DeclarationFactory
) -> None:
    never = asyncio.Event()
    decide = {
        **BIRTH_APPROVED,
        "birth_registration": held(never, "birth_registration"),
    }
    agencies, records = Agencies(decide), Records()
    body = bundled_factory.birth(next(bundled_factory.couples()), delivery="post")
    async with running_birth(temporal, body, agencies, records, "LT-CITIZEN-4") as handle:
        await until(
            handle,
            _case_opened(agencies, Procedure.BIRTH_REGISTRATION),
            "the case opened at the justice office",
        )
        request = withdrawal(handle, records, "Gia đình nộp lại sau.")
        assert (
            await handle.execute_update(BirthDeclarationWorkflow.withdraw, request) == "withdrawing"
        )
        view = await handle.result()
    assert view.status == "withdrawn", view
    assert {s.procedure.value: s.status for s in view.steps} == dict.fromkeys(
        ("birth_registration", "residence_registration", "health_insurance_card"), "cancelled"
    )
    assert view.status_reason_code == "withdrawn"
    address = temporal.client.service_client.config.target_host
    assert (
        await case_closed(address, "justice", agencies.case_of("birth_registration")) == "CANCELED"
    )
    # Nothing was approved, so nothing is posted, and no other agency heard of the declaration.
    assert agencies.procedures_asked() == ["birth_registration"]
    assert not any(agency == "postal" for agency, _ in agencies.asked)


async def test_a_withdrawal_after_the_registration_keeps_it_and_cancels_the_rest(
    temporal: WorkflowEnvironment, bundled_factory: DeclarationFactory
) -> None:
    never = asyncio.Event()
    decide = {
        "birth_registration": BIRTH_APPROVED["birth_registration"],
        "residence_registration": held(never, "residence_registration"),
        "health_insurance_card": held(never, "health_insurance_card"),
    }
    agencies, records = Agencies(decide), Records()
    body = bundled_factory.birth(next(bundled_factory.couples()), delivery="electronic")
    async with running_birth(temporal, body, agencies, records, "LT-CITIZEN-5") as handle:
        await until(
            handle,
            _case_opened(
                agencies, Procedure.RESIDENCE_REGISTRATION, Procedure.HEALTH_INSURANCE_CARD
            ),
            "both cases opened",
        )
        await handle.execute_update(
            BirthDeclarationWorkflow.withdraw, withdrawal(handle, records, "Chuyển nơi ở.")
        )
        view = await handle.result()
    assert view.status == "withdrawn", view
    assert {s.procedure.value: s.status for s in view.steps} == {
        "birth_registration": "approved",
        "residence_registration": "cancelled",
        "health_insurance_card": "cancelled",
    }
    # The family is told what it keeps.
    assert in_vietnamese(view)["summary"] == (
        "Người đi khai đã rút hồ sơ. Các kết quả đã hoàn thành vẫn được giữ: đăng ký khai sinh."
    )
    address = temporal.client.service_client.config.target_host
    for agency, procedure in (
        ("police", "residence_registration"),
        ("social_security", "health_insurance_card"),
    ):
        assert await case_closed(address, agency, agencies.case_of(procedure)) == "CANCELED"


async def test_a_slow_officer_is_reminded_then_escalated_and_the_step_is_overdue(
    temporal: WorkflowEnvironment, bundled_factory: DeclarationFactory
) -> None:
    escalated = asyncio.Event()
    decide = {
        **BIRTH_APPROVED,
        "birth_registration": held(escalated, "birth_registration"),
    }
    agencies, records = Agencies(decide), Records()
    body = bundled_factory.birth(next(bundled_factory.couples()), delivery="electronic")
    async with running_birth(
        temporal, body, agencies, records, "LT-CITIZEN-6", working_day_seconds=1.0
    ) as handle:
        view = await until(
            handle,
            lambda v: v.step(Procedure.BIRTH_REGISTRATION).overdue,
            "the step overdue",
        )
        deadline = time.monotonic() + 10
        while not any(f.kind == "escalation" for f in agencies.follow_ups):
            assert time.monotonic() < deadline, agencies.follow_ups
            await asyncio.sleep(0.05)
        escalated.set()
        view = await handle.result()
    assert view.status == "completed", view
    assert view.overdue is True
    # Reminded before the deadline, escalated after it, each once, at the case's own reference
    # (each is sent beside the step: close together, they may reach the agency in either order).
    assert sorted(f.kind for f in agencies.follow_ups) == ["escalation", "reminder"]
    key = agencies.requests_for("birth_registration")[0].idempotency_key
    assert {f.case_reference for f in agencies.follow_ups} == {key}
    step_escalations = [e for e in records.escalations if e.scope != "declaration"]
    assert [(e.scope, e.agency) for e in step_escalations] == [("birth_registration", "justice")]
    reminders = [
        e for report in records.reports for e in report.events if e.status == "reminder_sent"
    ]
    assert len(reminders) == 1
    assert reminders[0].occurred_at < step_escalations[0].escalated_at
