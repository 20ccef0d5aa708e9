"""The death group end to end, on the real server and sandbox agencies."""

from __future__ import annotations

import re

import pytest

from devstack.declaration_factory import DeclarationFactory
from sandbox.dataset import PersonEntry
from temporal_connection import search_attributes
from tests.harness.agency_offices import agency_cases, agency_policy, officer_decides, open_case
from tests.harness.documents import expected_documents, verified_documents
from tests.harness.portal import step, submit
from tests.harness.stack import Stack
from tests.harness.waiting import eventually_listed, eventually_unlisted, wait_for_status

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
    assert view["delivery"]["status"] in {"posted", "delivered"}

    # The police registry now lists the person as deceased.
    person = (
        await stack.agencies["police"].get(f"/v1/registry/people/{deceased.personal_id}")
    ).json()
    assert person["status"] == "deceased"
    assert person["date_of_death"] == body["deceased"]["date_of_death"]
    expected_cases = {"justice": 1, "police": 1, "social_security": len(procedures) - 2}
    for agency, count in expected_cases.items():
        assert len(await agency_cases(stack.agencies[agency], accepted["declaration_id"])) == count
    # One signed document for each record, the benefit decisions among them.
    documents = await verified_documents(stack.api, accepted["declaration_id"], procedures)
    assert documents == expected_documents(procedures)


async def test_a_death_cannot_be_declared_twice(stack: Stack, factory: DeclarationFactory) -> None:
    deceased = a_pensioner(factory)
    first = await submit(stack.api, "death", factory.death(deceased))
    assert (await wait_for_status(stack.api, first["declaration_id"]))["status"] == "completed"

    # A second family member files the same death again, in a new declaration, with another
    # date of death: refused at once, naming the first.
    second = await stack.api.post(
        "/v1/declarations/death", json=factory.death(deceased, died_days_ago=3)
    )
    assert second.status_code == 409, second.text
    assert second.json()["type"] == "duplicate_declaration"
    assert second.json()["declaration_id"] == first["declaration_id"]


async def test_a_deceased_person_cannot_declare_but_stays_the_parent_of_a_child_born_before(
    stack: Stack, factory: DeclarationFactory
) -> None:
    couple = next(factory.couples())
    death = await submit(
        stack.api,
        "death",
        factory.death(
            couple.father, procedures=ALL_FOUR[:2], declarant=couple.mother, died_days_ago=2
        ),
    )
    assert (await wait_for_status(stack.api, death["declaration_id"]))["status"] == "completed"

    # A birth three days ago, declared by the mother: the father, who died the day after, is
    # named on the record all the same.
    birth = await submit(
        stack.api, "birth", factory.birth(couple, declarant="mother", born_days_ago=3)
    )
    view = await wait_for_status(stack.api, birth["declaration_id"])
    assert view["status"] == "completed", view

    # The deceased father as declarant of someone else's death.
    other = a_pensioner(factory)
    body = factory.death(other, procedures=ALL_FOUR[:2], declarant=couple.father)
    declared = await submit(stack.api, "death", body)
    view = await wait_for_status(stack.api, declared["declaration_id"])
    assert view["status"] == "rejected"
    assert "Người đi khai đã được ghi nhận là đã chết" in step(view, "death_registration")["reason"]


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


async def test_operators_find_a_death_by_any_of_its_open_steps(
    stack: Stack, factory: DeclarationFactory
) -> None:
    # The three steps after the death registration wait on their officers, all open at once.
    async with (
        agency_policy(stack, "police", "manual"),
        agency_policy(stack, "social_security", "manual"),
    ):
        body = factory.death(a_pensioner(factory), procedures=ALL_FOUR, form="lump_sum")
        accepted = await submit(stack.api, "death", body)
        declaration_id, workflow_id = accepted["declaration_id"], accepted["workflow_id"]
        parallel = ALL_FOUR[1:]
        cases = {
            procedure: await open_case(stack, declaration_id, procedure) for procedure in parallel
        }

        for procedure in parallel:
            query = f'DeclarationId = "{declaration_id}" AND CurrentStep = "{procedure}"'
            assert await eventually_listed(stack.client, query) == [workflow_id], procedure
        description = await stack.client.get_workflow_handle(workflow_id).describe()
        open_steps = description.typed_search_attributes.get(search_attributes.CURRENT_STEP)
        assert open_steps is not None and sorted(open_steps) == sorted(parallel)

        # A settled step leaves the list; the others stay findable.
        await officer_decides(stack, "police", cases["residence_removal"]["case_number"], "approve")
        settled = f'DeclarationId = "{declaration_id}" AND CurrentStep = "residence_removal"'
        still_open = f'DeclarationId = "{declaration_id}" AND CurrentStep = "funeral_allowance"'
        assert await eventually_unlisted(stack.client, settled)
        assert await eventually_listed(stack.client, still_open) == [workflow_id]

        for procedure in ("funeral_allowance", "survivor_benefit"):
            await officer_decides(
                stack, "social_security", cases[procedure]["case_number"], "approve"
            )
        view = await wait_for_status(stack.api, declaration_id)
    assert view["status"] == "completed", view
    closed = f'DeclarationId = "{declaration_id}" AND CurrentStep = "closed"'
    assert await eventually_listed(stack.client, closed) == [workflow_id]
