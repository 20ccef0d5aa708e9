"""Legal deadlines (reminders, overdue, escalation), the cross-checks before any agency is
engaged, and withdrawal."""

from __future__ import annotations

import asyncio
import base64
import hashlib
import time
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from sqlmodel import Session

from devstack.declaration_factory import DeclarationFactory
from legal_deadlines.working_calendar import deadline_after
from messages import in_words
from schemas.birth import BirthDeclaration
from schemas.common import AttachmentRef
from schemas.workflow_inputs import BirthWorkflowInput, NexusEndpoints, OrchestrationOptions
from store.attachments import store_attachment
from store.escalations import list_escalations
from store.models import AttachmentBlob
from temporal_connection import search_attributes
from tests.harness.agency_offices import agency_cases, agency_policy, officer_decides, open_case
from tests.harness.attested_starts import start_birth_as_the_portal
from tests.harness.portal import step, submit
from tests.harness.stack import Stack, StackFactory
from tests.harness.waiting import eventually_listed, wait_for_status, wait_for_step


async def test_status_shows_the_legal_deadline_in_working_days(
    stack: Stack, factory: DeclarationFactory
) -> None:
    accepted = await submit(stack.api, "birth", factory.birth(next(factory.couples())))
    view = await wait_for_status(stack.api, accepted["declaration_id"])
    received = datetime.fromisoformat(view["received_at"])
    assert datetime.fromisoformat(view["deadline"]) == deadline_after(received, 3)
    # The same working day counts from the portal's receipt, not from the office's.
    birth = step(view, "birth_registration")
    assert datetime.fromisoformat(birth["submitted_at"]) >= received
    assert datetime.fromisoformat(birth["deadline"]) == deadline_after(received, 1)


async def test_reminder_before_the_deadline_then_overdue_and_escalation(
    stack_factory: StackFactory, factory: DeclarationFactory
) -> None:
    # Ten seconds a working day: the step's limit (one day from the portal's receipt, the same
    # working day) passes well before the group's (three days), even on a loaded machine; and
    # its reminder (at 80% of what is left) still comes when the case opens a few seconds late,
    # as it does while the dev server is still taking in the stack's new Nexus endpoints
    # ("endpoint not found", then a retry).
    stack = await stack_factory(working_day_seconds=10.0)
    async with agency_policy(stack, "justice", "manual"):
        accepted = await submit(stack.api, "birth", factory.birth(next(factory.couples())))
        declaration_id = accepted["declaration_id"]
        # Once the justice office has opened its case (a step is `submitted` a moment before).
        await open_case(stack, declaration_id, "birth_registration")
        # Past the reminder point (80% of one working day), before the deadline.
        await _until(stack, declaration_id, lambda v: _case(v)["reminders"] >= 1, "a reminder")
        case = await _justice_case(stack, declaration_id)
        assert case["reminders"] == 1 and case["escalations"] == 0

        view = await _until(
            stack,
            declaration_id,
            lambda v: step(v["view"], "birth_registration")["overdue"],
            "the step overdue",
        )
        assert view["view"]["overdue"] is True
        # The group's own limit may also have passed by now on a loaded machine; it is escalated
        # on its own record and never at the agency.
        escalations = list_escalations(stack.engine, declaration_id)
        step_escalations = [(e.scope, e.agency) for e in escalations if e.scope != "declaration"]
        assert step_escalations == [("birth_registration", "justice")]
        assert all(e.agency is None for e in escalations if e.scope == "declaration")
        # The escalation reaches the agency beside the step, a moment later.
        await _until(stack, declaration_id, lambda v: _case(v)["escalations"] >= 1, "escalation")
        assert (await _justice_case(stack, declaration_id))["escalations"] == 1

        handle = stack.client.get_workflow_handle(accepted["workflow_id"])
        attributes = (await handle.describe()).typed_search_attributes
        assert attributes.get(search_attributes.OVERDUE) is True
        overdue = await eventually_listed(
            stack.client,
            f'DeclarationOverdue = true AND DeclarationId = "{declaration_id}"',
        )
        assert overdue == [accepted["workflow_id"]]

        # The officer finally decides; the declaration completes, its lateness on record.
        await officer_decides(stack, "justice", case["case_number"], "approve")
        view = await wait_for_status(stack.api, declaration_id)
    assert view["status"] == "completed"
    assert view["overdue"] is True


async def _justice_case(stack: Stack, declaration_id: str) -> dict[str, Any]:
    cases = await agency_cases(stack.agencies["justice"], declaration_id)
    assert len(cases) == 1
    return cases[0]


def _case(context: dict[str, Any]) -> dict[str, Any]:
    case: dict[str, Any] = context["case"]
    return case


async def _until(
    stack: Stack, declaration_id: str, condition: Callable[[dict[str, Any]], bool], what: str
) -> dict[str, Any]:
    """Poll the declaration and its justice case until `condition` holds of both."""
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        view = (await stack.api.get(f"/v1/declarations/{declaration_id}")).json()
        context = {"view": view, "case": await _justice_case(stack, declaration_id)}
        if condition(context):
            return context
        await asyncio.sleep(0.1)
    raise AssertionError(f"never saw {what}")


