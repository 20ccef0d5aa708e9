"""A supplement changes only what was asked: the rule as a pure function, then the exploits that
once went through, replayed through the portal contract and the officers' desks."""

from __future__ import annotations

import asyncio
from typing import Any

from devstack.declaration_factory import DeclarationFactory
from portal_api.supplement_scope import out_of_scope
from tests.harness.agency_offices import agency_cases, agency_policy, officer_decides, open_case
from tests.harness.portal import step, submit
from tests.harness.stack import Stack
from tests.harness.waiting import wait_for_status

DECEASED = {"personal_id": "001060000011", "full_name": "Trần Văn Mất", "place_of_death": {}}
FILED = {
    "declarant": {"personal_id": "001090000001", "full_name": "Trần Thị Con", "phone": "0912"},
    "deceased": DECEASED,
    "procedures": ["death_registration", "residence_removal"],
    "payment": {"method": "bank", "bank_account": {"account_number": "1"}},
}


def locs(changes: dict[str, Any], requested: list[str], engaged: bool = True) -> list[Any]:
    return [(v.loc, v.type) for v in out_of_scope(changes, FILED, requested, engaged)]


def test_only_the_parts_named_may_change() -> None:
    place = {"place_of_death": {"commune_code": "00004", "address_line": "Số 1"}}
    assert locs({"deceased": place}, ["deceased.place_of_death"]) == []
    assert locs({"payment": {"method": "cash"}}, ["deceased.place_of_death"]) == [
        (("body", "changes", "payment", "method"), "field_not_requested")
    ]


def test_a_request_for_one_field_allows_that_field_alone() -> None:
    beneficiary = {"personal_id": "001090000002", "full_name": "Trần Văn Lạ"}
    filed: dict[str, Any] = {
        **FILED,
        "survivor_benefit": {"form": "lump_sum", "beneficiaries": [{"full_name": "Trần Thị Con"}]},
        "payment": {
            "method": "bank",
            "bank_account": {"account_number": "1", "account_holder": "Trần Thị Con"},
        },
    }

    def refused(changes: dict[str, Any], requested: list[str]) -> list[Any]:
        return [v.loc[2:] for v in out_of_scope(changes, filed, requested, True)]

    form_only = ["survivor_benefit.form"]
    assert refused({"survivor_benefit": {"form": "monthly"}}, form_only) == []
    assert refused(
        {"survivor_benefit": {"form": "monthly", "beneficiaries": [beneficiary]}}, form_only
    ) == [("survivor_benefit", "beneficiaries")]
    holder_only = ["payment.bank_account.account_holder"]
    holder = {"payment": {"bank_account": {"account_holder": "Trần Văn Con"}}}
    assert refused(holder, holder_only) == []
    both = {"payment": {"bank_account": {"account_holder": "Trần Văn Con", "account_number": "9"}}}
    assert refused(both, holder_only) == [("payment", "bank_account", "account_number")]
    # A part sent back whole, as filed but for the field asked for, changes only that field.
    whole = {
        "payment": {
            "method": "bank",
            "bank_account": {"account_number": "1", "account_holder": "Trần Văn Con"},
        }
    }
    assert refused(whole, holder_only) == []
    # A request that names a part explicitly allows all of it.
    assert (
        refused({"survivor_benefit": {"beneficiaries": [beneficiary]}}, ["survivor_benefit"]) == []
    )


def test_a_person_relied_on_cannot_be_replaced() -> None:
    swapped = {"deceased": {**DECEASED, "personal_id": "001070000099"}}
    assert locs(swapped, ["deceased.place_of_death"]) == [
        (("body", "changes", "deceased", "personal_id"), "field_not_requested")
    ]
    # Even when the request names the ID, once an agency has relied on it.
    assert locs(swapped, ["deceased.personal_id"], engaged=True) != []
    # Before any agency, a registry mismatch on the ID may be corrected.
    assert locs(swapped, ["deceased.personal_id"], engaged=False) == []


def test_the_declarant_and_the_procedures_never_change() -> None:
    claimant = {"declarant": {"personal_id": "001080000077", "phone": "0913"}}
    assert locs(claimant, ["declarant.phone"], engaged=False) == [
        (("body", "changes", "declarant", "personal_id"), "field_not_requested")
    ]
    assert locs({"declarant": {"phone": "0913"}}, ["declarant.phone"]) == []
    procedures = {"procedures": ["death_registration", "residence_removal", "funeral_allowance"]}
    assert locs(procedures, ["procedures"]) == [
        (("body", "changes", "procedures"), "field_not_requested")
    ]


