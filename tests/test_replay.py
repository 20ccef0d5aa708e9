"""Replay guards determinism: histories recorded from the workflows must replay on the current
code, the declarations' in the orchestrator's namespace and the agency cases' in the agencies'.
Until the first release, an intentional change to a workflow re-records them with
`RECORD_HISTORIES=1 pytest tests/test_replay.py` instead of adding versioning branches."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from temporalio.client import WorkflowHistory
from temporalio.worker import Replayer, WorkflowRunner

from adapters.case_worker.agency_case import AgencyCaseWorkflow, case_workflow_id
from adapters.case_worker.result_document import ResultDocumentWorkflow, document_workflow_id
from adapters.postal.shipment_delivery import ShipmentDeliveryWorkflow, delivery_workflow_id
from devstack.declaration_factory import DeclarationFactory, attachment
from schemas.parties import AGENCY_PARTIES
from settings import AgencyWorkerSettings, Settings
from temporal_connection.client import connect
from temporal_connection.data_converter import build_data_converter
from temporal_connection.workflow_runner import workflow_runner
from tests.harness.agency_offices import agency_policy, officer_decides, open_case
from tests.harness.configuration import agency_settings_for
from tests.harness.portal import submit
from tests.harness.stack import Stack
from tests.harness.supplement_requests import illegible_birth_certificate
from tests.harness.waiting import wait_for_status, wait_for_step
from workflows.birth import BirthDeclarationWorkflow
from workflows.death import DeathDeclarationWorkflow

HISTORIES = Path(__file__).parent / "histories"
DECLARATIONS = {
    "birth_completed",
    "birth_rejected",
    "death_completed",
    "birth_supplemented",
    "birth_withdrawn",
}
# An agency case's history (or the post's shipment's) is named `case_<agency>_<flow>`; it replays
# with that agency's keys.
CASES = {
    "case_justice_birth_registration",
    "case_justice_result_document",
    "case_police_residence_registration_withdrawn",
    "case_social_security_survivor_benefit",
    "case_postal_shipment_delivery",
}


def replayer(name: str, runner: WorkflowRunner | None = None) -> Replayer:
    if name.startswith("case_"):
        agency = next(a for a in AGENCY_PARTIES if a in name)
        return Replayer(
            workflows=[AgencyCaseWorkflow, ResultDocumentWorkflow, ShipmentDeliveryWorkflow],
            data_converter=build_data_converter(AgencyWorkerSettings.for_agency(agency)),
            workflow_runner=runner or workflow_runner(),
        )
    return Replayer(
        workflows=[BirthDeclarationWorkflow, DeathDeclarationWorkflow],
        data_converter=build_data_converter(Settings()),
        workflow_runner=runner or workflow_runner(),
    )


@pytest.mark.parametrize("path", sorted(HISTORIES.glob("*.json")), ids=lambda p: p.stem)
async def test_recorded_history_replays_on_current_code(path: Path) -> None:
    history = WorkflowHistory.from_json(path.stem, path.read_text())  # noqa: ASYNC240
    result = await replayer(path.stem).replay_workflow(history, raise_on_replay_failure=True)
    assert result.replay_failure is None


def test_recorded_histories_exist() -> None:
    assert {p.stem for p in HISTORIES.glob("*.json")} == DECLARATIONS | CASES


async def _replay(stack: Stack, workflow_id: str, name: str, agency: str | None = None) -> None:
    client = stack.client
    if agency is not None:
        client = await connect(agency_settings_for(stack.services, stack.settings, agency))
    handle = client.get_workflow_handle(workflow_id)
    # The whole history: a declaration with posted results runs on until they are delivered.
    await handle.result()
    history = await handle.fetch_history()
    result = await replayer(name).replay_workflow(history, raise_on_replay_failure=True)
    assert result.replay_failure is None
    if os.environ.get("RECORD_HISTORIES") == "1":
        (HISTORIES / f"{name}.json").write_text(history.to_json())


async def _replay_case(stack: Stack, declaration_id: str, procedure: str, name: str) -> None:
    agency = name.removeprefix("case_").removesuffix(f"_{procedure}").split(f"_{procedure}")[0]
    workflow_id = case_workflow_id(f"{declaration_id}:{procedure}:1")
    await _replay(stack, workflow_id, name, agency)


async def _run_and_replay(stack: Stack, kind: str, body: dict[str, object], name: str) -> str:
    accepted = await submit(stack.api, kind, body)
    await wait_for_status(stack.api, accepted["declaration_id"])
    await _replay(stack, accepted["workflow_id"], name)
    declaration_id: str = accepted["declaration_id"]
    return declaration_id


async def test_fresh_birth_histories_replay(stack: Stack, factory: DeclarationFactory) -> None:
    body = factory.birth(next(factory.couples()))
    completed = await _run_and_replay(stack, "birth", body, "birth_completed")
    await _replay_case(stack, completed, "birth_registration", "case_justice_birth_registration")
    # The signed extract justice issued after its decision, by a workflow of its own.
    document = document_workflow_id(f"{completed}:birth_registration:1")
    await _replay(stack, document, "case_justice_result_document", "justice")
    shipment = delivery_workflow_id(f"{completed}:delivery:1")
    await _replay(stack, shipment, "case_postal_shipment_delivery", "postal")
    # A birth the justice officer refuses.
    async with agency_policy(stack, "justice", "manual"):
        refused = await submit(stack.api, "birth", factory.birth(next(factory.couples())))
        opened = await open_case(stack, refused["declaration_id"], "birth_registration")
        await officer_decides(
            stack, "justice", opened["case_number"], "reject", "Giấy chứng sinh không hợp lệ."
        )
        await wait_for_status(stack.api, refused["declaration_id"])
    await _replay(stack, refused["workflow_id"], "birth_rejected")


async def test_fresh_death_history_replays(stack: Stack, factory: DeclarationFactory) -> None:
    deceased = next(factory.insured_people(lambda i: i.status == "pensioner"))
    completed = await _run_and_replay(
        stack, "death", factory.death(deceased, form="monthly"), "death_completed"
    )
    await _replay_case(
        stack, completed, "survivor_benefit", "case_social_security_survivor_benefit"
    )


async def test_fresh_supplement_and_withdrawal_histories_replay(
    stack: Stack, factory: DeclarationFactory
) -> None:
    # The justice officer cannot read the attached birth certificate and asks for a clear copy.
    async with agency_policy(stack, "justice", "manual"):
        supplemented = await submit(stack.api, "birth", factory.birth(next(factory.couples())))
        opened = await open_case(stack, supplemented["declaration_id"], "birth_registration")
        await officer_decides(
            stack,
            "justice",
            opened["case_number"],
            "request_supplement",
            supplement=illegible_birth_certificate(),
        )
        await wait_for_status(
            stack.api, supplemented["declaration_id"], frozenset({"awaiting_supplement"})
        )
    answer = await stack.api.post(
        f"/v1/declarations/{supplemented['declaration_id']}/supplement",
        json={"attachments": [attachment("birth_certificate")]},
    )
    assert answer.status_code == 202
    assert (await wait_for_status(stack.api, supplemented["declaration_id"]))["status"] == (
        "completed"
    )
    await _replay(stack, supplemented["workflow_id"], "birth_supplemented")

    async with agency_policy(stack, "police", "manual"):
        withdrawn = await submit(stack.api, "birth", factory.birth(next(factory.couples())))
        await wait_for_step(
            stack.api, withdrawn["declaration_id"], "residence_registration", {"submitted"}
        )
        await stack.api.post(f"/v1/declarations/{withdrawn['declaration_id']}/withdraw")
        assert (await wait_for_status(stack.api, withdrawn["declaration_id"]))["status"] == (
            "withdrawn"
        )
    await _replay(stack, withdrawn["workflow_id"], "birth_withdrawn")
    await _replay_case(
        stack,
        withdrawn["declaration_id"],
        "residence_registration",
        "case_police_residence_registration_withdrawn",
    )