async def test_registry_mismatch_goes_back_to_the_citizen_before_any_agency(
    stack: Stack, factory: DeclarationFactory
) -> None:
    couple = next(factory.couples())
    body = factory.birth(couple)
    body["mother"]["full_name"] = "Nguyễn Thị Khác Tên"
    accepted = await submit(stack.api, "birth", body)
    declaration_id = accepted["declaration_id"]
    view = await wait_for_status(stack.api, declaration_id, frozenset({"awaiting_supplement"}))
    request = view["supplement_request"]
    assert request["requested_by"] == "population_registry"
    # About a third party, the answer reveals none of the registry's details: it names all of
    # them to check.
    assert request["fields"] == ["mother.personal_id", "mother.full_name", "mother.date_of_birth"]
    assert "Thông tin của người mẹ không khớp" in request["message"]
    assert all(s["status"] == "pending" for s in view["steps"])
    for agency in ("justice", "police", "social_security"):
        assert await agency_cases(stack.agencies[agency], declaration_id) == []

    answer = await stack.api.post(
        f"/v1/declarations/{declaration_id}/supplement",
        json={"changes": {"mother": {"full_name": couple.mother.full_name}}},
    )
    assert answer.status_code == 202, answer.text
    view = await wait_for_status(stack.api, declaration_id)
    assert view["status"] == "completed"
    assert view["supplement_request"] is None


async def test_tampered_attachment_is_refused(stack: Stack, factory: DeclarationFactory) -> None:
    body = factory.birth(next(factory.couples()))
    upload = body["attachments"][0]
    content = base64.b64decode(upload["content_base64"])
    digest = store_attachment(stack.engine, stack.cipher, content, "application/pdf")
    # Someone alters the stored document after it was filed.
    with Session(stack.engine) as session:
        blob = session.get(AttachmentBlob, digest)
        assert blob is not None
        blob.content = content + b"% altered"
        session.add(blob)
        session.commit()
    assert hashlib.sha256(content).hexdigest() == digest

    declaration = BirthDeclaration(
        **{k: v for k, v in body.items() if k != "attachments"},
        attachments=[
            AttachmentRef(
                kind="birth_certificate",
                filename="giay-chung-sinh.pdf",
                media_type="application/pdf",
                sha256=digest,
                size_bytes=len(content),
            )
        ],
    )
    declaration_id = f"LT-TAMPER-{digest[:10].upper()}"
    handle = await start_birth_as_the_portal(
        stack,
        BirthWorkflowInput(
            declaration_id=declaration_id,
            received_at=datetime.now(UTC),
            declaration=declaration,
            options=OrchestrationOptions(
                endpoints=NexusEndpoints.with_prefix(stack.settings.task_queue_prefix),
                agency_call_timeout_seconds=5,
            ),
        ),
    )
    result = await handle.result()
    assert result.status == "rejected"
    assert "giay-chung-sinh.pdf was altered" in (in_words(result.summary, "en") or "")
    assert result.status_reason_code == "attachment_altered"
    assert all(s.status == "cancelled" for s in result.steps)
    for agency in ("justice", "police", "social_security"):
        assert await agency_cases(stack.agencies[agency], declaration_id) == []


async def test_withdrawal_mid_process_cancels_open_steps_and_keeps_completed_ones(
    stack: Stack, factory: DeclarationFactory
) -> None:
    async with agency_policy(stack, "police", "manual"):
        accepted = await submit(stack.api, "birth", factory.birth(next(factory.couples())))
        declaration_id = accepted["declaration_id"]
        await wait_for_step(stack.api, declaration_id, "health_insurance_card", {"approved"})
        view = await wait_for_step(
            stack.api, declaration_id, "residence_registration", {"submitted"}
        )
        response = await stack.api.post(
            f"/v1/declarations/{declaration_id}/withdraw", json={"reason": "We moved abroad."}
        )
        assert response.status_code == 202, response.text
        view = await wait_for_status(stack.api, declaration_id)
    assert view["status"] == "withdrawn"
    assert step(view, "birth_registration")["status"] == "approved"
    assert step(view, "health_insurance_card")["status"] == "approved"
    residence = step(view, "residence_registration")
    assert residence["status"] == "cancelled"
    assert "rút hồ sơ" in residence["reason"]
    assert residence["reason_code"] == "withdrawn"
    assert "vẫn được giữ: đăng ký khai sinh và cấp thẻ bảo hiểm y tế" in view["summary"]
    assert view["status_reason_code"] == "withdrawn"
    police = await agency_cases(stack.agencies["police"], declaration_id)
    assert [c["status"] for c in police] == ["cancelled"]

    again = await stack.api.post(f"/v1/declarations/{declaration_id}/withdraw")
    assert again.status_code == 409


async def test_withdrawal_before_any_agency_decides(
    stack: Stack, factory: DeclarationFactory
) -> None:
    async with agency_policy(stack, "justice", "manual"):
        accepted = await submit(
            stack.api, "birth", factory.birth(next(factory.couples()), delivery="post")
        )
        declaration_id = accepted["declaration_id"]
        await wait_for_step(stack.api, declaration_id, "birth_registration", {"submitted"})
        response = await stack.api.post(f"/v1/declarations/{declaration_id}/withdraw")
        assert response.status_code == 202
        view = await wait_for_status(stack.api, declaration_id)
    assert view["status"] == "withdrawn"
    assert [s["status"] for s in view["steps"]] == ["cancelled"] * 3
    assert view["delivery"]["status"] == "pending"  # nothing to send
    justice = await agency_cases(stack.agencies["justice"], declaration_id)
    assert [c["status"] for c in justice] == ["cancelled"]
