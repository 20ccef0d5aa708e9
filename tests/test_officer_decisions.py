"""Officers decide cases later: approvals, rejections and supplement requests reach the
workflow through the agency adapter, and only the affected step runs again."""

from __future__ import annotations

import asyncio
from datetime import datetime

from devstack.declaration_factory import DeclarationFactory, attachment
from tests.harness.agency_offices import agency_cases, agency_policy, officer_decides, open_case
from tests.harness.notices import unique_phone, wait_for_sms
from tests.harness.portal import step, submit
from tests.harness.stack import Stack
from tests.harness.supplement_requests import illegible_birth_certificate, supplement_request
from tests.harness.waiting import wait_for_status, wait_for_step
from workflows.milestones import day


async def test_officer_approves_after_a_delay(stack: Stack, factory: DeclarationFactory) -> None:
    async with agency_policy(stack, "justice", "manual"):
        accepted = await submit(stack.api, "birth", factory.birth(next(factory.couples())))
        opened = await open_case(stack, accepted["declaration_id"], "birth_registration")
        queue = (await stack.officers["justice"].get("/v1/officer/cases")).json()
        assert opened["case_number"] in [c["case_number"] for c in queue]
        await asyncio.sleep(1.5)  # the officer takes their time
        view = (await stack.api.get(f"/v1/declarations/{accepted['declaration_id']}")).json()
        assert view["status"] == "in_progress"
        assert step(view, "birth_registration")["status"] == "submitted"
        await officer_decides(stack, "justice", opened["case_number"], "approve")
        view = await wait_for_status(stack.api, accepted["declaration_id"])
    assert view["status"] == "completed"
    birth = step(view, "birth_registration")
    assert birth["case_number"] == opened["case_number"]
    assert birth["result"]["child_personal_id"]


async def test_officer_rejects_with_a_reason(stack: Stack, factory: DeclarationFactory) -> None:
    async with agency_policy(stack, "police", "manual"):
        accepted = await submit(stack.api, "birth", factory.birth(next(factory.couples())))
        opened = await open_case(stack, accepted["declaration_id"], "residence_registration")
        await officer_decides(
            stack,
            "police",
            opened["case_number"],
            "reject",
            reason="No dwelling exists at this address in the commune.",
        )
        view = await wait_for_status(stack.api, accepted["declaration_id"])
    assert view["status"] == "partially_completed"
    residence = step(view, "residence_registration")
    assert residence["status"] == "rejected"
    # The officer's words as written; the agency's code for them reaches the status.
    assert residence["reason"] == "No dwelling exists at this address in the commune."
    assert residence["reason_code"] == "officer_rejected"
    assert view["status_reason_code"] == "officer_rejected"
    assert step(view, "birth_registration")["status"] == "approved"
    assert step(view, "health_insurance_card")["status"] == "approved"


async def test_supplement_requested_and_answered_in_time(
    stack: Stack, factory: DeclarationFactory
) -> None:
    body = factory.birth(next(factory.couples()))
    body["declarant"]["phone"] = phone = unique_phone()
    async with agency_policy(stack, "police", "manual"):
        accepted = await submit(stack.api, "birth", body)
        declaration_id = accepted["declaration_id"]
        first = await open_case(stack, declaration_id, "residence_registration")
        await officer_decides(
            stack,
            "police",
            first["case_number"],
            "request_supplement",
            supplement=supplement_request(
                "The house number is missing: give the full address.",
                fields=["residence.address_line"],
            ),
        )
        view = await wait_for_status(stack.api, declaration_id, frozenset({"awaiting_supplement"}))
        residence = step(view, "residence_registration")
        assert residence["status"] == "awaiting_supplement"
        assert residence["supplement_request"]["fields"] == ["residence.address_line"]
        assert residence["supplement_request"]["requested_by"] == "police"
        assert (
            residence["supplement_request"]["respond_by"]
            > residence["supplement_request"]["requested_at"]
        )
        # The family is told what is asked and by when, by SMS (their default channel).
        respond_by = day(datetime.fromisoformat(residence["supplement_request"]["respond_by"]))
        await wait_for_sms(
            stack.settings.sms_gateway_url,
            phone,
            f"Cần bổ sung hồ sơ: The house number is missing: give the full address. "
            f"Hạn bổ sung: {respond_by}.",
        )
        # Social security did not wait for the police: its card is issued (and its document
        # signed) while the police's request is open.
        await wait_for_step(stack.api, declaration_id, "health_insurance_card", {"approved"})

        answer = await stack.api.post(
            f"/v1/declarations/{declaration_id}/supplement",
            json={"changes": {"residence": {"address_line": "Số 5 ngõ 10 phố Huế"}}},
        )
        assert answer.status_code == 202, answer.text
        second = await open_case(stack, declaration_id, "residence_registration")
        assert second["case_number"] != first["case_number"]
        assert second["round"] == 2
        await officer_decides(stack, "police", second["case_number"], "approve")
        view = await wait_for_status(stack.api, declaration_id)
    assert view["status"] == "completed"
    police_cases = await agency_cases(stack.agencies["police"], declaration_id)
    assert [c["status"] for c in police_cases] == ["superseded", "approved"]
    assert police_cases[1]["supersedes"] == first["case_number"]
    # Only the police step ran again.
    assert len(await agency_cases(stack.agencies["justice"], declaration_id)) == 1
    assert len(await agency_cases(stack.agencies["social_security"], declaration_id)) == 1


