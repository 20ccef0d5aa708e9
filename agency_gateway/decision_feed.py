"""Carries an agency's decisions to its own open cases.

It runs beside the agency's case worker, in the agency's own namespace: it reads the agency's
feed of decisions, signals each to the case's workflow, and acknowledges it. A decision signalled
twice (by two worker processes, or after a restart) is taken once: the case keeps one decision
per case number and ends with it. Nothing here reaches the orchestrator, which learns each
decision as the result of its Nexus operation.
"""

from __future__ import annotations

import asyncio
import contextlib

import structlog
from pydantic import BaseModel
from temporalio.client import Client
from temporalio.service import RPCError, RPCStatusCode

from adapters.agency_http import AgencyCase, AgencyHttpClient, AgencyUnavailable
from adapters.case_decisions import decision_from_case
from observability.logging import bind_boundary_context, get_logger
from schemas.common import Agency
from workflows.agency_case import AgencyCaseWorkflow, case_workflow_id

RELAY_CONCURRENCY = 16

log = get_logger(__name__)


class FeedEntry(BaseModel):
    decision_id: int
    case: AgencyCase
    outcome: str


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
        """Signal the decision to its case. True when the feed entry is settled (signalled, or
        for a case that is closed or unknown); False to try again on the next poll."""
        case = entry.case
        decision = decision_from_case(self.agency, case, f"{self.agency.value}:{entry.decision_id}")
        if decision is None or case.idempotency_key is None:
            return True
        handle = self.client.get_workflow_handle(case_workflow_id(case.idempotency_key))
        try:
            await handle.signal(AgencyCaseWorkflow.record_decision, decision)
        except RPCError as error:
            if error.status in (RPCStatusCode.NOT_FOUND, RPCStatusCode.FAILED_PRECONDITION):
                log.info("decision_for_closed_case", outcome=decision.outcome)
                return True
            log.warning("decision_relay_retry", error=error.status.name)
            return False
        log.info("decision_relayed", outcome=decision.outcome)
        return True
