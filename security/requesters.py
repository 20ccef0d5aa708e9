"""Who asked for an update, attested by the portal API.

Every update that reaches a declaration (a withdrawal, a supplement's answer) carries the
verified identity of the person who asked and the API's Ed25519 signature over it, the
declaration's workflow, the action and a digest of what the update carries. The workflow acts
only on an update its options' API keys verify: an operator who can encode payloads through
the codec server, or anyone else holding the orchestrator's payload key, still cannot make a
declaration act in a citizen's name. Signing and verifying are pure: the workflow verifies
deterministically."""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from datetime import datetime

from schemas.decisions import Requester
from security.decision_signatures import sign, verify


def digest(content: str) -> str:
    return hashlib.sha256(content.encode()).hexdigest()


def _statement(workflow_id: str, action: str, actor: str, at: datetime, content: str) -> str:
    return "\n".join((workflow_id, action, actor, at.isoformat(), digest(content)))


def attest(
    seed_b64: str,
    key_id: str,
    workflow_id: str,
    action: str,
    actor: str,
    requested_at: datetime,
    content: str,
) -> Requester:
    statement = _statement(workflow_id, action, actor, requested_at, content)
    return Requester(
        actor=actor,
        requested_at=requested_at,
        key_id=key_id,
        signature=sign(seed_b64, statement),
    )


def attested(
    verify_keys: Mapping[str, str],
    workflow_id: str,
    action: str,
    requester: Requester,
    content: str,
) -> bool:
    """True when one of the API's keys, under the key id the requester names, signed this very
    request for this workflow."""
    key = verify_keys.get(requester.key_id)
    if key is None:
        return False
    statement = _statement(workflow_id, action, requester.actor, requester.requested_at, content)
    return verify((key,), statement, requester.signature)
