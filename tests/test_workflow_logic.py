"""A declaration's workflow logic alone: the birth workflow on a Temporal server of its own
(`WorkflowEnvironment`), each agency a stub Nexus handler that decides as the test says and
the orchestrator's activities stubs that keep what they are given. No store, no portal, no
agency system: what is tested is the order of the steps, what each agency is asked and what
the declaration's outcome says."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from temporalio.testing import WorkflowEnvironment

from agency_contracts.services import POSTAL_AGENCY
from devstack.declaration_factory import DeclarationFactory
from schemas.common import Procedure
from tests.harness.stub_agencies import BIRTH_APPROVED, Agencies, reject
from tests.harness.workflow_logic import Records, run_birth, temporal_server

pytestmark = pytest.mark.store_free


@pytest.fixture(scope="module")
async def temporal() -> AsyncIterator[WorkflowEnvironment]:
    async with temporal_server() as env:
        yield env


async def test_a_birth_asks_the_justice_office_first_then_the_others_once_each(
    temporal: WorkflowEnvironment, bundled_factory: DeclarationFactory
) -> None:
    agencies, records = Agencies(dict(BIRTH_APPROVED)), Records()
    body = bundled_factory.birth(next(bundled_factory.couples()), delivery="post")
    view = await run_birth(temporal, body, agencies, records, "LT-LOGIC-BIRTH-1")
    assert view.status == "completed", view
    assert [s.status for s in view.steps] == ["approved"] * 3
    # The registry's cross-check, then the birth registration, then the two that need its
    # record, then the post.
    assert agencies.asked[0] == ("police", "verify_identities")
    procedures = agencies.procedures_asked()
    assert procedures[0] == "birth_registration"
    assert sorted(procedures[1:]) == ["health_insurance_card", "residence_registration"]
    # The post is asked last: to watch for the shipment's delivery and to post the results.
    assert {operation for _, operation in agencies.asked[-2:]} == {"post_results", "await_delivery"}
    # The child's personal ID from the justice office's record reaches the police and social
    # security; each request, the shipment's too, carries an idempotency key of its own.
    keys = [r.idempotency_key for r in agencies.requests if hasattr(r, "idempotency_key")]
    assert len(keys) == len(set(keys)) == 4
    later = [r for r in agencies.requests if getattr(r, "procedure", None) in procedures[1:]]
    assert later and all("001226000123" in r.model_dump_json() for r in later)
    assert records.reports[-1].view.status == "completed"
    # The family hears of each moment once, on each channel it chose, in the order it happened.
    channels = {n.channel for r in records.reports for n in r.notices}
    assert channels
    for channel in channels:
        told = [
            m.key
            for r in records.reports
            for n in r.notices
            if n.channel == channel
            for m in n.milestones
        ]
        assert told[:2] == ["received", "step:birth_registration:1:approved"]
        assert told[4:] == [
            "closed:completed",
            "documents_ready",
            "delivery:posted",
            "delivery:delivered",
        ]
        # The two steps after the registration run side by side: either may settle first.
        assert sorted(told[2:4]) == [
            "step:health_insurance_card:1:approved",
            "step:residence_registration:1:approved",
        ]


async def test_a_rejected_birth_registration_asks_no_other_agency(
    temporal: WorkflowEnvironment, bundled_factory: DeclarationFactory
) -> None:
    decide = {**BIRTH_APPROVED, "birth_registration": reject("duplicate_registration")}
    agencies, records = Agencies(decide), Records()
    body = bundled_factory.birth(next(bundled_factory.couples()), delivery="electronic")
    view = await run_birth(temporal, body, agencies, records, "LT-LOGIC-BIRTH-2")
    assert view.status == "rejected", view
    assert agencies.procedures_asked() == ["birth_registration"]
    assert not any(agency == POSTAL_AGENCY for agency, _ in agencies.asked)
    registration = view.step(Procedure.BIRTH_REGISTRATION)
    assert registration.status == "rejected"
    assert registration.reason_code == "duplicate_registration"


async def test_a_start_the_portal_did_not_attest_asks_no_agency(
    temporal: WorkflowEnvironment, bundled_factory: DeclarationFactory
) -> None:
    agencies, records = Agencies(dict(BIRTH_APPROVED)), Records(start_problem="not_attested")
    body = bundled_factory.birth(next(bundled_factory.couples()), delivery="electronic")
    view = await run_birth(temporal, body, agencies, records, "LT-LOGIC-BIRTH-3")
    assert view.status == "failed", view
    assert view.status_reason_code == "not_attested"
    assert agencies.asked == []


async def test_a_card_refused_after_the_registration_leaves_the_other_steps_standing(
    temporal: WorkflowEnvironment, bundled_factory: DeclarationFactory
) -> None:
    decide = {**BIRTH_APPROVED, "health_insurance_card": reject("card_already_issued")}
    agencies, records = Agencies(decide), Records()
    body = bundled_factory.birth(next(bundled_factory.couples()), delivery="electronic")
    view = await run_birth(temporal, body, agencies, records, "LT-LOGIC-BIRTH-4")
    assert view.status == "partially_completed", view
    assert {s.procedure.value: s.status for s in view.steps} == {
        "birth_registration": "approved",
        "residence_registration": "approved",
        "health_insurance_card": "rejected",
    }
    assert sorted(agencies.procedures_asked()) == sorted(BIRTH_APPROVED)
    # Every report the workflow kept is of this declaration, and the last is its outcome.
    assert {r.view.declaration_id for r in records.reports} == {"LT-LOGIC-BIRTH-4"}
    assert records.reports[-1].view.status == "partially_completed"