async def test_a_supplement_cannot_replace_the_deceased(
    stack: Stack, factory: DeclarationFactory
) -> None:
    people = factory.insured_people(lambda i: i.status == "pensioner")
    deceased, other = next(people), next(people)
    async with agency_policy(stack, "police", "manual"):
        accepted = await submit(stack.api, "death", factory.death(deceased))
        declaration_id = accepted["declaration_id"]
        case = await open_case(stack, declaration_id, "residence_removal")
        await officer_decides(
            stack,
            "police",
            case["case_number"],
            "request_supplement",
            supplement={"fields": ["deceased.place_of_death"], "message": "Where exactly?"},
        )
        await wait_for_status(stack.api, declaration_id, frozenset({"awaiting_supplement"}))
        filed = (await stack.api.get(f"/v1/declarations/{declaration_id}")).json()
        swapped = await stack.api.post(
            f"/v1/declarations/{declaration_id}/supplement",
            json={
                "changes": {
                    "deceased": {"personal_id": other.personal_id, "full_name": other.full_name},
                    "procedures": ["death_registration", "residence_removal", "funeral_allowance"],
                }
            },
        )
        assert swapped.status_code == 422, swapped.text
        refused = {(tuple(d["loc"]), d["type"]) for d in swapped.json()["detail"]}
        assert refused == {
            (("body", "changes", "deceased", "personal_id"), "field_not_requested"),
            (("body", "changes", "deceased", "full_name"), "field_not_requested"),
            (("body", "changes", "procedures"), "field_not_requested"),
        }
        # Nothing changed, here or at any agency: the other person is untouched.
        view = (await stack.api.get(f"/v1/declarations/{declaration_id}")).json()
        assert view["status"] == "awaiting_supplement"
        assert [s["procedure"] for s in view["steps"]] == [s["procedure"] for s in filed["steps"]]
        other_in_registry = await stack.agencies["police"].get(
            f"/v1/registry/people/{other.personal_id}"
        )
        assert other_in_registry.json().get("status") != "deceased"
        assert [
            c["status"] for c in await agency_cases(stack.agencies["police"], declaration_id)
        ] == ["awaiting_supplement"]
        await stack.api.post(f"/v1/declarations/{declaration_id}/withdraw")
    assert (await wait_for_status(stack.api, declaration_id))["status"] == "withdrawn"


async def test_a_corrected_person_is_checked_with_the_registry_again(
    stack: Stack, factory: DeclarationFactory
) -> None:
    couple = next(factory.couples())
    async with agency_policy(stack, "justice", "manual"):
        accepted = await submit(stack.api, "birth", factory.birth(couple))
        declaration_id = accepted["declaration_id"]
        case = await open_case(stack, declaration_id, "birth_registration")
        await officer_decides(
            stack,
            "justice",
            case["case_number"],
            "request_supplement",
            supplement={"fields": ["mother.full_name"], "message": "Write the name in full."},
        )
        await wait_for_status(stack.api, declaration_id, frozenset({"awaiting_supplement"}))
        # The answer names the mother otherwise than the registry does: the registry is asked
        # again, before the justice office sees anything.
        answer = await stack.api.post(
            f"/v1/declarations/{declaration_id}/supplement",
            json={"changes": {"mother": {"full_name": "Nguyễn Thị Sai Tên"}}},
        )
        assert answer.status_code == 202, answer.text
        for _ in range(100):
            view = (await stack.api.get(f"/v1/declarations/{declaration_id}")).json()
            request = view["supplement_request"]
            if request and request["requested_by"] == "population_registry":
                break
            await asyncio.sleep(0.1)
        assert view["status"] == "awaiting_supplement"
        assert len(await agency_cases(stack.agencies["justice"], declaration_id)) == 1
        fixed = await stack.api.post(
            f"/v1/declarations/{declaration_id}/supplement",
            json={"changes": {"mother": {"full_name": couple.mother.full_name}}},
        )
        assert fixed.status_code == 202, fixed.text
        second = await open_case(stack, declaration_id, "birth_registration")
        assert second["round"] == 2
        await officer_decides(stack, "justice", second["case_number"], "approve")
        view = await wait_for_status(stack.api, declaration_id)
    assert view["status"] == "completed"
    assert step(view, "birth_registration")["status"] == "approved"


