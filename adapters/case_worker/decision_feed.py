"""Carries an agency's decisions to its own open cases (the post's delivery reports, to its
shipments on their way: adapters.postal.delivery_relay).

It runs beside the agency's case worker, in the agency's own namespace: it reads the agency's
feed of decisions, signals each to the case's workflow, and acknowledges it. A decision signalled
twice (by two worker processes, or after a restart) is taken once: the case keeps one decision
per case number and ends with it. Nothing here reaches the orchestrator, which learns each
decision (and each delivery) as the result of its Nexus operation.

The relay runs until its worker stops, whatever the feed holds. An entry it cannot carry (not a
decision, an outcome it does not know, a decision its case would not take) is dead-lettered: the
agency takes it off the feed and keeps it, with the reason, for its operators; it is logged
(`decision_dead_lettered`) and counted, and the relay goes on with the next. A feed the agency
refuses as a whole is logged with its status, counted, and polled again after a backoff.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import json
from collections.abc import Awaitable
from typing import Any

import httpx
import structlog
from pydantic import BaseModel, ValidationError
from temporalio.client import Client
from temporalio.service import RPCError, RPCStatusCode

from adapters.case_worker.agency_case import AgencyCaseWorkflow, case_workflow_id
from adapters.case_worker.agency_http import AgencyCase, AgencyHttpClient, AgencyUnavailable
from adapters.case_worker.case_decisions import decision_from_case
from adapters.case_worker.feed_metrics import FeedMetrics
from observability.logging import bind_boundary_context, get_logger
from schemas.common import Agency

RELAY_CONCURRENCY = 16
FEED_PAGE = 100
# The longest a refused feed waits before it is polled again.
MAX_BACKOFF_SECONDS = 60.0

log = get_logger(__name__)


class FeedEntry(BaseModel):
    decision_id: int
    case: AgencyCase
    outcome: str


class DeadLetter(Exception):
    """Why a feed entry cannot be carried to its case: a code, and the fields at fault (names
    only: an entry's values are the agency's, and may be personal)."""

    def __init__(self, code: str, problems: tuple[str, ...] = ()) -> None:
        super().__init__(code)
        self.code = code
        self.problems = problems

    @classmethod
    def of(cls, code: str, error: ValidationError) -> DeadLetter:
        return cls(code, tuple(_problem(e) for e in error.errors(include_input=False)[:10]))

    @property
    def reason(self) -> str:
        return f"{self.code}: {', '.join(self.problems)}" if self.problems else self.code


def _problem(error: Any) -> str:
    return f"{'.'.join(map(str, error['loc'])) or 'entry'} {error['type']}"


class FeedRefused(Exception):
    """The agency refused the poll of its feed as a whole, or answered it with something that
    is not a list of decisions."""

    def __init__(self, status_code: int, problem: str) -> None:
        super().__init__(f"the decision feed answered {status_code}: {problem}")
        self.status_code = status_code
        self.problem = problem


def feed_page(response: httpx.Response) -> list[object]:
    """The entries of one page of the feed, each still to be read."""
    if response.status_code != 200:
        raise FeedRefused(response.status_code, "refused")
    try:
        entries = response.json()
    except ValueError:
        raise FeedRefused(response.status_code, "not_json") from None
    if not isinstance(entries, list):
        raise FeedRefused(response.status_code, "not_a_list")
    return entries


def _decision_id(raw: object) -> int | None:
    """The entry's number at the feed, when even that much of it can be read."""
    if isinstance(raw, dict):
        number = raw.get("decision_id")
        if isinstance(number, int) and not isinstance(number, bool):
            return number
    return None


def _entry_key(raw: object) -> str:
    number = _decision_id(raw)
    if number is not None:
        return str(number)
    return hashlib.sha256(json.dumps(raw, sort_keys=True, default=str).encode()).hexdigest()


