"""The milestones a family is told of, read off a declaration's status view: pure rules."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from legal_deadlines.legal_clock import LegalClock
from messages import Message
from schemas.common import Delivery, Procedure, ProcedureGroup
from schemas.status import DeclarationState, DeclarationStatusView, DeliveryState, StepState
from schemas.supplements import SupplementRequest
from workflows.initial_view import initial_view
from workflows.milestones import day, new_milestones

RECEIVED = datetime(2026, 11, 26, 2, 0, tzinfo=UTC)
BIRTH_STEPS = [
    Procedure.BIRTH_REGISTRATION,
    Procedure.RESIDENCE_REGISTRATION,
    Procedure.HEALTH_INSURANCE_CARD,
]


def _view(method: str = "electronic") -> DeclarationStatusView:
    delivery = Delivery.model_validate({"method": method})
    return initial_view(
        "LT-20261126-0000000001",
        ProcedureGroup.BIRTH,
        RECEIVED,
        BIRTH_STEPS,
        delivery,
        "birth-LT-20261126-0000000001",
        LegalClock(),
    )


def _keys(view: DeclarationStatusView, told: set[str]) -> list[str]:
    found = [m.key for m in new_milestones(view, told)]
    told.update(found)
    return found


def test_a_declaration_is_told_once_per_milestone_in_the_order_they_happen() -> None:
    view, told = _view(), set[str]()
    assert _keys(view, told) == ["received"]
    assert _keys(view, told) == []

    view.step(Procedure.BIRTH_REGISTRATION).status = StepState.APPROVED
    assert _keys(view, told) == ["step:birth_registration:0:approved"]

    police = view.step(Procedure.RESIDENCE_REGISTRATION)
    police.status, police.round = StepState.AWAITING_SUPPLEMENT, 1
    police.supplement_request = SupplementRequest(
        fields=["mother.full_name"],
        message="Đề nghị bổ sung họ tên người mẹ.",
        requested_by="police",
        requested_at=RECEIVED + timedelta(hours=3),
        respond_by=RECEIVED + timedelta(days=9),
    )
    (supplement,) = new_milestones(view, told)
    told.add(supplement.key)
    # With what and by when, in the family's language.
    assert isinstance(supplement.text, Message)
    assert supplement.text.text("vi") == (
        "Cần bổ sung hồ sơ: Đề nghị bổ sung họ tên người mẹ. Hạn bổ sung: 05/12/2026."
    )

    police.status, police.supplement_request = StepState.APPROVED, None
    view.step(Procedure.HEALTH_INSURANCE_CARD).status = StepState.APPROVED
    view.status, view.summary = DeclarationState.COMPLETED, Message.of("status.completed", count=3)
    view.delivery.status = DeliveryState.AVAILABLE
    assert _keys(view, told) == [
        "step:residence_registration:1:approved",
        "step:health_insurance_card:0:approved",
        "closed:completed",
        "documents_ready",
    ]
    assert _keys(view, told) == []


def test_a_refusal_says_why_and_readies_no_documents() -> None:
    view, told = _view("post"), {"received"}
    step = view.step(Procedure.BIRTH_REGISTRATION)
    step.status, step.reason = StepState.REJECTED, "Trẻ đã được đăng ký khai sinh."
    view.status = DeclarationState.REJECTED
    view.summary = Message.of("status.rejected")
    milestones = new_milestones(view, told)
    assert [m.key for m in milestones] == ["step:birth_registration:0:rejected", "closed:rejected"]
    assert isinstance(milestones[0].text, Message)
    assert milestones[0].text.text("vi") == (
        "Thủ tục đăng ký khai sinh bị từ chối: Trẻ đã được đăng ký khai sinh."
    )
    assert milestones[1].title.text("vi") == "Hồ sơ bị từ chối"


def test_posted_results_are_told_when_posted_and_when_delivered() -> None:
    view, told = _view("post"), {"received"}
    for step in view.steps:
        step.status = StepState.APPROVED
    view.status = DeclarationState.COMPLETED
    view.delivery.status = DeliveryState.POSTED
    view.delivery.notice = Message.of("delivery.posted", tracking_number="EL000000016VN")
    assert _keys(view, told)[-2:] == ["documents_ready", "delivery:posted"]
    view.delivery.status = DeliveryState.DELIVERED
    view.delivery.notice = Message.of("delivery.delivered", tracking_number="EL000000016VN")
    assert _keys(view, told) == ["delivery:delivered"]


def test_dates_are_told_in_viet_nam_time() -> None:
    # 23:30 UTC is already the next morning in Hà Nội.
    assert day(datetime(2026, 12, 31, 23, 30, tzinfo=UTC)) == "01/01/2027"
