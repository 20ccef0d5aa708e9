"""What the parts of a declaration's workflow share while it runs: the declaration as it stands,
its progress, what the citizen has asked or answered, and the agencies it reaches."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any, Generic

from temporalio import workflow

with workflow.unsafe.imports_passed_through():
    from legal_deadlines.legal_clock import LegalClock
    from messages import Message
    from schemas.common import ProcedureGroup
    from schemas.decisions import WithdrawalRequest
    from schemas.status import DeclarationState
    from schemas.workflow_inputs import OrchestrationOptions

from workflows.agency_steps import DeclarationT
from workflows.deadline_clock import DeadlineClock
from workflows.declarant_notices import DeclarantNotices
from workflows.declaration_progress import DeclarationProgress
from workflows.group_steps import ProcedureSteps


@dataclass
class RunningDeclaration(Generic[DeclarationT]):
    declaration_id: str
    steps: ProcedureSteps[DeclarationT]
    # The declaration as it stands, with the supplements the citizen gave so far.
    declaration: DeclarationT
    late_registration: bool
    options: OrchestrationOptions
    clock: LegalClock
    # When the portal received the dossier as it stands: the declaration, then each supplement
    # that completed it. The group's limit and the same-day registration count from it.
    dossier_received_at: datetime
    progress: DeclarationProgress
    # What the declarant is told, milestone by milestone.
    notices: DeclarantNotices
    withdrawal: WithdrawalRequest | None = None
    # The portal API's trusted keys when the start was checked: every update must be attested
    # by one of them. Empty until then, so nothing is taken before the start is verified.
    requester_keys: dict[str, str] = field(default_factory=dict)
    # The single-use nonces of the updates taken so far: a copy of one is refused.
    nonces_seen: set[str] = field(default_factory=set)
    supplement_answers: int = 0
    # The ID of each open supplement request, by who waits for the citizen (an agency, or the
    # population registry): what an answer may answer.
    open_requests: dict[str, str] = field(default_factory=dict)
    # The parts of the declaration corrected since the population registry last confirmed it,
    # and every part corrected so far (some bring more people before the registry).
    changed_since_registry_check: set[str] = field(default_factory=set)
    supplemented: set[str] = field(default_factory=set)
    # How many times the population registry found a mismatch in the people named.
    registry_rounds: int = 0
    # Reminders and escalations on their way to the agencies.
    follow_ups: list[asyncio.Task[None]] = field(default_factory=list)
    # Every deadline the declaration watches, on one timer.
    deadlines: DeadlineClock = field(default_factory=DeadlineClock)

    @property
    def group(self) -> ProcedureGroup:
        return self.steps.group

    @property
    def call_timeout(self) -> timedelta:
        return timedelta(seconds=self.options.agency_call_timeout_seconds)

    def agency(self, agency: str) -> workflow.NexusClient[Any]:
        """The agency's Nexus service (named as the agency is), reached through its endpoint."""
        return workflow.create_nexus_client(
            service=agency, endpoint=self.options.endpoints.of(agency)
        )

    def refuse(self, cause: Message) -> None:
        """Close the declaration before the steps it could not start."""
        self.progress.cancel_unsettled_steps(
            Message.of("not_started", cause=cause), reason_code=cause.code
        )
        self.progress.set_status(
            DeclarationState.REJECTED,
            Message.of("status.refused", cause=cause),
            reason_code=cause.code,
        )
