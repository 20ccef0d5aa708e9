"""The fault suite's checks of what follows the decisions, as pure functions: whose workflow is
whose (the post's shipments and the agencies' documents included), which signed documents a
declaration is owed and whether the portal holds each once, and whether every notice was settled
and each SMS reached the gateway once."""

from __future__ import annotations

from typing import Any

from adapters.case_worker.agency_case import case_workflow_id
from adapters.case_worker.result_document import document_workflow_id
from adapters.postal.shipment_delivery import delivery_workflow_id
from devstack.faults import report
from devstack.faults.after_decisions import (
    PostFindings,
    check_documents,
    check_notices,
    check_posts,
    documents_not_stored,
    posted_not_delivered,
)
from devstack.faults.portal_records import GatewayMessage, NoticeRow, StoredDocument
from devstack.faults.still_due import StillDue
from devstack.faults.sweeps import declaration_of_workflow

BIRTH = "LT-20261207-0A1B2C3D4E"
DEATH = "LT-20261207-5F6A7B8C9D"


def step(agency: str, procedure: str, status: str, result: dict[str, Any] | None) -> dict[str, Any]:
    return {
        "agency": agency,
        "procedure": procedure,
        "status": status,
        "case_number": "JU-00000001",
        "result": result,
    }


def view(steps: list[dict[str, Any]], method: str, delivery: str) -> dict[str, Any]:
    return {
        "status": "completed",
        "steps": steps,
        "delivery": {"method": method, "status": delivery},
    }


# A birth with all three records approved, posted and not yet delivered; a death whose funeral
# allowance was refused, picked up.
VIEWS: dict[str, dict[str, Any] | None] = {
    BIRTH: view(
        [
            step("justice", "birth_registration", "approved", {"civil_status_record_number": "1"}),
            step("police", "residence_registration", "approved", {"record_number": "2"}),
            step("social_security", "health_insurance_card", "approved", {"card_code": "3"}),
        ],
        "post",
        "posted",
    ),
    DEATH: view(
        [
            step("justice", "death_registration", "approved", {"death_record_number": "4"}),
            step("police", "residence_removal", "approved", {"record_number": "5"}),
            step("social_security", "funeral_allowance", "rejected", None),
        ],
        "pickup",
        "ready_for_pickup",
    ),
}


def test_every_workflow_of_the_stack_is_traced_to_its_declaration() -> None:
    assert declaration_of_workflow("lienthong", f"declaration-{BIRTH}") == BIRTH
    case = f"{BIRTH}:birth_registration:1"
    assert declaration_of_workflow("justice", case_workflow_id(case)) == BIRTH
    assert declaration_of_workflow("justice", document_workflow_id(case)) == BIRTH
    # The post's shipment, named by its reference.
    assert declaration_of_workflow("postal", delivery_workflow_id(f"{BIRTH}:delivery:1")) == BIRTH
    # A workflow the stack never starts is nobody's.
    assert declaration_of_workflow("lienthong", f"case-{BIRTH}:x:1") is None
    assert declaration_of_workflow("police", f"declaration-{BIRTH}") is None


def test_posted_results_are_due_until_the_post_reports_them_delivered() -> None:
    assert posted_not_delivered(VIEWS) == [BIRTH]
    assert check_posts(VIEWS) == PostFindings(delivered=0, not_delivered=[BIRTH])
    delivered = {BIRTH: view([], "post", "delivered"), DEATH: None}
    assert posted_not_delivered(delivered) == []
    assert check_posts(delivered) == PostFindings(delivered=1, not_delivered=[])


def test_each_approved_record_is_owed_one_document() -> None:
    stored = [StoredDocument(BIRTH, "birth_extract", "a" * 64)]
    # Five records approved: the birth's three and the death's two; the refusal is owed none.
    assert documents_not_stored(VIEWS, stored) == {
        BIRTH: ["health_insurance_card", "residence_confirmation"],
        DEATH: ["death_extract", "residence_removal_confirmation"],
    }


