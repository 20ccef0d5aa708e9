"""Resubmitting with an idempotency key: the same declaration, nothing started twice."""

from __future__ import annotations

import asyncio
import secrets

from sqlmodel import Session, select

from devstack.declaration_factory import DeclarationFactory
from store.models import DeclarationRecord
from tests.harness.agency_offices import agency_cases
from tests.harness.portal import submit
from tests.harness.stack import Stack
from tests.harness.waiting import eventually_listed, wait_for_status


async def test_same_key_same_body_returns_the_same_declaration(
    stack: Stack, factory: DeclarationFactory
) -> None:
    key = f"portal-{secrets.token_hex(8)}"
    body = factory.birth(next(factory.couples()))
    first = await submit(stack.api, "birth", body, key=key)
    again = await asyncio.gather(*(submit(stack.api, "birth", body, key=key) for _ in range(4)))
    assert {a["declaration_id"] for a in again} == {first["declaration_id"]}

    view = await wait_for_status(stack.api, first["declaration_id"])
    assert view["status"] == "completed"
    with Session(stack.engine) as session:
        records = session.exec(
            select(DeclarationRecord).where(DeclarationRecord.idempotency_key == key)
        ).all()
    assert len(records) == 1
    runs = await eventually_listed(stack.client, f'WorkflowId = "{first["workflow_id"]}"')
    assert runs == [first["workflow_id"]]
    for agency in ("justice", "police", "social_security"):
        assert len(await agency_cases(stack.agencies[agency], first["declaration_id"])) == 1


async def test_same_key_different_body_is_a_conflict(
    intake_stack: Stack, factory: DeclarationFactory
) -> None:
    key = f"portal-{secrets.token_hex(8)}"
    body = factory.birth(next(factory.couples()))
    await submit(intake_stack.api, "birth", body, key=key)
    body["child"]["full_name"] = "Nguyễn Văn Khác"
    response = await intake_stack.api.post(
        "/v1/declarations/birth", json=body, headers={"Idempotency-Key": key}
    )
    assert response.status_code == 409
    assert "Idempotency-Key" in response.json()["detail"]


async def test_same_key_on_the_other_procedure_is_a_conflict(
    intake_stack: Stack, factory: DeclarationFactory
) -> None:
    key = f"portal-{secrets.token_hex(8)}"
    await submit(intake_stack.api, "birth", factory.birth(next(factory.couples())), key=key)
    deceased = next(factory.insured_people(lambda i: i.status == "pensioner"))
    response = await intake_stack.api.post(
        "/v1/declarations/death", json=factory.death(deceased), headers={"Idempotency-Key": key}
    )
    assert response.status_code == 409
