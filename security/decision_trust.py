"""Turning a relayed agency decision into one the workflow can act on: only the content the
agency signed counts, and only if one of that agency's public keys verifies the signature."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from datetime import datetime

from pydantic import ValidationError

from schemas.decisions import DecisionOutcome, OfficerDecision
from schemas.results import step_result
from schemas.supplements import SupplementNeed
from security.decision_signatures import verify

_OUTCOMES: dict[str, DecisionOutcome] = {
    "approved": "approved",
    "rejected": "rejected",
    "awaiting_supplement": "supplement_requested",
}


class UntrustedDecision(ValueError):
    """The decision is not signed by the agency it claims to come from."""


def trusted_decision(
    decision: OfficerDecision, verify_keys: Mapping[str, Sequence[str]]
) -> OfficerDecision:
    """The decision rebuilt from its signed content; raises UntrustedDecision otherwise."""
    agency = decision.agency.value
    if not decision.signed or not decision.signature:
        raise UntrustedDecision(f"The decision carries no signature of the {agency} office.")
    if not verify(verify_keys.get(agency, ()), decision.signed, decision.signature):
        raise UntrustedDecision(f"The decision is not signed by the {agency} office.")
    content = json.loads(decision.signed)
    outcome = _OUTCOMES.get(content.get("outcome", ""))
    if content.get("agency") != agency or outcome is None:
        raise UntrustedDecision("The signed decision does not match what was relayed.")
    if content.get("case_number") != decision.case_number:
        raise UntrustedDecision("The signed decision is for another case.")
    try:
        supplement = (
            SupplementNeed.model_validate(content["supplement"])
            if content.get("supplement")
            else None
        )
    except ValidationError as error:
        raise UntrustedDecision("The signed supplement request is malformed.") from error
    return OfficerDecision(
        decision_id=decision.decision_id,
        agency=decision.agency,
        case_number=content["case_number"],
        outcome=outcome,
        reason=content.get("reason"),
        result=step_result(content.get("procedure", ""), content.get("record")),
        supplement=supplement if outcome == "supplement_requested" else None,
        decided_at=datetime.fromisoformat(content["decided_at"]),
        decided_by=content.get("decided_by"),
        signed=decision.signed,
        signature=decision.signature,
    )
