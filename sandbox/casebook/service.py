"""The agency's book of cases: opening a case once per idempotency key, deciding it (by policy or
by an officer), following it up, and the feed of decisions its adapter reads."""

from __future__ import annotations

import asyncio
import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from pydantic import BaseModel
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from sandbox.casebook.clock import now_utc
from sandbox.casebook.credentials import AgencyCredentials
from sandbox.casebook.decisions import (
    Approved,
    CaseAtHand,
    Decision,
    Rejected,
    SupplementNeeded,
)
from sandbox.casebook.desks import ProcedureDesk
from sandbox.casebook.errors import (
    CannotApprove,
    CaseNotPending,
    IdempotencyKeyReused,
    NoSuchCase,
    NoSuchDecision,
)
from sandbox.casebook.numbering import next_number
from sandbox.casebook.signing import sign_decision
from sandbox.casebook.switches import DecisionPolicy, FaultState
from sandbox.casebook.tables import OPEN_STATES, Case, DeadLetter, DecisionEvent
from sandbox.casebook.views import (
    CaseView,
    DeadLetterView,
    DecisionView,
    SupplementIn,
    case_view,
)
from sandbox.dataset import Dataset


def fingerprint(body: BaseModel) -> str:
    return hashlib.sha256(body.model_dump_json().encode()).hexdigest()


@dataclass(frozen=True)
class Submission:
    case: CaseView
    # False when the idempotency key had already opened this case.
    opened: bool


