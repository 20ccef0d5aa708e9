"""Checking an agency's decision against the trust store when it arrives. A decision that no
trusted key verifies is held where operators see it (`held_decisions`), never dropped."""

from __future__ import annotations

from datetime import UTC, datetime

from pydantic import BaseModel
from sqlalchemy.engine import Engine
from temporalio import activity

from activities.agency_errors import bind_activity_context
from agency_contracts.decisions import OfficerDecision
from observability.logging import get_logger
from security.decision_trust import UntrustedDecision, signing_key_id, trusted_decision
from store.models import HeldDecisionRecord
from store.trust import agency_keys, hold_decision, release_decision

log = get_logger(__name__)


class DecisionCheck(BaseModel):
    declaration_id: str
    procedure: str
    decision: OfficerDecision


class DecisionVerdict(BaseModel):
    # The decision rebuilt from what the agency signed, when a trusted key verifies it.
    decision: OfficerDecision | None = None
    problem: str | None = None
    message: str | None = None


class TrustActivities:
    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    @activity.defn(name="trust.verify_decision")
    def verify_decision(self, check: DecisionCheck) -> DecisionVerdict:
        bind_activity_context(check.declaration_id)
        decision = check.decision
        try:
            trusted = trusted_decision(decision, agency_keys(self.engine, decision.agency.value))
        except UntrustedDecision as untrusted:
            log.warning(
                "decision_held",
                agency=decision.agency.value,
                case_number=decision.case_number,
                problem=untrusted.problem,
                key_id=untrusted.key_id,
            )
            hold_decision(
                self.engine,
                HeldDecisionRecord(
                    declaration_id=check.declaration_id,
                    procedure=check.procedure,
                    agency=decision.agency.value,
                    case_number=decision.case_number,
                    key_id=signing_key_id(decision),
                    problem=untrusted.problem,
                    held_at=datetime.now(UTC),
                ),
            )
            return DecisionVerdict(problem=untrusted.problem, message=str(untrusted))
        release_decision(self.engine, check.declaration_id, check.procedure)
        return DecisionVerdict(decision=trusted)
