"""The birth group end to end, through the portal API, on the real server and sandbox agencies."""

from __future__ import annotations

import asyncio
import re
from datetime import date, datetime

from temporalio.api.enums.v1 import EventType
from temporalio.converter import NexusSerializationContext

from devstack.declaration_factory import DeclarationFactory
from messages import in_language
from sandbox.postal import s10_check_digit
from schemas.identifiers import add_months, parse_personal_id
from store.step_records import list_step_events, list_step_results
from temporal_connection import search_attributes
from tests.harness.agency_offices import agency_cases, agency_policy
from tests.harness.documents import verified_documents
from tests.harness.portal import step, submit
from tests.harness.stack import Stack, StackFactory
from tests.harness.waiting import eventually_listed, wait_for_delivery, wait_for_status
from workflows.declaration_workflow import DeclarationWorkflow


async def test_birth_declaration_completes_with_three_agency_records(
    stack: Stack, factory: DeclarationFactory
) -> None:
    couple = next(factory.couples())
    body = factory.birth(couple, delivery="post")
    accepted = await submit(stack.api, "birth", body)
    assert accepted["status"] == "received"
    assert accepted["status_url"] == f"/v1/declarations/{accepted['declaration_id']}"
    assert accepted["workflow_id"] == f"declaration-{accepted['declaration_id']}"

    view = await wait_for_status(stack.api, accepted["declaration_id"])
    assert view["status"] == "completed", view
    assert view["procedure"] == "birth"
    assert [s["status"] for s in view["steps"]] == ["approved"] * 3
    assert view["deadline"] is not None and all(s["deadline"] for s in view["steps"])

    child = body["child"]
    birth = step(view, "birth_registration")
    assert birth["agency"] == "justice"
    record = birth["result"]
    assert re.fullmatch(r"KS-\d{4}-\d{5}-\d{6}", record["civil_status_record_number"])
    child_id = record["child_personal_id"]
    parts = parse_personal_id(child_id)
    assert parts.sex == child["sex"]
    assert parts.birth_year == date.fromisoformat(child["date_of_birth"]).year
    province = stack_province(factory, child["place_of_birth"]["commune_code"])
    assert parts.birth_province_code == f"0{province}"

    residence = step(view, "residence_registration")["result"]
    assert re.fullmatch(r"TT-\d{4}-\d{5}-\d{6}", residence["residence_registration_number"])
    assert residence["commune_code"] == body["residence"]["commune_code"]

    card = step(view, "health_insurance_card")["result"]
    si_number = card["social_insurance_number"]
    assert re.fullmatch(r"\d{10}", si_number)
    residence_province = stack_province(factory, body["residence"]["commune_code"])
    assert card["card_code"] == f"TE1{residence_province}{si_number}"
    assert len(card["card_code"]) == 15
    born = date.fromisoformat(child["date_of_birth"])
    assert card["valid_from"] == born.isoformat()
    assert card["valid_to"] == add_months(born, 72).isoformat()

    delivery = view["delivery"]
    assert delivery["method"] == "post" and delivery["status"] in {"posted", "delivered"}
    tracking = delivery["tracking_number"]
    assert re.fullmatch(r"EL\d{9}VN", tracking)
    assert int(tracking[10]) == s10_check_digit(tracking[2:10])

    # The results by post end when the post reports them delivered, after the declaration.
    delivered = (await wait_for_delivery(stack.api, accepted["declaration_id"], "delivered"))[
        "delivery"
    ]
    assert delivered["tracking_number"] == tracking
    assert datetime.fromisoformat(delivered["delivered_at"]) > datetime.fromisoformat(
        view["received_at"]
    )
    assert tracking in delivered["notice"] and "Bưu điện đã phát" in delivered["notice"]
    # With the post's report the declaration's workflow ends.
    closed = await stack.client.get_workflow_handle(accepted["workflow_id"]).result()
    assert closed["delivery"]["status"] == "delivered"

    # The store holds the audit trail and each agency's record.
    events = list_step_events(stack.engine, accepted["declaration_id"])
    assert [e.sequence for e in events] == list(range(1, len(events) + 1))
    assert {(e.procedure, e.status) for e in events} >= {
        ("birth_registration", "submitted"),
        ("birth_registration", "approved"),
        ("residence_registration", "approved"),
        ("health_insurance_card", "approved"),
    }
    results = list_step_results(stack.engine, accepted["declaration_id"])
    assert {r.procedure for r in results} == {
        "birth_registration",
        "residence_registration",
        "health_insurance_card",
    }

    # Each agency holds exactly one case for the declaration.
    for agency in ("justice", "police", "social_security", "postal"):
        cases = await agency_cases(stack.agencies[agency], accepted["declaration_id"])
        assert len(cases) == 1, (agency, cases)

    # Each agency issued its record as a document it signed, which anyone can verify.
    issued = await verified_documents(
        stack.api,
        accepted["declaration_id"],
        ("birth_registration", "residence_registration", "health_insurance_card"),
    )
    assert issued == {
        "birth_extract": "justice",
        "residence_confirmation": "police",
        "health_insurance_card": "social_security",
    }


