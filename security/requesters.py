"""Who asked for an update, attested by the portal API.

Every update that reaches a declaration (a withdrawal, a supplement's answer) carries the
verified identity of the person who asked and the API's Ed25519 signature over it, the
declaration's workflow, the action, a digest of what the update carries, a single-use nonce,
an expiry, and what it answers (the open supplement requests, by ID). The workflow acts only on
an update that a key of the API's it trusts verifies, whose nonce it has not seen, before its
expiry, answering what is still open: an operator who can encode payloads through the codec
server, or anyone who copies an update's bytes from a history and sends them again, cannot make
a declaration act. Signing and verifying are pure: the workflow verifies deterministically."""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Collection, Mapping, Sequence
from datetime import datetime, timedelta

from schemas.decisions import Requester
from security.decision_signatures import sign, verify

# How long an attested update may take to reach its workflow.
UPDATE_LIFETIME = timedelta(minutes=5)


def digest(content: str) -> str:
    return hashlib.sha256(content.encode()).hexdigest()


def _statement(workflow_id: str, action: str, requester: Requester, content: str) -> str:
    return "\n".join(
        (
            workflow_id,
            action,
            requester.actor,
            requester.requested_at.isoformat(),
            requester.expires_at.isoformat(),
            requester.nonce,
            ",".join(requester.answers),
            digest(content),
        )
    )


def attest(
    seed_b64: str,
    key_id: str,
    workflow_id: str,
    action: str,
    actor: str,
    requested_at: datetime,
    content: str,
    answers: Sequence[str] = (),
) -> Requester:
    unsigned = Requester(
        actor=actor,
        requested_at=requested_at,
        expires_at=requested_at + UPDATE_LIFETIME,
        nonce=secrets.token_hex(16),
        answers=sorted(answers),
        key_id=key_id,
        signature="",
    )
    signature = sign(seed_b64, _statement(workflow_id, action, unsigned, content))
    return unsigned.model_copy(update={"signature": signature})


def refusal(
    verify_keys: Mapping[str, str],
    workflow_id: str,
    action: str,
    requester: Requester,
    content: str,
    *,
    now: datetime,
    nonces_seen: Collection[str],
    open_requests: Collection[str] = (),
) -> str | None:
    """Why the update is not to be acted on, as a stable code; None when one of the API's keys,
    under the key id the requester names, signed this very request for this workflow, and it is
    fresh and answers what is open."""
    key = verify_keys.get(requester.key_id)
    if key is None:
        return "update_key_untrusted"
    if not verify((key,), _statement(workflow_id, action, requester, content), requester.signature):
        return "update_signature_invalid"
    if requester.nonce in nonces_seen:
        return "update_replayed"
    if now > requester.expires_at:
        return "update_expired"
    # The portal names every request its status shows open; the step that asked may still show
    # one the citizen answered while the registry checks the answer. One still open suffices:
    # an answer copied from an earlier round names only requests closed since.
    if requester.answers and not any(r in open_requests for r in requester.answers):
        return "update_answers_closed_request"
    return None