async def test_a_supplement_cannot_replace_the_claimant(
    stack: Stack, factory: DeclarationFactory
) -> None:
    people = factory.insured_people(lambda i: i.status == "pensioner")
    deceased, stranger = next(people), next(people)
    async with agency_policy(stack, "justice", "manual"):
        accepted = await submit(stack.api, "death", factory.death(deceased))
        declaration_id = accepted["declaration_id"]
        case = await open_case(stack, declaration_id, "death_registration")
        await officer_decides(
            stack,
            "justice",
            case["case_number"],
            "request_supplement",
            supplement={"fields": ["declarant"], "message": "Confirm the declarant's details."},
        )
        await wait_for_status(stack.api, declaration_id, frozenset({"awaiting_supplement"}))
        takeover = await stack.api.post(
            f"/v1/declarations/{declaration_id}/supplement",
            json={
                "changes": {
                    "declarant": {
                        "personal_id": stranger.personal_id,
                        "full_name": stranger.full_name,
                    },
                    "payment": {
                        "method": "bank",
                        "bank_account": {
                            "bank_code": "VCB",
                            "account_number": "999999999999",
                            "account_holder": stranger.full_name,
                        },
                    },
                }
            },
        )
        assert takeover.status_code == 422, takeover.text
        refused = {(tuple(d["loc"]), d["type"]) for d in takeover.json()["detail"]}
        assert refused == {
            (("body", "changes", "declarant", "personal_id"), "field_not_requested"),
            (
                ("body", "changes", "payment", "bank_account", "account_number"),
                "field_not_requested",
            ),
            (
                ("body", "changes", "payment", "bank_account", "account_holder"),
                "field_not_requested",
            ),
        }
        # The refused attempt is on the audit trail, with who tried it.
        audit = await stack.api.get(
            f"/v1/declarations/{declaration_id}/audit",
            headers={"Authorization": f"Bearer {stack.token('operator')}"},
        )
        denied = [e for e in audit.json() if e["action"] == "supplement"]
        assert [e["outcome"] for e in denied] == ["denied"]
        # Nothing reached social security: no funeral allowance case for anyone.
        assert await agency_cases(stack.agencies["social_security"], declaration_id) == []
        await stack.api.post(f"/v1/declarations/{declaration_id}/withdraw")
    assert (await wait_for_status(stack.api, declaration_id))["status"] == "withdrawn"


async def test_a_request_for_the_form_cannot_change_who_is_paid(
    stack: Stack, factory: DeclarationFactory
) -> None:
    deceased = next(factory.insured_people(lambda i: i.status == "pensioner"))
    body = factory.death(
        deceased,
        procedures=("death_registration", "residence_removal", "survivor_benefit"),
        form="lump_sum",
    )
    stranger = next(
        p for p in factory.dataset.people if p.personal_id != body["declarant"]["personal_id"]
    )
    newcomer = {
        "personal_id": stranger.personal_id,
        "full_name": stranger.full_name,
        "relationship": "child",
        "date_of_birth": stranger.date_of_birth.isoformat(),
    }
    async with agency_policy(stack, "social_security", "manual"):
        declaration_id = (await submit(stack.api, "death", body))["declaration_id"]
        path = f"/v1/declarations/{declaration_id}/supplement"

        async def asked(fields: list[str]) -> None:
            case = await open_case(stack, declaration_id, "survivor_benefit")
            await officer_decides(
                stack,
                "social_security",
                case["case_number"],
                "request_supplement",
                supplement={"fields": fields, "message": "Xin bổ sung."},
            )
            await wait_for_status(stack.api, declaration_id, frozenset({"awaiting_supplement"}))

        await asked(["survivor_benefit.form"])
        swap = {"survivor_benefit": {"form": "lump_sum", "beneficiaries": [newcomer]}}
        refused = await stack.api.post(path, json={"changes": swap})
        assert refused.status_code == 422
        assert [(p["loc"], p["type"]) for p in refused.json()["detail"]] == [
            (["body", "changes", "survivor_benefit", "beneficiaries"], "field_not_requested")
        ]
        form = await stack.api.post(
            path, json={"changes": {"survivor_benefit": {"form": "monthly"}}}
        )
        assert form.status_code == 202, form.text

        await asked(["payment.bank_account.account_holder"])
        account = body["payment"]["bank_account"]
        number = await stack.api.post(
            path,
            json={"changes": {"payment": {"bank_account": {"account_number": "999999999999"}}}},
        )
        assert number.status_code == 422
        assert number.json()["detail"][0]["loc"] == [
            "body",
            "changes",
            "payment",
            "bank_account",
            "account_number",
        ]
        to_stranger = {"payment": {"bank_account": {"account_holder": stranger.full_name}}}
        unknown = await stack.api.post(path, json={"changes": to_stranger})
        assert unknown.status_code == 422
        assert unknown.json()["detail"][0]["type"] == "account_holder_unknown"
        # The declarant's own name, written in capitals, is the same person.
        holder = {
            "payment": {"bank_account": {"account_holder": account["account_holder"].upper()}}
        }
        assert (await stack.api.post(path, json={"changes": holder})).status_code == 202
        # Nothing the family did not ask to change reached social security.
        case = await open_case(stack, declaration_id, "survivor_benefit")
        await officer_decides(stack, "social_security", case["case_number"], "approve")
        view = await wait_for_status(stack.api, declaration_id)
    survivor = step(view, "survivor_benefit")
    assert survivor["status"] == "approved"
    paid = survivor["result"]["beneficiaries"]
    assert [b["full_name"] for b in paid] == [
        b["full_name"] for b in body["survivor_benefit"]["beneficiaries"]
    ]