def test_documents_stored_twice_missing_or_unowed_are_found() -> None:
    stored = [
        StoredDocument(BIRTH, "birth_extract", "a" * 64),
        StoredDocument(BIRTH, "residence_confirmation", "b" * 64),
        StoredDocument(BIRTH, "health_insurance_card", "c" * 64),
        StoredDocument(DEATH, "death_extract", "d" * 64),
        StoredDocument(DEATH, "death_extract", "e" * 64),
        StoredDocument(DEATH, "funeral_allowance_decision", "f" * 64),
    ]
    findings = check_documents(VIEWS, stored)
    assert findings.due == 5
    assert findings.stored_once == 3
    assert findings.missing == [f"{DEATH}: no residence_removal_confirmation"]
    assert findings.duplicated == [f"{DEATH}: 2× death_extract"]
    assert findings.unexpected == [f"{DEATH}: funeral_allowance_decision (1×)"]


def test_notices_settle_and_each_sms_reaches_the_gateway_once() -> None:
    notices = [
        NoticeRow(BIRTH, "sms", "sent", f"{BIRTH}/k1"),
        NoticeRow(BIRTH, "sms", "sent", f"{BIRTH}/k1"),
        NoticeRow(BIRTH, "sms", "sent", f"{BIRTH}/k2"),
        NoticeRow(DEATH, "sms", "suppressed", f"{DEATH}/k3"),
        NoticeRow(DEATH, "sms", "pending", None),
        NoticeRow(DEATH, "email", "sent", f"{DEATH}/k4"),
    ]
    messages = [
        GatewayMessage("SM1", f"{BIRTH}/k1"),
        GatewayMessage("SM2", f"{BIRTH}/k1"),
        GatewayMessage("SM3", None),
        GatewayMessage("SM4", "someone-else/k9"),
    ]
    findings = check_notices(notices, messages)
    assert findings.notices == 6
    assert findings.states == {"pending": 1, "sent": 4, "suppressed": 1}
    assert findings.unsettled == [f"{DEATH}: 1 notice(s) not settled"]
    assert findings.sms_messages == 4
    assert findings.sent_twice == [f"{BIRTH}/k1: 2 messages"]
    assert findings.without_key == ["SM3"]
    # k2 was recorded as sent but never reached the gateway; the e-mail is not the gateway's.
    assert findings.not_at_gateway == [f"{BIRTH}/k2"]
    assert findings.unknown_at_gateway == ["someone-else/k9"]


def test_a_run_fails_on_what_followed_the_decisions_alone() -> None:
    counts = report.Counts(
        submitted=2, completed=2, lost=0, duplicated=0, not_accepted=0, phantom=0
    )
    clean = report.AfterDecisions.of(
        PostFindings(delivered=1),
        check_documents({BIRTH: view([], "post", "delivered")}, []),
        check_notices([NoticeRow(BIRTH, "sms", "sent", "k")], [GatewayMessage("SM1", "k")]),
    )
    assert report.failures(counts, clean, [], [], []) == []
    stored = [StoredDocument(BIRTH, "birth_extract", "a" * 64)] * 2
    owed = {BIRTH: view([VIEWS[BIRTH]["steps"][0]], "post", "posted")}  # type: ignore[index]
    pending = [NoticeRow(BIRTH, "sms", "sending", "k")]
    broken = report.AfterDecisions.of(
        check_posts(owed), check_documents(owed, stored), check_notices(pending, [])
    )
    assert report.failures(counts, broken, [], [], []) == [
        "1 posted result(s) never reported delivered",
        "1 signed document(s) stored more than once",
        "1 notice(s) not settled",
    ]


def test_what_is_still_due_holds_back_calling_a_workflow_stuck() -> None:
    running = StillDue(running=["lienthong: declaration-x"])
    assert not running.coming and not running.nothing
    waiting = StillDue(posts=[BIRTH], documents={DEATH: ["death_extract"]}, notices={DEATH: 2})
    assert waiting.coming
    assert waiting.describe() == (
        "1 post(s) to be delivered, 1 document(s) to be issued, 2 notice(s) to be sent, "
        "0 workflow(s) running"
    )
