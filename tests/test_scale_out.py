"""Several orchestrator worker processes share the load, over one PostgreSQL store.

Runs in the PostgreSQL mode of the suite (LIENTHONG_TEST_STORE=postgresql), where the session's
workers are separate processes: two orchestrators and one with every agency role."""

from __future__ import annotations

import asyncio
from collections import Counter

import pytest
from sqlmodel import Session, col, select
from temporalio.api.enums.v1 import EventType

from devstack.declaration_factory import DeclarationFactory
from store.models import DeclarationRecord
from tests.harness.portal import submit
from tests.harness.shared_workers import ORCHESTRATOR_PROCESSES, SharedWorkers
from tests.harness.stack import Stack
from tests.harness.waiting import CLOSED, wait_for_status

BIRTHS = 10
DEATHS = 10


async def test_declarations_are_spread_across_both_orchestrator_processes(
    stack: Stack, factory: DeclarationFactory, shared_workers: SharedWorkers | None
) -> None:
    if shared_workers is None:
        pytest.skip(
            "needs the orchestrator workers in processes of their own: "
            "run with LIENTHONG_TEST_STORE=postgresql"
        )
    assert stack.engine.dialect.name == "postgresql"
    assert stack.settings.task_queue_prefix == shared_workers.task_queue_prefix
    orchestrators = shared_workers.orchestrator_identities
    assert len(orchestrators) == ORCHESTRATOR_PROCESSES

    bodies = [("birth", factory.birth(next(factory.couples()))) for _ in range(BIRTHS)]
    pensioners = factory.insured_people(lambda i: i.status == "pensioner")
    bodies += [("death", factory.death(next(pensioners))) for _ in range(DEATHS)]
    # Filed together, as a busy portal would: both processes are polling when the work arrives.
    accepted = await asyncio.gather(*(submit(stack.api, kind, body) for kind, body in bodies))
    views = await asyncio.gather(
        *(wait_for_status(stack.api, a["declaration_id"], timeout=180) for a in accepted)
    )
    assert [v["status"] for v in views] == ["completed"] * len(bodies), views

    # Who completed each workflow task, as Temporal recorded it in each history.
    tasks_by: Counter[str] = Counter()
    workflows_by: dict[str, set[str]] = {}
    for a in accepted:
        handle = stack.client.get_workflow_handle(a["workflow_id"])
        async for event in handle.fetch_history_events():
            if event.event_type == EventType.EVENT_TYPE_WORKFLOW_TASK_COMPLETED:
                identity = event.workflow_task_completed_event_attributes.identity
                tasks_by[identity] += 1
                workflows_by.setdefault(identity, set()).add(a["workflow_id"])
    summary = {
        f"{orchestrators[i].name if i in orchestrators else 'unknown'} ({i})": (
            f"{n} workflow tasks in {len(workflows_by[i])} workflows"
        )
        for i, n in tasks_by.items()
    }
    print("workflow tasks by orchestrator process:", summary)  # shown with `pytest -rP`
    assert set(tasks_by) <= set(orchestrators), f"tasks done outside the orchestrators: {summary}"
    assert set(tasks_by) == set(orchestrators), f"not every orchestrator took work: {summary}"

    # Every declaration, and its outcome, is in the PostgreSQL store the workers share.
    ids = [a["declaration_id"] for a in accepted]
    with Session(stack.engine) as session:
        records = session.exec(
            select(DeclarationRecord).where(col(DeclarationRecord.declaration_id).in_(ids))
        ).all()
    stored = {r.declaration_id: r for r in records}
    assert sorted(stored) == sorted(ids)
    for a, (kind, _) in zip(accepted, bodies, strict=True):
        record = stored[a["declaration_id"]]
        assert (record.procedure, record.workflow_id) == (kind, a["workflow_id"])
        assert record.workflow_started and record.status in CLOSED
