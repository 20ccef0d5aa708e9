"""The baseline: a bare workflow of the same shape as a declaration whose agencies decide at
once. The same activities in the same order and parallelism, on the same kinds of task queue,
doing nothing: the dossier checks, the first agency step, the other steps in parallel, the
delivery, and the progress reports (local activities) around each step."""

from __future__ import annotations

import asyncio
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

from pydantic import BaseModel
from temporalio import activity, workflow
from temporalio.client import Client
from temporalio.worker import Worker

from schemas.workflow_inputs import TaskQueues
from settings import Settings
from worker import workflow_worker

# A step's reports to the store when its agency decides at once: submitted, then decided.
REPORTS_PER_STEP = 2


class BaselineShape(BaseModel):
    parallel_steps: int  # 2 for a birth; 2 or 3 for a death
    queues: TaskQueues


@activity.defn(name="baseline.nothing")
async def do_nothing() -> None:
    """An activity that does no work: it costs only what Temporal costs."""


@activity.defn(name="baseline.report")
def report_nothing() -> None:
    """The stand-in for the store report the product runs as a local activity."""


@workflow.defn(name="BaselineDeclarationWorkflow")
class BaselineDeclarationWorkflow:
    @workflow.run
    async def run(self, shape: BaselineShape) -> None:
        queues = shape.queues
        # The attachments check and the registry cross-check, side by side.
        await asyncio.gather(self._activity(queues.orchestrator), self._activity(queues.police))
        await self._step(queues.justice)
        agencies = [queues.police, queues.social_security, queues.social_security]
        await asyncio.gather(*(self._step(q) for q in agencies[: shape.parallel_steps]))
        await self._activity(queues.postal)  # the delivery
        await self._report()  # the final report

    async def _activity(self, task_queue: str) -> None:
        await workflow.execute_activity(
            do_nothing, task_queue=task_queue, start_to_close_timeout=timedelta(seconds=30)
        )

    async def _report(self) -> None:
        await workflow.execute_local_activity(
            report_nothing, start_to_close_timeout=timedelta(seconds=15)
        )

    async def _step(self, task_queue: str) -> None:
        await self._report()
        await self._activity(task_queue)
        for _ in range(REPORTS_PER_STEP - 1):
            await self._report()


async def run_baseline_workers(settings: Settings, client: Client, stop: asyncio.Event) -> None:
    """Workers for the baseline with the product's worker settings, one per task queue."""
    queues = TaskQueues.with_prefix(settings.task_queue_prefix)
    with ThreadPoolExecutor(max_workers=settings.max_concurrent_activities) as executor:
        workers = [
            workflow_worker(
                client,
                settings,
                queues.orchestrator,
                [BaselineDeclarationWorkflow],
                [do_nothing, report_nothing],
                executor,
            ),
            *(
                Worker(
                    client,
                    task_queue=queue,
                    activities=[do_nothing],
                    max_concurrent_activities=settings.max_concurrent_activities,
                )
                for queue in (queues.justice, queues.police, queues.social_security, queues.postal)
            ),
        ]
        async with asyncio.TaskGroup() as group:
            for w in workers:
                group.create_task(w.run())
            await stop.wait()
            for w in workers:
                group.create_task(w.shutdown())
