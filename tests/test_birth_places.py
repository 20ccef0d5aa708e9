"""A birth placed in communes the sandbox dataset does not hold, end to end: the product accepts
every official commune, and so do the agencies, whose registers are national."""

from __future__ import annotations

from devstack.declaration_factory import DeclarationFactory
from reference_data.admin_units import official_admin_units
from schemas.identifiers import parse_personal_id
from tests.harness.documents import document_text
from tests.harness.portal import step, submit
from tests.harness.stack import Stack
from tests.harness.waiting import wait_for_status

# Đặc khu Phú Quốc (An Giang, 91) and Phường Hải Châu (Thành phố Đà Nẵng, 48).
BORN_IN, LIVING_IN = "31078", "20242"


async def test_a_birth_in_communes_outside_the_sandbox_dataset_is_registered(
    stack: Stack, factory: DeclarationFactory
) -> None:
    units = official_admin_units()
    held = factory.dataset.commune_province
    assert BORN_IN not in held and LIVING_IN not in held
    couple = next(factory.couples())
    body = factory.birth(couple, delivery="electronic")
    # Born in a hospital on Phú Quốc; the family has moved to Đà Nẵng.
    body["child"]["place_of_birth"]["commune_code"] = BORN_IN
    body["residence"] = {"commune_code": LIVING_IN, "address_line": "Số 12 Bạch Đằng"}

    accepted = await submit(stack.api, "birth", body)
    view = await wait_for_status(stack.api, accepted["declaration_id"])
    assert view["status"] == "completed", view

    # The child's personal ID opens with the code of the province it was born in.
    child_id = step(view, "birth_registration")["result"]["child_personal_id"]
    assert parse_personal_id(child_id).birth_province_code == "091"
    # The residence is registered in the family's new commune, the card issued in its province.
    residence = step(view, "residence_registration")["result"]
    assert residence["commune_code"] == LIVING_IN
    card = step(view, "health_insurance_card")["result"]
    assert card["card_code"] == f"TE148{card['social_insurance_number']}"
    assert units.province_of(LIVING_IN) == "48"

    # The residence confirmation names the place by its official names.
    confirmation = await document_text(
        stack.api, accepted["declaration_id"], "residence_registration"
    )
    assert "Nơi thường trú: Phường Hải Châu, Thành phố Đà Nẵng" in confirmation
    assert f"Mã đơn vị hành chính cấp xã: {LIVING_IN}" in confirmation
