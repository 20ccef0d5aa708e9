"""Checking an agency's decision against the trust store when it arrives. A decision that no
trusted key verifies is held where operators see it (`held_decisions`), never dropped."""

from __future__ import annotations

from datetime import UTC, datetime

from pydantic import BaseModel
from sqlalchemy.engine import Engine
from temporalio import activity

from agency_contracts.decisions import OfficerDecision
from observability.activity_context import bind_activity_context
from observability.logging import get_logger
from schemas.parties import PORTAL_PARTY
from schemas.workflow_inputs import StartAttestation
from security.decision_trust import UntrustedDecision, signing_key_id, trusted_decision
from security.start_attestations import start_problem
from store.audit import record_audit
from store.declarations import claim_start
from store.models import HeldDecisionRecord
from store.trust import agency_keys, hold_decision, release_decision, trusted_public_keys

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


class StartCheck(BaseModel):
    """A declaration workflow's start, as its run sees it: who it claims to be, the digest of
    its input, the attestation it carries, and when Temporal recorded the start."""

    workflow_id: str
    run_id: str
    declaration_id: str
    digest: str
    attestation: StartAttestation | None
    started_at: datetime


class StartVerdict(BaseModel):
    # Why the start is refused, as a stable code; None when the portal API attested it.
    problem: str | None = None
    # The API's trusted keys, by key id, that the declaration's updates are checked with.
    requester_keys: dict[str, str] = {}


class TrustActivities:
    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    @activity.defn(name="trust.verify_start")
    def verify_start(self, check: StartCheck) -> StartVerdict:
        """Whether the portal API filed this start, under a key the trust store holds now, and
        this run is the first to act on it. A refused start is audited; nothing else of the
        store changes."""
        keys = trusted_public_keys(self.engine, PORTAL_PARTY)
        problem = start_problem(
            keys,
            check.attestation,
            check.workflow_id,
            check.declaration_id,
            check.digest,
            check.started_at,
        )
        if problem is None:
            problem = claim_start(
                self.engine, check.declaration_id, check.workflow_id, check.run_id
            )
        if problem is None:
            bind_activity_context(check.declaration_id)
            return StartVerdict(requester_keys=keys)
        # The ID is the start's own claim: it is recorded as claimed, never trusted.
        log.warning("declaration_start_refused", problem=problem, workflow_id=check.workflow_id)
        record_audit(
            self.engine,
            "temporal:unattested",
            "start_refused",
            check.declaration_id,
            outcome="denied",
            detail=f"{problem}: workflow {check.workflow_id} run {check.run_id}",
        )
        return StartVerdict(problem=problem)

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