async def test_justice_supplement_holds_the_steps_that_need_the_birth_record(
    stack: Stack, factory: DeclarationFactory
) -> None:
    async with agency_policy(stack, "justice", "manual"):
        accepted = await submit(stack.api, "birth", factory.birth(next(factory.couples())))
        opened = await open_case(stack, accepted["declaration_id"], "birth_registration")
        await officer_decides(
            stack,
            "justice",
            opened["case_number"],
            "request_supplement",
            supplement=illegible_birth_certificate(),
        )
        view = await wait_for_status(
            stack.api, accepted["declaration_id"], frozenset({"awaiting_supplement"})
        )
    request = step(view, "birth_registration")["supplement_request"]
    assert request["documents"] == ["birth_certificate"]
    # Dependent steps wait: they need the birth record.
    assert step(view, "residence_registration")["status"] == "pending"

    answer = await stack.api.post(
        f"/v1/declarations/{accepted['declaration_id']}/supplement",
        json={"attachments": [attachment("birth_certificate")]},
    )
    assert answer.status_code == 202, answer.text
    view = await wait_for_status(stack.api, accepted["declaration_id"])
    assert view["status"] == "completed"
    assert step(view, "birth_registration")["round"] == 2


async def test_supplement_is_checked_like_a_new_declaration(
    stack: Stack, factory: DeclarationFactory
) -> None:
    async with agency_policy(stack, "police", "manual"):
        accepted = await submit(stack.api, "birth", factory.birth(next(factory.couples())))
        declaration_id = accepted["declaration_id"]
        opened = await open_case(stack, declaration_id, "residence_registration")
        await officer_decides(
            stack,
            "police",
            opened["case_number"],
            "request_supplement",
            supplement={"fields": ["residence.commune_code"], "message": "Which commune?"},
        )
        await wait_for_status(stack.api, declaration_id, frozenset({"awaiting_supplement"}))
        bad = await stack.api.post(
            f"/v1/declarations/{declaration_id}/supplement",
            json={"changes": {"residence": {"commune_code": "99999"}}},
        )
        assert bad.status_code == 422
        assert bad.json()["detail"][0]["loc"] == ["body", "changes", "residence", "commune_code"]
        unknown_field = await stack.api.post(
            f"/v1/declarations/{declaration_id}/supplement", json={"changes": {"chlid": {}}}
        )
        assert unknown_field.status_code == 422
        assert unknown_field.json()["detail"][0]["loc"] == ["body", "changes", "chlid"]
        # Still awaiting: the bad answers changed nothing.
        view = (await stack.api.get(f"/v1/declarations/{declaration_id}")).json()
        assert view["status"] == "awaiting_supplement"
        await stack.api.post(f"/v1/declarations/{declaration_id}/withdraw")


async def test_supplement_when_nothing_is_awaited_is_a_conflict(
    stack: Stack, factory: DeclarationFactory
) -> None:
    accepted = await submit(stack.api, "birth", factory.birth(next(factory.couples())))
    await wait_for_status(stack.api, accepted["declaration_id"])
    response = await stack.api.post(
        f"/v1/declarations/{accepted['declaration_id']}/supplement",
        json={"changes": {"residence": {"address_line": "Số 1"}}},
    )
    assert response.status_code == 409
    citizen = stack.token("citizen", citizen_id="001090000001")
    missing = await stack.api.post(
        "/v1/declarations/LT-00000000-0000000000/supplement",
        json={"changes": {}},
        headers={"Authorization": f"Bearer {citizen}"},
    )
    assert missing.status_code == 404
