"""Turning an agency's decision into one the workflow can act on: only the content the agency
signed counts, and only if the trusted, unrevoked key it names verifies the signature."""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Literal

from pydantic import ValidationError

from agency_contracts.decisions import DecisionOutcome, OfficerDecision
from schemas.results import step_result
from schemas.supplements import SupplementNeed
from security.decision_signatures import verify

_OUTCOMES: dict[str, DecisionOutcome] = {
    "approved": "approved",
    "rejected": "rejected",
    "awaiting_supplement": "supplement_requested",
}


TrustProblem = Literal["unsigned", "unknown_key", "revoked_key", "bad_signature", "mismatch"]


@dataclass(frozen=True)
class TrustedKey:
    public_key: str
    revoked: bool = False


class UntrustedDecision(ValueError):
    """The decision is not signed by the agency it claims to come from."""

    def __init__(self, message: str, problem: TrustProblem, key_id: str | None = None) -> None:
        super().__init__(message)
        self.problem = problem
        self.key_id = key_id


def signing_key_id(decision: OfficerDecision) -> str | None:
    if not decision.signed:
        return None
    try:
        key_id = json.loads(decision.signed).get("key_id")
    except ValueError:
        return None
    return key_id if isinstance(key_id, str) else None


def trusted_decision(
    decision: OfficerDecision, agency_keys: Mapping[str, TrustedKey]
) -> OfficerDecision:
    """The decision rebuilt from its signed content; raises UntrustedDecision otherwise.
    `agency_keys` are the keys trusted for the decision's agency, by key id."""
    agency = decision.agency.value
    if not decision.signed or not decision.signature:
        raise UntrustedDecision(
            f"The decision carries no signature of the {agency} office.", "unsigned"
        )
    key_id = signing_key_id(decision)
    key = agency_keys.get(key_id or "")
    if key is None:
        raise UntrustedDecision(
            f"The {agency} office signed with a key that is not trusted (yet).",
            "unknown_key",
            key_id,
        )
    if key.revoked:
        raise UntrustedDecision(
            f"The {agency} office signed with a revoked key.", "revoked_key", key_id
        )
    if not verify((key.public_key,), decision.signed, decision.signature):
        raise UntrustedDecision(
            f"The decision is not signed by the {agency} office.", "bad_signature", key_id
        )
    content = json.loads(decision.signed)
    outcome = _OUTCOMES.get(content.get("outcome", ""))
    if content.get("agency") != agency or outcome is None:
        raise UntrustedDecision("The signed decision does not match what was relayed.", "mismatch")
    if content.get("case_number") != decision.case_number:
        raise UntrustedDecision("The signed decision is for another case.", "mismatch")
    try:
        supplement = (
            SupplementNeed.model_validate(content["supplement"])
            if content.get("supplement")
            else None
        )
    except ValidationError as error:
        raise UntrustedDecision(
            "The signed supplement request is malformed.", "mismatch"
        ) from error
    return OfficerDecision(
        decision_id=decision.decision_id,
        agency=decision.agency,
        case_number=content["case_number"],
        outcome=outcome,
        reason=content.get("reason"),
        reason_code=content.get("rejection_code"),
        result=step_result(content.get("procedure", ""), content.get("record")),
        supplement=supplement if outcome == "supplement_requested" else None,
        decided_at=datetime.fromisoformat(content["decided_at"]),
        decided_by=content.get("decided_by"),
        signed=decision.signed,
        signature=decision.signature,
    )