async def test_a_post_that_never_reports_delivery_is_not_awaited_for_ever(
    stack_factory: StackFactory, factory: DeclarationFactory
) -> None:
    # Thirty working days of a fifth of a second: six seconds without the post's report.
    stack = await stack_factory(working_day_seconds=0.2)
    async with agency_policy(stack, "postal", "manual"):
        body = factory.birth(next(factory.couples()), delivery="post")
        accepted = await submit(stack.api, "birth", body)
        handle = stack.client.get_workflow_handle(accepted["workflow_id"])
        await asyncio.wait_for(handle.result(), timeout=90)
    view = (await stack.api.get(f"/v1/declarations/{accepted['declaration_id']}")).json()
    assert view["status"] == "completed"
    # Still with the post, as far as anyone knows: an operator looks into it.
    assert view["delivery"]["status"] == "posted"
    assert view["delivery"]["notice"] == (
        "Bưu điện chưa báo đã phát kết quả sau 30 ngày làm việc; bộ phận vận hành sẽ kiểm tra "
        "với bưu điện."
    )


async def test_electronic_results_are_available_in_the_citizens_account(
    stack: Stack, factory: DeclarationFactory
) -> None:
    body = factory.birth(next(factory.couples()), delivery="electronic")
    accepted = await submit(stack.api, "birth", body)
    view = await wait_for_status(stack.api, accepted["declaration_id"])
    assert view["status"] == "completed", view
    # Nothing is sent: the results wait in the citizen's account on the portal.
    assert view["delivery"]["status"] == "available"
    assert "Cổng Dịch vụ công quốc gia" in view["delivery"]["notice"]
    english = await stack.api.get(
        f"/v1/declarations/{accepted['declaration_id']}", headers={"Accept-Language": "en"}
    )
    assert english.json()["delivery"]["notice"] == (
        "The electronic copy of the results is in your account on the National Public Service "
        "Portal."
    )


def stack_province(factory: DeclarationFactory, commune_code: str) -> str:
    return factory.dataset.commune_province[commune_code]


async def test_workflow_query_search_attributes_and_summaries(
    stack: Stack, factory: DeclarationFactory
) -> None:
    body = factory.birth(next(factory.couples()), delivery="pickup")
    accepted = await submit(stack.api, "birth", body)
    view = await wait_for_status(stack.api, accepted["declaration_id"])
    assert view["delivery"] == {
        "method": "pickup",
        "status": "ready_for_pickup",
        "tracking_number": None,
        "pickup_agency": "justice",
        "delivered_at": None,
        "notice": "Kết quả đã sẵn sàng; mời bạn đến nhận tại cơ quan tư pháp.",
    }

    handle = stack.client.get_workflow_handle(accepted["workflow_id"])
    queried = await handle.query(DeclarationWorkflow.status)
    # The API's view is the workflow's, with its messages in Vietnamese.
    assert queried.model_dump(mode="json", context=in_language("vi")) == view

    description = await handle.describe()
    attributes = description.typed_search_attributes
    commune = body["residence"]["commune_code"]
    assert attributes.get(search_attributes.DECLARATION_ID) == accepted["declaration_id"]
    assert attributes.get(search_attributes.PROCEDURE) == "birth"
    assert attributes.get(search_attributes.COMMUNE_CODE) == commune
    assert attributes.get(search_attributes.PROVINCE_CODE) == stack_province(factory, commune)
    assert attributes.get(search_attributes.STATUS) == "completed"
    assert attributes.get(search_attributes.CURRENT_STEP) == ["closed"]
    static_summary = await description.static_summary()
    assert static_summary is not None
    assert accepted["declaration_id"] in static_summary

    # Every agency step is a Nexus operation on its agency's endpoint, with a readable summary,
    # and the UI links it to the case's workflow in the agency's own namespace.
    summaries, links = {}, {}
    async for event in handle.fetch_history_events():
        if event.event_type == EventType.EVENT_TYPE_NEXUS_OPERATION_SCHEDULED:
            attrs = event.nexus_operation_scheduled_event_attributes
            # Summaries are encrypted like every payload, under the key of the agency it goes to;
            # the orchestrator's operators hold it.
            converter = stack.client.data_converter.with_context(
                NexusSerializationContext(attrs.endpoint, attrs.service, attrs.operation)
            )
            (summary,) = await converter.decode([event.user_metadata.summary], [str])
            summaries[attrs.operation] = (attrs.endpoint, attrs.service, summary)
        if event.event_type == EventType.EVENT_TYPE_NEXUS_OPERATION_STARTED:
            for link in event.links:
                links[link.workflow_event.workflow_id] = link.workflow_event.namespace
    prefix = stack.settings.task_queue_prefix
    assert summaries["register_birth"][:2] == (f"{prefix}-justice", "justice")
    assert summaries["register_residence"][:2] == (f"{prefix}-police", "police")
    assert summaries["issue_health_insurance_card"][:2] == (
        f"{prefix}-social-security",
        "social_security",
    )
    assert summaries["verify_identities"][:2] == (f"{prefix}-police", "police")
    assert "birth_registration" in summaries["register_birth"][2]
    declaration_id = accepted["declaration_id"]
    assert links == {
        f"case-{declaration_id}:birth_registration:1": "justice",
        f"case-{declaration_id}:residence_registration:1": "police",
        f"case-{declaration_id}:health_insurance_card:1": "social-security",
    }

    # Operators find it by search attribute (visibility catches up within moments).
    query = (
        f'DeclarationId = "{accepted["declaration_id"]}" '
        'AND DeclarationStatus = "completed" AND DeclarationProcedure = "birth"'
    )
    assert await eventually_listed(stack.client, query) == [accepted["workflow_id"]]
