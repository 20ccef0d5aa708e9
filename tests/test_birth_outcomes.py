"""When an agency rejects a birth step: a clear outcome, and the steps that depend on it never
start."""

from __future__ import annotations

from devstack.declaration_factory import DeclarationFactory
from tests.harness.agency_offices import agency_cases
from tests.harness.portal import step, submit
from tests.harness.stack import Stack
from tests.harness.waiting import wait_for_status
from tests.harness.withdrawals import registered_then_withdrawn


async def test_justice_rejection_rejects_the_declaration_and_starts_nothing_else(
    stack: Stack, factory: DeclarationFactory
) -> None:
    body = factory.birth(next(factory.couples()))
    first = await registered_then_withdrawn(stack, body)

    # The same birth filed again once the first declaration was withdrawn: the justice office
    # registered it before the withdrawal, and holds it.
    second = await submit(stack.api, "birth", body)
    assert second["declaration_id"] != first["declaration_id"]
    view = await wait_for_status(stack.api, second["declaration_id"])
    assert view["status"] == "rejected"
    birth = step(view, "birth_registration")
    assert birth["status"] == "rejected"
    assert "đã được đăng ký khai sinh" in birth["reason"]
    assert birth["reason_code"] == "birth_already_registered"
    assert view["summary"] == birth["reason"]
    for dependent in ("residence_registration", "health_insurance_card"):
        assert step(view, dependent)["status"] == "cancelled"
        assert "trích lục khai sinh" in step(view, dependent)["reason"]
        assert step(view, dependent)["reason_code"] == "registration_missing"
    assert await agency_cases(stack.agencies["police"], second["declaration_id"]) == []
    assert await agency_cases(stack.agencies["social_security"], second["declaration_id"]) == []
    # The rejection notice still reaches the family.
    assert view["delivery"]["status"] in {"posted", "delivered"}


async def test_parent_unknown_to_the_registry_is_caught_before_any_agency(
    stack: Stack, factory: DeclarationFactory
) -> None:
    body = factory.birth(next(factory.couples()), delivery="electronic")
    # A father whose (well-formed) ID the population registry does not know.
    father_id = body["father"]["personal_id"]
    serial = int(father_id[6:])
    while body["father"]["personal_id"] in factory.people:
        serial = (serial + 1) % 10**6
        body["father"]["personal_id"] = f"{father_id[:6]}{serial:06d}"

    accepted = await submit(stack.api, "birth", body)
    view = await wait_for_status(
        stack.api, accepted["declaration_id"], frozenset({"awaiting_supplement"})
    )
    assert view["supplement_request"]["fields"] == [
        "father.personal_id",
        "father.full_name",
        "father.date_of_birth",
    ]
    assert "Thông tin của người cha không khớp" in view["supplement_request"]["message"]
    for agency in ("justice", "police", "social_security"):
        assert await agency_cases(stack.agencies[agency], accepted["declaration_id"]) == []
    withdrawn = await stack.api.post(f"/v1/declarations/{accepted['declaration_id']}/withdraw")
    assert withdrawn.status_code == 202
    view = await wait_for_status(stack.api, accepted["declaration_id"])
    assert view["status"] == "withdrawn"
    assert view["delivery"] == {
        "method": "electronic",
        "status": "pending",
        "tracking_number": None,
        "pickup_agency": None,
        "delivered_at": None,
        "notice": None,
    }
