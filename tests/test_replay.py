"""Replay guards determinism: histories recorded from earlier versions of the workflows must
replay on the current code. After an intentional, versioned change to a workflow, record new
histories with `RECORD_HISTORIES=1 pytest tests/test_replay.py` and keep the old ones."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from temporalio.client import WorkflowHistory
from temporalio.worker import Replayer

from local_stack.declaration_factory import DeclarationFactory, attachment
from settings import Settings
from temporal_connection.data_converter import build_data_converter
from tests.conftest import Stack
from tests.support import agency_policy, submit, wait_for_status, wait_for_step
from worker import workflow_runner
from workflows.birth import BirthDeclarationWorkflow
from workflows.death import DeathDeclarationWorkflow

HISTORIES = Path(__file__).parent / "histories"
# Histories recorded by each version of the workflows are kept side by side: the current code
# must replay every one of them. Bump this when recording after a versioned workflow change.
RECORDING = "signed-decisions"


def replayer() -> Replayer:
    return Replayer(
        workflows=[BirthDeclarationWorkflow, DeathDeclarationWorkflow],
        data_converter=build_data_converter(Settings()),
        workflow_runner=workflow_runner(),
    )


@pytest.mark.parametrize("path", sorted(HISTORIES.glob("*.json")), ids=lambda p: p.stem)
async def test_recorded_history_replays_on_current_code(path: Path) -> None:
    history = WorkflowHistory.from_json(path.stem, path.read_text())  # noqa: ASYNC240
    result = await replayer().replay_workflow(history, raise_on_replay_failure=True)
    assert result.replay_failure is None


def test_recorded_histories_exist() -> None:
    names = {p.stem for p in HISTORIES.glob("*.json")}
    flows = {
        "birth_completed",
        "birth_rejected",
        "death_completed",
        "birth_supplemented",
        "birth_withdrawn",
    }
    assert flows <= names  # before agencies signed their decisions
    assert {f"{flow}.{RECORDING}" for flow in flows} <= names


async def _replay(stack: Stack, workflow_id: str, name: str) -> None:
    handle = stack.client.get_workflow_handle(workflow_id)
    history = await handle.fetch_history()
    result = await replayer().replay_workflow(history, raise_on_replay_failure=True)
    assert result.replay_failure is None
    if os.environ.get("RECORD_HISTORIES") == "1":
        (HISTORIES / f"{name}.{RECORDING}.json").write_text(history.to_json())


async def _run_and_replay(stack: Stack, kind: str, body: dict[str, object], name: str) -> None:
    accepted = await submit(stack.api, kind, body)
    await wait_for_status(stack.api, accepted["declaration_id"])
    await _replay(stack, accepted["workflow_id"], name)


async def test_fresh_birth_histories_replay(stack: Stack, factory: DeclarationFactory) -> None:
    body = factory.birth(next(factory.couples()))
    await _run_and_replay(stack, "birth", body, "birth_completed")
    await _run_and_replay(stack, "birth", body, "birth_rejected")  # a repeat: justice refuses


async def test_fresh_death_history_replays(stack: Stack, factory: DeclarationFactory) -> None:
    deceased = next(factory.insured_people(lambda i: i.status == "pensioner"))
    await _run_and_replay(
        stack, "death", factory.death(deceased, form="monthly"), "death_completed"
    )


async def test_fresh_supplement_and_withdrawal_histories_replay(
    stack: Stack, factory: DeclarationFactory
) -> None:
    # A home birth on the declarant's word alone: the justice office asks for a witness.
    body = factory.birth(next(factory.couples()))
    body["child"]["place_of_birth"]["facility_name"] = None
    body["birth_certificate_number"] = None
    body["attachments"] = [attachment("declarant_undertaking")]
    supplemented = await submit(stack.api, "birth", body)
    await wait_for_status(
        stack.api, supplemented["declaration_id"], frozenset({"awaiting_supplement"})
    )
    answer = await stack.api.post(
        f"/v1/declarations/{supplemented['declaration_id']}/supplement",
        json={"attachments": [attachment("witness_statement")]},
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
