"""The death group end to end, on the real server and sandbox agencies."""

from __future__ import annotations

import re

import pytest

from devstack.declaration_factory import DeclarationFactory
from sandbox.dataset import PersonEntry
from tests.harness.agency_offices import agency_cases
from tests.harness.portal import step, submit
from tests.harness.stack import Stack
from tests.harness.waiting import wait_for_status

ALL_FOUR = ("death_registration", "residence_removal", "funeral_allowance", "survivor_benefit")


def a_pensioner(factory: DeclarationFactory) -> PersonEntry:
    return next(factory.insured_people(lambda i: i.status == "pensioner"))


@pytest.mark.parametrize(
    "procedures",
    [
        ALL_FOUR[:2],
        (*ALL_FOUR[:2], "funeral_allowance"),
        (*ALL_FOUR[:2], "survivor_benefit"),
        ALL_FOUR,
    ],
    ids=["two", "three-funeral", "three-survivor", "four"],
)
async def test_death_declaration_completes_for_each_choice_of_procedures(
    stack: Stack, factory: DeclarationFactory, procedures: tuple[str, ...]
) -> None:
    deceased = a_pensioner(factory)
    body = factory.death(deceased, procedures=procedures, form="lump_sum", delivery="post")
    accepted = await submit(stack.api, "death", body)
    view = await wait_for_status(stack.api, accepted["declaration_id"])

    assert view["status"] == "completed", view
    assert view["procedure"] == "death"
    assert [s["procedure"] for s in view["steps"]] == list(procedures)
    assert all(s["status"] == "approved" for s in view["steps"])
    assert view["late_registration"] is False

    death = step(view, "death_registration")["result"]
    assert re.fullmatch(r"KT-\d{4}-\d{5}-\d{6}", death["death_record_number"])
    assert death["late_registration"] is False
    removal = step(view, "residence_removal")["result"]
    assert re.fullmatch(r"XTT-\d{4}-\d{5}-\d{6}", removal["residence_removal_number"])
    if "funeral_allowance" in procedures:
        funeral = step(view, "funeral_allowance")["result"]
        assert funeral["covered"] is True and funeral["amount_vnd"] > 0
        assert funeral["rule"] and funeral["explanation"] and funeral["figures"]
    if "survivor_benefit" in procedures:
        survivor = step(view, "survivor_benefit")["result"]
        assert survivor["form"] == "lump_sum" and survivor["lump_sum_vnd"] > 0
    assert view["delivery"]["status"] == "posted"

    # The police registry now lists the person as deceased.
    person = (
        await stack.agencies["police"].get(f"/v1/registry/people/{deceased.personal_id}")
    ).json()
    assert person["status"] == "deceased"
    assert person["date_of_death"] == body["deceased"]["date_of_death"]
    expected_cases = {"justice": 1, "police": 1, "social_security": len(procedures) - 2}
    for agency, count in expected_cases.items():
        assert len(await agency_cases(stack.agencies[agency], accepted["declaration_id"])) == count


async def test_a_death_cannot_be_declared_twice(stack: Stack, factory: DeclarationFactory) -> None:
    deceased = a_pensioner(factory)
    first = await submit(stack.api, "death", factory.death(deceased))
    assert (await wait_for_status(stack.api, first["declaration_id"]))["status"] == "completed"

    # A second family member files the same death again, in a new declaration.
    second = await submit(stack.api, "death", factory.death(deceased, died_days_ago=3))
    view = await wait_for_status(stack.api, second["declaration_id"])
    assert view["status"] == "rejected"
    registration = step(view, "death_registration")
    assert registration["status"] == "rejected"
    assert "cannot be declared dead twice" in registration["reason"]
    assert all(s["status"] == "cancelled" for s in view["steps"][1:])
    for agency in ("police", "social_security"):
        assert await agency_cases(stack.agencies[agency], second["declaration_id"]) == []


async def test_a_deceased_person_cannot_be_a_parent_or_declarant_later(
    stack: Stack, factory: DeclarationFactory
) -> None:
    couple = next(factory.couples())
    death = await submit(
        stack.api,
        "death",
        factory.death(couple.father, procedures=ALL_FOUR[:2], declarant=couple.mother),
    )
    assert (await wait_for_status(stack.api, death["declaration_id"]))["status"] == "completed"

    # A birth declared by the mother, naming the deceased father.
    birth = await submit(stack.api, "birth", factory.birth(couple, declarant="mother"))
    view = await wait_for_status(stack.api, birth["declaration_id"])
    assert view["status"] == "rejected"
    assert "father is recorded as deceased" in step(view, "birth_registration")["reason"]

    # The deceased father as declarant of someone else's death.
    other = a_pensioner(factory)
    body = factory.death(other, procedures=ALL_FOUR[:2], declarant=couple.father)
    declared = await submit(stack.api, "death", body)
    view = await wait_for_status(stack.api, declared["declaration_id"])
    assert view["status"] == "rejected"
    assert "declarant is recorded as deceased" in step(view, "death_registration")["reason"]


async def test_late_death_declaration_is_accepted_and_marked_late(
    stack: Stack, factory: DeclarationFactory
) -> None:
    deceased = a_pensioner(factory)
    body = factory.death(deceased, procedures=ALL_FOUR[:2], died_days_ago=40)
    accepted = await submit(stack.api, "death", body)
    view = await wait_for_status(stack.api, accepted["declaration_id"])
    assert view["status"] == "completed"
    assert view["late_registration"] is True
    assert step(view, "death_registration")["result"]["late_registration"] is True


async def test_idempotent_death_resubmission(stack: Stack, factory: DeclarationFactory) -> None:
    deceased = a_pensioner(factory)
    body = factory.death(deceased)
    first = await submit(stack.api, "death", body, key="death-resubmission-0001")
    again = await submit(stack.api, "death", body, key="death-resubmission-0001")
    assert again["declaration_id"] == first["declaration_id"]
    view = await wait_for_status(stack.api, first["declaration_id"])
    assert view["status"] == "completed"
    assert len(await agency_cases(stack.agencies["justice"], first["declaration_id"])) == 1
    assert len(await agency_cases(stack.agencies["social_security"], first["declaration_id"])) == 2
