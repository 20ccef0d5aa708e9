"""The agency signs each decision it records, so the orchestrator can tell it came from here."""

from __future__ import annotations

import json

from sandbox.casebook.credentials import AgencyCredentials
from sandbox.casebook.tables import Case
from security import decision_signatures


def sign_decision(case: Case, agency: str, credentials: AgencyCredentials) -> None:
    """Seal the decision just recorded on the case with the agency's current signing key."""
    assert case.decided_at is not None
    content = {
        "agency": agency,
        "case_number": case.case_number,
        "declaration_id": case.declaration_id,
        "procedure": case.procedure,
        "outcome": case.status,
        "reason": case.reason,
        "rejection_code": case.rejection_code,
        "record": json.loads(case.record_json) if case.record_json else None,
        "supplement": json.loads(case.supplement_json) if case.supplement_json else None,
        "decided_at": case.decided_at.isoformat(),
        "decided_by": case.decided_by,
        "key_id": credentials.signing_key_id,
    }
    case.signed_decision = decision_signatures.canonical(content)
    case.decision_signature = decision_signatures.sign(
        credentials.signing_seed, case.signed_decision
    )


def is_signing_seed(seed: str) -> bool:
    try:
        decision_signatures.public_key_b64(seed)
    except ValueError:
        return False
    return True
