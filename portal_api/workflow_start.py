"""Starting a declaration's workflow on Temporal, tagged for operators to find it.

A start is safe to repeat: the workflow ID is the declaration's, and a start that finds the
workflow already running (an earlier attempt of the same submission) starts nothing new.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import timedelta
from typing import TypeVar

from temporalio.client import Client
from temporalio.common import (
    SearchAttributePair,
    TypedSearchAttributes,
    WorkflowIDConflictPolicy,
    WorkflowIDReusePolicy,
)
from temporalio.exceptions import WorkflowAlreadyStartedError
from temporalio.service import RPCError, RPCStatusCode
from temporalio.types import MethodAsyncSingleParam

from schemas.common import Procedure, ProcedureGroup
from schemas.workflow_inputs import orchestrator_task_queue
from temporal_connection import search_attributes

WorkflowT = TypeVar("WorkflowT")
WorkflowInputT = TypeVar("WorkflowInputT")
ResultT = TypeVar("ResultT")


async def start_declaration_workflow(
    client: Client,
    task_queue_prefix: str,
    run: MethodAsyncSingleParam[WorkflowT, WorkflowInputT, ResultT],
    workflow_input: WorkflowInputT,
    *,
    declaration_id: str,
    workflow_id: str,
    group: ProcedureGroup,
    procedures: Sequence[Procedure],
    province_code: str,
    commune_code: str,
) -> None:
    try:
        await client.start_workflow(
            run,
            workflow_input,
            id=workflow_id,
            task_queue=orchestrator_task_queue(task_queue_prefix),
            id_reuse_policy=WorkflowIDReusePolicy.REJECT_DUPLICATE,
            id_conflict_policy=WorkflowIDConflictPolicy.USE_EXISTING,
            search_attributes=TypedSearchAttributes(
                [
                    SearchAttributePair(search_attributes.DECLARATION_ID, declaration_id),
                    SearchAttributePair(search_attributes.PROCEDURE, group.value),
                    SearchAttributePair(search_attributes.PROVINCE_CODE, province_code),
                    SearchAttributePair(search_attributes.COMMUNE_CODE, commune_code),
                    SearchAttributePair(search_attributes.STATUS, "received"),
                    SearchAttributePair(search_attributes.CURRENT_STEP, ["intake"]),
                ]
            ),
            static_summary=f"{group.value.title()} declaration {declaration_id} "
            f"(commune {commune_code})",
            rpc_timeout=timedelta(seconds=10),
            static_details=f"Filed on the portal; procedures: "
            f"{', '.join(p.value for p in procedures)}.",
        )
    except WorkflowAlreadyStartedError:
        # Started by an earlier attempt of this same submission: nothing new to start.
        return


def outcome_unknown(error: Exception) -> bool:
    """Whether the server may have acted on a request whose answer never came."""
    return isinstance(error, RPCError) and error.status in (
        RPCStatusCode.DEADLINE_EXCEEDED,
        RPCStatusCode.CANCELLED,
        RPCStatusCode.UNKNOWN,
    )
