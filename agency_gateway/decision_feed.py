"""Carries an agency's decisions to its own open cases, and the post's delivery reports to its
shipments on their way.

It runs beside the agency's case worker, in the agency's own namespace: it reads the agency's
feed of decisions, signals each to the case's workflow, and acknowledges it. A decision signalled
twice (by two worker processes, or after a restart) is taken once: the case keeps one decision
per case number and ends with it. Nothing here reaches the orchestrator, which learns each
decision (and each delivery) as the result of its Nexus operation.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Awaitable

import structlog
from pydantic import BaseModel
from temporalio.client import Client
from temporalio.service import RPCError, RPCStatusCode

from adapters.agency_http import AgencyCase, AgencyHttpClient, AgencyUnavailable
from adapters.case_decisions import decision_from_case
from agency_contracts.requests import DeliveryReport
from observability.logging import bind_boundary_context, get_logger
from schemas.common import Agency
from schemas.parties import AgencyParty
from workflows.agency_case import AgencyCaseWorkflow, case_workflow_id
from workflows.shipment_delivery import ShipmentDeliveryWorkflow, delivery_workflow_id

RELAY_CONCURRENCY = 16

log = get_logger(__name__)


class FeedEntry(BaseModel):
    decision_id: int
    case: AgencyCase
    outcome: str


class DecisionRelay:
    def __init__(
        self, agency: AgencyParty, http: AgencyHttpClient, client: Client, poll_interval: float
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
        bind_boundary_context(agency=self.agency)
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
        agency = Agency(self.agency)
        decision = decision_from_case(agency, case, f"{self.agency}:{entry.decision_id}")
        if decision is None or case.idempotency_key is None:
            return True
        handle = self.client.get_workflow_handle(case_workflow_id(case.idempotency_key))
        signalled = handle.signal(AgencyCaseWorkflow.record_decision, decision)
        return await settled(signalled, outcome=decision.outcome)


class DeliveryRelay(DecisionRelay):
    """The post's feed: each shipment it delivered, reported to the shipment's workflow."""

    async def _deliver(self, entry: FeedEntry) -> bool:
        case = entry.case
        if case.status != "approved" or case.idempotency_key is None:
            return True  # nothing delivered: no one waits for it
        delivered_at = (case.record or {}).get("delivered_at") or case.decided_at
        report = DeliveryReport.model_validate(
            {"tracking_number": case.case_number, "delivered_at": delivered_at}
        )
        handle = self.client.get_workflow_handle(delivery_workflow_id(case.idempotency_key))
        signalled = handle.signal(ShipmentDeliveryWorkflow.record_delivery, report)
        return await settled(signalled, outcome="delivered")


async def settled(signalled: Awaitable[None], outcome: str) -> bool:
    """Whether the feed entry is settled: signalled, or for a workflow that is closed or unknown
    (True); or False to try again on the next poll."""
    try:
        await signalled
    except RPCError as error:
        if error.status in (RPCStatusCode.NOT_FOUND, RPCStatusCode.FAILED_PRECONDITION):
            log.info("decision_for_closed_case", outcome=outcome)
            return True
        log.warning("decision_relay_retry", error=error.status.name)
        return False
    log.info("decision_relayed", outcome=outcome)
    return True
