"""The justice office registers a child or a death once, whatever reaches it: its own service,
built in process on a database of the test's own, refuses a second registration of the same
child (the same mother, date of birth and birth order, whatever the name) or of the same death,
naming the record it holds, while a resubmission of a case under its own key still answers with
that case."""

from __future__ import annotations

import secrets
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from devstack.declaration_factory import DeclarationFactory
from sandbox.casebook.credentials import AgencyCredentials
from sandbox.casebook.switches import DecisionPolicy
from sandbox.justice.agency import JUSTICE
from sandbox.settings import DEFAULT_DATASET_DIR
from security.dev_credentials import dev_signing_key_id, dev_signing_seed
from tests.harness.filed_declarations import birth, death, with_child
from workflows.agency_steps import Submission
from workflows.birth_steps import birth_registration
from workflows.death_steps import death_registration

Body = dict[str, Any]
SERVICE_KEY = "justice service key of the test"


@pytest.fixture
async def justice(tmp_path: Path) -> AsyncIterator[httpx.AsyncClient]:
    credentials = AgencyCredentials(
        service_key=SERVICE_KEY,
        officer_key="justice officer key of the test",
        signing_seed=dev_signing_seed("justice"),
        signing_key_id=dev_signing_key_id("justice"),
    )
    app = JUSTICE.create_app(
        tmp_path / "justice", DEFAULT_DATASET_DIR, credentials, DecisionPolicy(mode="immediate")
    )
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app),
        base_url="http://justice",
        headers={"Authorization": f"Bearer {SERVICE_KEY}"},
    ) as client:
        yield client


async def register_birth(
    justice: httpx.AsyncClient, body: Body, declaration_id: str | None = None
) -> httpx.Response:
    """A case for the birth, as the orchestrator opens it for a declaration (a new one unless
    `declaration_id` is given), under the key of the declaration's first submission."""
    declaration_id = declaration_id or f"LT-{secrets.token_hex(4)}"
    request = birth_registration(Submission(declaration_id, birth(body), False, 1, None))
    return await justice.post(
        "/v1/birth-registrations",
        json=request.model_dump(mode="json"),
        headers={"Idempotency-Key": f"{declaration_id}/birth_registration/1"},
    )


async def register_death(justice: httpx.AsyncClient, body: Body) -> httpx.Response:
    declaration_id = f"LT-{secrets.token_hex(4)}"
    request = death_registration(Submission(declaration_id, death(body), False, 1, None))
    return await justice.post(
        "/v1/death-registrations",
        json=request.model_dump(mode="json"),
        headers={"Idempotency-Key": f"{declaration_id}/death_registration/1"},
    )


def record_number(case: dict[str, Any]) -> str:
    assert case["status"] == "approved", case
    number: str = case["record"]["civil_status_record_number"]
    return number


async def test_the_same_child_is_registered_once_under_any_name(
    justice: httpx.AsyncClient, bundled_factory: DeclarationFactory
) -> None:
    body = bundled_factory.birth(next(bundled_factory.couples()))
    first = await register_birth(justice, body, "LT-FIRST-FILING")
    assert first.status_code == 201
    registered = record_number(first.json())

    # Another spelling of the name, filed as a new case: refused, naming the record.
    respelled = with_child(body, full_name="Nguyen Van A")
    second = await register_birth(justice, respelled)
    assert second.status_code == 201
    refused = second.json()
    assert refused["status"] == "rejected"
    assert refused["rejection"] == {
        "code": "birth_already_registered",
        "reason": f"Trẻ này đã được đăng ký khai sinh theo trích lục hộ tịch {registered}; "
        "không thể đăng ký khai sinh hai lần.",
    }

    # The first case sent again under its own key is still that case, approved.
    again = await register_birth(justice, body, "LT-FIRST-FILING")
    assert again.status_code == 200
    assert again.json()["case_number"] == first.json()["case_number"]
    assert record_number(again.json()) == registered


async def test_twins_are_two_registrations_and_no_birth_order_is_the_first(
    justice: httpx.AsyncClient, bundled_factory: DeclarationFactory
) -> None:
    body = bundled_factory.birth(next(bundled_factory.couples()))
    unordered = await register_birth(justice, body)
    second_twin = await register_birth(justice, with_child(body, birth_order=2))
    assert record_number(second_twin.json()) != record_number(unordered.json())

    # The first twin named by its order is the child registered without one.
    first_twin = await register_birth(justice, with_child(body, birth_order=1))
    assert first_twin.json()["rejection"]["code"] == "birth_already_registered"
    assert record_number(unordered.json()) in first_twin.json()["rejection"]["reason"]
    third = await register_birth(justice, with_child(body, birth_order=3))
    assert third.json()["status"] == "approved"


async def test_an_abandoned_child_is_registered_once_by_its_caretaker(
    justice: httpx.AsyncClient, bundled_factory: DeclarationFactory
) -> None:
    caretaker = next(bundled_factory.caretakers())
    found = bundled_factory.abandoned_child_birth(caretaker)
    registered = record_number((await register_birth(justice, found)).json())
    # Declared again, in a new declaration.
    refused = (await register_birth(justice, found)).json()
    assert refused["rejection"]["code"] == "birth_already_registered"
    assert registered in refused["rejection"]["reason"]
    # Another foundling in the same caretaker's care, born the same day, is another child.
    another = with_child(found, full_name=f"{found['child']['full_name']} Hai")
    assert (await register_birth(justice, another)).json()["status"] == "approved"


async def test_a_death_is_registered_once(
    justice: httpx.AsyncClient, bundled_factory: DeclarationFactory
) -> None:
    deceased = next(bundled_factory.insured_people(lambda i: i.status == "pensioner"))
    first = (await register_death(justice, bundled_factory.death(deceased))).json()
    assert first["status"] == "approved"
    registered = first["record"]["death_record_number"]
    # Another relative declares it, with another date of death.
    second = await register_death(justice, bundled_factory.death(deceased, died_days_ago=4))
    assert second.json()["rejection"] == {
        "code": "death_already_registered",
        "reason": f"Người này đã được đăng ký khai tử theo trích lục {registered}; "
        "không thể khai tử hai lần.",
    }
