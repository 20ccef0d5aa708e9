"""The sandbox's shortcut for a payload's context gives the answer the sandbox itself gives, for
every payload of every recorded history: the declarations' (activities, Nexus operations, their
own) and the agencies' cases, documents and shipments."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import pytest
from temporalio.client import WorkflowHistory
from temporalio.converter import (
    ActivitySerializationContext,
    NexusSerializationContext,
    SerializationContext,
    WorkflowSerializationContext,
)
from temporalio.converter._extstore import StorageDriverStoreContext
from temporalio.worker import Replayer, WorkflowInstance, WorkflowInstanceDetails
from temporalio.worker._command_aware_visitor import CommandInfo
from temporalio.worker.workflow_sandbox._runner import _Instance

from temporal_connection.workflow_runner import (
    WorkflowSandbox,
    _SandboxedWorkflow,
    workflow_runner,
)
from tests.test_replay import replayer

pytestmark = pytest.mark.store_free

HISTORIES = Path(__file__).parent / "histories"

# Every answer, as (the shortcut's, the sandbox's own), from every run of the replay.
Answers = list[tuple[object, object]]


class _ComparedWorkflow(_SandboxedWorkflow):
    answers: Answers

    def get_serialization_context(
        self, command_info: CommandInfo | None
    ) -> SerializationContext | None:
        shortcut = super().get_serialization_context(command_info)
        self.answers.append((shortcut, _Instance.get_serialization_context(self, command_info)))
        return shortcut

    def get_external_store_context(
        self, command_info: CommandInfo | None
    ) -> StorageDriverStoreContext:
        shortcut = super().get_external_store_context(command_info)
        self.answers.append((shortcut, _Instance.get_external_store_context(self, command_info)))
        return shortcut


@dataclass(frozen=True)
class _ComparingSandbox(WorkflowSandbox):
    answers: Answers = field(default_factory=list)

    def create_instance(self, det: WorkflowInstanceDetails) -> WorkflowInstance:
        run = _ComparedWorkflow(det, self.runner_class, self.restrictions)
        run.answers = self.answers
        return run


def _replayer(name: str, answers: Answers) -> Replayer:
    return replayer(
        name, _ComparingSandbox(restrictions=workflow_runner().restrictions, answers=answers)
    )


@pytest.mark.parametrize("path", sorted(HISTORIES.glob("*.json")), ids=lambda p: p.stem)
async def test_shortcut_answers_as_the_sandbox_does(path: Path) -> None:
    answers: Answers = []
    history = WorkflowHistory.from_json(path.stem, path.read_text())  # noqa: ASYNC240
    result = await _replayer(path.stem, answers).replay_workflow(
        history, raise_on_replay_failure=True
    )
    assert result.replay_failure is None
    assert answers, "the replay asked for no payload's context"
    assert [shortcut for shortcut, _ in answers] == [own for _, own in answers]


async def test_shortcut_covers_activities_nexus_operations_and_the_workflow() -> None:
    answers: Answers = []
    path = HISTORIES / "birth_completed.json"
    history = WorkflowHistory.from_json(path.stem, path.read_text())
    await _replayer(path.stem, answers).replay_workflow(history, raise_on_replay_failure=True)
    kinds = {type(shortcut) for shortcut, _ in answers}
    assert {
        ActivitySerializationContext,
        NexusSerializationContext,
        WorkflowSerializationContext,
        StorageDriverStoreContext,
    } <= kinds
