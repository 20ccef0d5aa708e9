"""A birth the justice office registered, whose declaration the family then withdrew: its event
is free to be declared again at the portal, and the justice office holds its record, so a new
declaration of the same child reaches the office and is refused there."""

from __future__ import annotations

from typing import Any

from tests.harness.agency_offices import agency_policy
from tests.harness.portal import submit
from tests.harness.stack import Stack
from tests.harness.waiting import wait_for_status, wait_for_step


async def registered_then_withdrawn(stack: Stack, body: dict[str, Any]) -> dict[str, Any]:
    """The declaration of `body`, withdrawn once its birth was registered (the police's officers
    hold the residence meanwhile)."""
    async with agency_policy(stack, "police", "manual"):
        accepted = await submit(stack.api, "birth", body)
        declaration_id = accepted["declaration_id"]
        await wait_for_step(stack.api, declaration_id, "birth_registration", {"approved"})
        await wait_for_step(stack.api, declaration_id, "residence_registration", {"submitted"})
        response = await stack.api.post(f"/v1/declarations/{declaration_id}/withdraw")
        assert response.status_code == 202, response.text
        view = await wait_for_status(stack.api, declaration_id)
    assert view["status"] == "withdrawn", view
    return view
