"""The portal API's word that it filed a declaration: its signature over the declaration's
workflow and ID, a digest of everything the workflow starts from, and the time it signed.

A declaration's workflow acts only on a start input the API attested: anyone else who can reach
the orchestrator's namespace (an operator with the payload key, the CLI) can start a workflow,
but cannot make it contact an agency. The signature binds the workflow ID, so an input copied
from another declaration does not verify under a new ID; and the time, which the workflow holds
against the moment Temporal recorded its start, so an input copied from a declaration that has
ended does not run again under the same ID. Signing and verifying are pure: the workflow could
verify deterministically, though it verifies against the trust store, in an activity."""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from datetime import datetime, timedelta

from schemas.workflow_inputs import StartAttestation
from security.decision_signatures import sign, verify

# How far the attestation's time may be from the moment Temporal recorded the workflow's start.
# The API signs just before it starts the workflow, and signs again when it retries a start.
START_WINDOW = timedelta(minutes=5)


def content_digest(content: str) -> str:
    """The digest an attestation signs: the workflow computes it from its own input, so only the
    digest, never the declaration, travels to the activity that checks it."""
    return hashlib.sha256(content.encode()).hexdigest()


def _statement(workflow_id: str, declaration_id: str, digest: str, at: datetime) -> str:
    return f"start\n{workflow_id}\n{declaration_id}\n{digest}\n{at.isoformat()}"


def attest_start(
    seed_b64: str,
    key_id: str,
    workflow_id: str,
    declaration_id: str,
    content: str,
    attested_at: datetime,
) -> StartAttestation:
    statement = _statement(workflow_id, declaration_id, content_digest(content), attested_at)
    return StartAttestation(
        key_id=key_id, attested_at=attested_at, signature=sign(seed_b64, statement)
    )


def start_problem(
    verify_keys: Mapping[str, str],
    attestation: StartAttestation | None,
    workflow_id: str,
    declaration_id: str,
    digest: str,
    started_at: datetime,
) -> str | None:
    """Why the start is not the API's, as a stable code; None when it is. `verify_keys` are the
    API's trusted, unrevoked public keys by key id."""
    if attestation is None:
        return "start_not_attested"
    key = verify_keys.get(attestation.key_id)
    if key is None:
        return "start_key_untrusted"
    statement = _statement(workflow_id, declaration_id, digest, attestation.attested_at)
    if not verify((key,), statement, attestation.signature):
        return "start_signature_invalid"
    if abs(started_at - attestation.attested_at) > START_WINDOW:
        return "start_attestation_stale"
    return None