@dataclass
class AgencyBook:
    """One agency's database and the operations every endpoint needs."""

    name: str
    engine: Engine
    dataset: Dataset
    credentials: AgencyCredentials
    desks: dict[str, ProcedureDesk[Any]]
    policy: DecisionPolicy = field(default_factory=DecisionPolicy)
    faults: FaultState = field(default_factory=FaultState)
    # Writes are applied one at a time, as a single agency system with one writer would.
    write_lock: asyncio.Lock = field(default_factory=asyncio.Lock)

    def session(self) -> Session:
        return Session(self.engine, expire_on_commit=False)

    # --- deciding ---------------------------------------------------------------------------

    def _record(
        self, session: Session, case: Case, decision: Decision, *, inline: bool, decided_by: str
    ) -> None:
        case.decided_at = now_utc()
        case.decided_by = decided_by
        if isinstance(decision, Approved):
            case.status, case.record_json = "approved", json.dumps(decision.record, default=str)
        elif isinstance(decision, Rejected):
            case.status, case.rejection_code, case.reason = (
                "rejected",
                decision.code,
                decision.reason,
            )
            case.record_json = json.dumps(decision.record, default=str) if decision.record else None
        else:
            case.status = "awaiting_supplement"
            case.supplement_json = SupplementIn(
                fields=decision.fields, documents=decision.documents, message=decision.message
            ).model_dump_json()
        sign_decision(case, self.name, self.credentials)
        session.add(case)
        session.add(
            DecisionEvent(
                case_number=case.case_number,
                declaration_id=case.declaration_id,
                procedure=case.procedure,
                outcome=case.status,
                decided_at=case.decided_at,
                # A decision returned in the submission's own answer needs no relaying.
                acknowledged_at=case.decided_at if inline else None,
            )
        )

    def _at_hand(self, session: Session, case_number: str, *, may_supplement: bool) -> CaseAtHand:
        return CaseAtHand(session, case_number, self.dataset, may_supplement)

    def _decide_stored(self, session: Session, case: Case, *, may_supplement: bool) -> Decision:
        at_hand = self._at_hand(session, case.case_number, may_supplement=may_supplement)
        return self.desks[case.procedure].decide_stored(at_hand, case.request_json)

    async def submit(
        self, desk: ProcedureDesk[Any], body: BaseModel, idempotency_key: str
    ) -> Submission:
        """Open a case for the request, or return the case already opened under its key."""
        request_fingerprint = fingerprint(body)
        async with self.write_lock:
            with self.session() as session:
                existing = session.exec(
                    select(Case).where(Case.idempotency_key == idempotency_key)
                ).first()
                if existing is not None:
                    if existing.request_fingerprint != request_fingerprint:
                        raise IdempotencyKeyReused
                    return Submission(case_view(existing), opened=False)
                supersedes = getattr(body, "supersedes_case_number", None)
                case = Case(
                    case_number=desk.case_number(next_number(session, "case:" + desk.series)),
                    procedure=desk.procedure,
                    declaration_id=getattr(body, "declaration_id", ""),
                    idempotency_key=idempotency_key,
                    request_fingerprint=request_fingerprint,
                    request_json=body.model_dump_json(),
                    subject_personal_id=desk.subject(body),
                    status="pending",
                    supersedes=supersedes,
                    created_at=now_utc(),
                )
                if supersedes is not None:
                    earlier = session.get(Case, supersedes)
                    if earlier is not None and earlier.status in OPEN_STATES:
                        earlier.status = "superseded"
                        session.add(earlier)
                if self.policy.mode == "immediate":
                    at_hand = self._at_hand(session, case.case_number, may_supplement=True)
                    decision = desk.rules(at_hand, body)
                    self._record(
                        session, case, decision, inline=True, decided_by="policy:immediate"
                    )
                session.add(case)
                session.commit()
                return Submission(case_view(case), opened=True)

    async def decide_due_cases(self) -> int:
        """The automatic policy: decide the pending cases that have waited long enough."""
        if self.policy.mode != "delayed":
            return 0
        due_before = now_utc() - timedelta(seconds=self.policy.delay_seconds)
        async with self.write_lock:
            with self.session() as session:
                due = session.exec(
                    select(Case)
                    .where(Case.status == "pending", Case.created_at <= due_before)
                    .order_by(col(Case.created_at))
                    .limit(200)
                ).all()
                for case in due:
                    decision = self._decide_stored(session, case, may_supplement=True)
                    self._record(session, case, decision, inline=False, decided_by="policy:delayed")
                session.commit()
                return len(due)

    async def officer_approves(self, case_number: str, officer: str) -> CaseView:
        """The officer approves, provided the agency's rules would: an approval the rules refuse
        is refused, and nothing of it is kept."""

        def approval(session: Session, case: Case) -> Decision:
            outcome = self._decide_stored(session, case, may_supplement=False)
            if not isinstance(outcome, Approved):
                session.rollback()
                reason = outcome.reason if isinstance(outcome, Rejected) else outcome.message
                raise CannotApprove(reason)
            return outcome

        return await self._officer_decides(case_number, officer, approval)

    async def officer_rules(
        self, case_number: str, officer: str, decision: Rejected | SupplementNeeded
    ) -> CaseView:
        return await self._officer_decides(case_number, officer, lambda *_: decision)

    async def _officer_decides(
        self, case_number: str, officer: str, decide: Callable[[Session, Case], Decision]
    ) -> CaseView:
        async with self.write_lock:
            with self.session() as session:
                case = session.get(Case, case_number)
                if case is None:
                    raise NoSuchCase
                if case.status != "pending":
                    raise CaseNotPending(case.status)
                decision = decide(session, case)
                self._record(session, case, decision, inline=False, decided_by=f"officer:{officer}")
                session.commit()
                return case_view(case)

    # --- following up ------------------------------------------------------------------------

    def case(self, case_number: str) -> CaseView:
        with self.session() as session:
            case = session.get(Case, case_number)
            if case is None:
                raise NoSuchCase
            return case_view(case)

    def cases(self, declaration_id: str | None = None, status: str | None = None) -> list[CaseView]:
        with self.session() as session:
            statement = select(Case).order_by(col(Case.created_at))
            if declaration_id is not None:
                statement = statement.where(Case.declaration_id == declaration_id)
            if status is not None:
                statement = statement.where(Case.status == status)
            return [case_view(c) for c in session.exec(statement.limit(1000))]

    async def cancel(self, case_number: str) -> CaseView:
        async with self.write_lock:
            with self.session() as session:
                case = session.get(Case, case_number)
                if case is None:
                    raise NoSuchCase
                if case.status in OPEN_STATES:
                    case.status, case.decided_at = "cancelled", now_utc()
                    session.add(case)
                    session.commit()
                return case_view(case)

    async def follow_up(self, case_number: str, kind: str) -> CaseView:
        async with self.write_lock:
            with self.session() as session:
                case = session.get(Case, case_number)
                if case is None:
                    raise NoSuchCase
                if kind == "reminder":
                    case.reminders += 1
                else:
                    case.escalations += 1
                session.add(case)
                session.commit()
                return case_view(case)

    # --- the decision feed -------------------------------------------------------------------

    def unacknowledged_decisions(self, limit: int) -> list[DecisionView]:
        with self.session() as session:
            events = session.exec(
                select(DecisionEvent)
                .where(col(DecisionEvent.acknowledged_at).is_(None))
                .order_by(col(DecisionEvent.id))
                .limit(limit)
            ).all()
            views = []
            for event_row in events:
                case = session.get(Case, event_row.case_number)
                assert case is not None
                assert event_row.id is not None
                snapshot = case_view(case)
                # The feed reports the decision as it was made, even if the case moved on.
                snapshot.status = event_row.outcome
                views.append(
                    DecisionView(
                        decision_id=event_row.id,
                        case=snapshot,
                        outcome=event_row.outcome,
                        decided_at=event_row.decided_at,
                    )
                )
            return views

    async def acknowledge(self, decision_id: int, dead_letter: str | None = None) -> None:
        """Take the decision off the feed. With `dead_letter`, the adapter could not carry it
        to its case: it is kept among the dead letters with that reason (the first reason
        stands when it is said again)."""
        async with self.write_lock:
            with self.session() as session:
                event_row = session.get(DecisionEvent, decision_id)
                if event_row is None:
                    raise NoSuchDecision
                if event_row.acknowledged_at is None:
                    event_row.acknowledged_at = now_utc()
                    session.add(event_row)
                if dead_letter is not None and session.get(DeadLetter, decision_id) is None:
                    session.add(
                        DeadLetter(
                            decision_id=decision_id, reason=dead_letter, dead_lettered_at=now_utc()
                        )
                    )
                session.commit()

    def dead_letters(self, limit: int) -> list[DeadLetterView]:
        """The decisions the adapter could not carry, newest first."""
        with self.session() as session:
            rows = session.exec(
                select(DeadLetter, DecisionEvent)
                .join(DecisionEvent, col(DecisionEvent.id) == col(DeadLetter.decision_id))
                .order_by(col(DeadLetter.dead_lettered_at).desc())
                .limit(limit)
            ).all()
            return [
                DeadLetterView(
                    decision_id=letter.decision_id,
                    case_number=event_row.case_number,
                    procedure=event_row.procedure,
                    outcome=event_row.outcome,
                    decided_at=event_row.decided_at,
                    reason=letter.reason,
                    dead_lettered_at=letter.dead_lettered_at,
                )
                for letter, event_row in rows
            ]
