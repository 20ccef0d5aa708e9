"""When an agency rejects a birth step: a clear outcome, and the steps that depend on it never
start."""

from __future__ import annotations

from local_stack.declaration_factory import DeclarationFactory
from tests.conftest import Stack
from tests.support import agency_cases, step, submit, wait_for_status


async def test_justice_rejection_rejects_the_declaration_and_starts_nothing_else(
    stack: Stack, factory: DeclarationFactory
) -> None:
    body = factory.birth(next(factory.couples()))
    first = await submit(stack.api, "birth", body)
    assert (await wait_for_status(stack.api, first["declaration_id"]))["status"] == "completed"

    # The same birth filed again as a new declaration: the justice office already holds it.
    second = await submit(stack.api, "birth", body)
    assert second["declaration_id"] != first["declaration_id"]
    view = await wait_for_status(stack.api, second["declaration_id"])
    assert view["status"] == "rejected"
    birth = step(view, "birth_registration")
    assert birth["status"] == "rejected"
    assert "already registered" in birth["reason"]
    assert view["summary"] == birth["reason"]
    for dependent in ("residence_registration", "health_insurance_card"):
        assert step(view, dependent)["status"] == "cancelled"
        assert "birth record" in step(view, dependent)["reason"]
    assert await agency_cases(stack.agencies["police"], second["declaration_id"]) == []
    assert await agency_cases(stack.agencies["social_security"], second["declaration_id"]) == []
    # The rejection notice still reaches the family.
    assert view["delivery"]["status"] == "posted"


async def test_police_rejection_leaves_the_declaration_partially_completed(
    stack: Stack, factory: DeclarationFactory
) -> None:
    couple = next(factory.couples())
    body = factory.birth(couple, delivery="electronic")
    # A father whose (well-formed) ID the population registry does not know.
    father_id = body["father"]["personal_id"]
    body["father"]["personal_id"] = father_id[:6] + f"{(int(father_id[6:]) + 1) % 10**6:06d}"
    while body["father"]["personal_id"] in factory.people:
        pid = body["father"]["personal_id"]
        body["father"]["personal_id"] = pid[:6] + f"{(int(pid[6:]) + 1) % 10**6:06d}"

    accepted = await submit(stack.api, "birth", body)
    view = await wait_for_status(stack.api, accepted["declaration_id"])
    assert view["status"] == "partially_completed", view
    assert step(view, "birth_registration")["status"] == "approved"
    residence = step(view, "residence_registration")
    assert residence["status"] == "rejected"
    assert "father" in residence["reason"] and "registry" in residence["reason"]
    assert residence["case_number"] is not None
    assert step(view, "health_insurance_card")["status"] == "approved"
    assert view["delivery"] == {
        "method": "electronic",
        "status": "sent",
        "tracking_number": None,
        "pickup_agency": None,
    }
