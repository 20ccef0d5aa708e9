"""Carries an agency's decisions to the declarations' workflows.

It runs beside the agency's adapter worker, reads the agency's feed of decisions, records each
on the declaration's workflow with an Update, and acknowledges it. The Update's ID is the
agency's decision ID, so a decision relayed twice (by two adapter processes, or after a
restart) is recorded once.
"""

from __future__ import annotations

import asyncio
import contextlib

import structlog
from pydantic import BaseModel
from temporalio.client import Client, WorkflowUpdateFailedError
from temporalio.service import RPCError, RPCStatusCode

from adapters.agency_http import AgencyCase, AgencyHttpClient, AgencyUnavailable
from adapters.case_decisions import decision_from_case
from observability.logging import bind_boundary_context, get_logger
from schemas.common import Agency

RECORD_DECISION_UPDATE = "record_decision"
RELAY_CONCURRENCY = 16

log = get_logger(__name__)


class FeedEntry(BaseModel):
    decision_id: int
    case: AgencyCase
    outcome: str


def workflow_id_of(declaration_id: str) -> str:
    return f"declaration-{declaration_id}"


class DecisionRelay:
    def __init__(
        self, agency: Agency, http: AgencyHttpClient, client: Client, poll_interval: float
    ) -> None:
        self.agency = agency
        self.http = http
        self.client = client
        self.poll_interval = poll_interval
        self._slots = asyncio.Semaphore(RELAY_CONCURRENCY)

    async def run(self, stop: asyncio.Event) -> None:
        while not stop.is_set():
            try:
                relayed = await self.relay_once()
            except AgencyUnavailable:
                relayed = 0  # the agency is down: its decisions wait in its feed
            if relayed == 0:
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(stop.wait(), timeout=self.poll_interval)

    async def relay_once(self) -> int:
        bind_boundary_context(agency=self.agency.value)
        response = await self.http.get("/v1/decisions", limit=100)
        response.raise_for_status()
        entries = [FeedEntry.model_validate(e) for e in response.json()]

        async def settle(entry: FeedEntry) -> None:
            # Each in its own task: the decision's log context stays with it.
            async with self._slots:
                with structlog.contextvars.bound_contextvars(
                    declaration_id=entry.case.declaration_id, case_number=entry.case.case_number
                ):
                    if await self._deliver(entry):
                        await self.http.post(f"/v1/decisions/{entry.decision_id}/ack")

        # Decisions for different declarations are independent: relay several at once, so a
        # backlog after an outage drains quickly.
        await asyncio.gather(*(settle(entry) for entry in entries))
        return len(entries)

    async def _deliver(self, entry: FeedEntry) -> bool:
        """Record the decision on its workflow. True when the feed entry is settled (recorded,
        or refused for good); False to try again on the next poll."""
        case = entry.case
        decision = decision_from_case(self.agency, case, f"{self.agency.value}:{entry.decision_id}")
        if decision is None:
            return True
        handle = self.client.get_workflow_handle(workflow_id_of(case.declaration_id))
        try:
            await handle.execute_update(RECORD_DECISION_UPDATE, decision, id=decision.decision_id)
        except WorkflowUpdateFailedError as refused:
            log.warning(
                "decision_refused_by_workflow", outcome=decision.outcome, cause=str(refused.cause)
            )
            return True
        except RPCError as error:
            if error.status in (RPCStatusCode.NOT_FOUND, RPCStatusCode.FAILED_PRECONDITION):
                log.warning("decision_for_closed_declaration", outcome=decision.outcome)
                return True
            log.warning("decision_relay_retry", error=error.status.name)
            return False
        log.info("decision_recorded", outcome=decision.outcome)
        return True