class DecisionRelay:
    def __init__(
        self,
        agency: str,
        http: AgencyHttpClient,
        client: Client,
        poll_interval: float,
        metrics: FeedMetrics,
        max_backoff: float = MAX_BACKOFF_SECONDS,
    ) -> None:
        self.agency = agency
        self.http = http
        self.client = client
        self.poll_interval = poll_interval
        self.metrics = metrics
        self.max_backoff = max_backoff
        self._slots = asyncio.Semaphore(RELAY_CONCURRENCY)
        # Dead letters still on the feed (the agency could not take them off): reported once.
        self._unmarked: set[str] = set()

    async def run(self, stop: asyncio.Event) -> None:
        refusals = 0
        while not stop.is_set():
            pause = self.poll_interval
            try:
                settled = await self.relay_once()
                refusals = 0
            except AgencyUnavailable as outage:
                settled = 0  # the agency is down: its decisions wait in its feed
                if outage.status_code is not None:
                    refusals += 1
                    pause = self._refused(outage.status_code, "link_broken", refusals)
            except FeedRefused as refused:
                settled, refusals = 0, refusals + 1
                pause = self._refused(refused.status_code, refused.problem, refusals)
            except Exception:  # the relay outlives whatever one poll meets
                settled, refusals = 0, refusals + 1
                pause = self._backoff(refusals)
                log.exception("decision_relay_failed", agency=self.agency, retry_in=pause)
            if settled == 0:
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(stop.wait(), timeout=pause)

    def _backoff(self, refusals: int) -> float:
        return min(self.max_backoff, self.poll_interval * 2.0**refusals)

    def _refused(self, status_code: int, problem: str, refusals: int) -> float:
        pause = self._backoff(refusals)
        log.error(
            "decision_feed_refused",
            agency=self.agency,
            status_code=status_code,
            problem=problem,
            retry_in=pause,
        )
        self.metrics.feed_refused(status_code)
        return pause

    async def relay_once(self) -> int:
        """Carry one page of the feed; how many of its entries left the feed."""
        bind_boundary_context(agency=self.agency)
        entries = feed_page(await self.http.get("/v1/decisions", limit=FEED_PAGE))
        # Decisions for different declarations are independent: relay several at once, so a
        # backlog after an outage drains quickly.
        settled = await asyncio.gather(*(self._settle(raw) for raw in entries))
        return sum(settled)

    async def _settle(self, raw: object) -> bool:
        """Carry one entry; True when it left the feed (acknowledged or dead-lettered)."""
        # Each in its own task: the decision's log context stays with it.
        async with self._slots:
            try:
                entry = FeedEntry.model_validate(raw)
            except ValidationError as error:
                return await self._dead_letter(raw, DeadLetter.of("malformed_entry", error))
            with structlog.contextvars.bound_contextvars(
                declaration_id=entry.case.declaration_id, case_number=entry.case.case_number
            ):
                try:
                    delivered = await self._deliver(entry)
                except ValidationError as error:
                    return await self._dead_letter(raw, DeadLetter.of("decision_refused", error))
                except DeadLetter as letter:
                    return await self._dead_letter(raw, letter)
                if delivered:
                    await self.http.post(f"/v1/decisions/{entry.decision_id}/ack")
                return delivered

    async def _dead_letter(self, raw: object, letter: DeadLetter) -> bool:
        """Report the entry once, and have the agency take it off the feed and keep it for its
        operators; True when it did."""
        key, decision_id = _entry_key(raw), _decision_id(raw)
        if key not in self._unmarked:
            log.error(
                "decision_dead_lettered",
                agency=self.agency,
                decision_id=decision_id,
                reason_code=letter.code,
                problems=list(letter.problems),
            )
            self.metrics.dead_lettered()
        self._unmarked.add(key)
        if decision_id is None:
            return False  # nothing to name it by at the agency: it stays, reported once
        try:
            response = await self.http.post_json(
                f"/v1/decisions/{decision_id}/dead-letter", {"reason": letter.reason[:2000]}
            )
            status_code: int | None = response.status_code
        except AgencyUnavailable as outage:
            status_code = outage.status_code
        if status_code is not None and 200 <= status_code < 300:
            self._unmarked.discard(key)
            return True
        # Tried again on the next poll; the other entries go on meanwhile.
        log.warning(
            "decision_dead_letter_unmarked",
            agency=self.agency,
            decision_id=decision_id,
            status_code=status_code,
        )
        return False

    async def _deliver(self, entry: FeedEntry) -> bool:
        """Signal the decision to its case. True when the feed entry is settled (signalled, or
        for a case that is closed or unknown); False to try again on the next poll."""
        case = entry.case
        decision = decision_from_case(
            Agency(self.agency), case, f"{self.agency}:{entry.decision_id}"
        )
        if decision is None:
            raise DeadLetter("unknown_outcome", (f"case.status {case.status[:40]}",))
        if case.idempotency_key is None:
            return True
        handle = self.client.get_workflow_handle(case_workflow_id(case.idempotency_key))
        signalled = handle.signal(AgencyCaseWorkflow.record_decision, decision)
        return await settled(signalled, outcome=decision.outcome)


async def settled(signalled: Awaitable[None], outcome: str) -> bool:
    """Whether the feed entry is settled: signalled, or for a workflow that is closed or unknown
    (True); or False to try again on the next poll. A signal the server refuses for what it
    carries is a dead letter."""
    try:
        await signalled
    except RPCError as error:
        if error.status in (RPCStatusCode.NOT_FOUND, RPCStatusCode.FAILED_PRECONDITION):
            log.info("decision_for_closed_case", outcome=outcome)
            return True
        if error.status == RPCStatusCode.INVALID_ARGUMENT:
            raise DeadLetter("signal_refused", (error.status.name,)) from None
        log.warning("decision_relay_retry", error=error.status.name)
        return False
    log.info("decision_relayed", outcome=outcome)
    return True
