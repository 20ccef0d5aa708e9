"""One operator reading one declaration in one viewing session is one audit entry.

The Web UI decodes a workflow's payloads in many small requests as the operator scrolls, and the
CLI in one per page of history; the audit trail records the first request of each session that
opens a payload of the declaration. A session is the operator's sign-in at the codec server (the
cookie's session) or, for the CLI and scripts, the bearer token itself. What a decoded payload
belongs to is read from its authenticated labels: the declaration a Nexus request names, or the
declaration's workflow (`declaration-<id>`, as the portal API names it). Payloads of no
declaration (an agency's case workflow, a payload sealed outside any workflow) are recorded as
such, once per workflow, or once when they name none."""

from __future__ import annotations

import hashlib
import time
from dataclasses import dataclass, field

from codec_server.sessions import SESSION_SECONDS
from temporal_connection.encryption_codec import PayloadLabels

# The portal API names a declaration's workflow so (portal_api.declaration_ids.workflow_id_for).
DECLARATION_WORKFLOW_PREFIX = "declaration-"


@dataclass(frozen=True)
class AuditSubject:
    """What a decoded payload is audited as."""

    declaration_id: str | None
    # For a payload of no declaration: the workflow it belongs to, if it names one.
    workflow_id: str | None = None


def subject_of(labels: PayloadLabels) -> AuditSubject:
    if labels.declaration_id:
        return AuditSubject(labels.declaration_id)
    workflow = labels.workflow_id or ""
    declaration = workflow.removeprefix(DECLARATION_WORKFLOW_PREFIX)
    if workflow.startswith(DECLARATION_WORKFLOW_PREFIX) and declaration:
        return AuditSubject(declaration)
    return AuditSubject(None, labels.workflow_id or None)


def viewing_session(credential: str, kind: str) -> str:
    """A session's name in the audit trail: a digest of its cookie or token, never the
    credential itself, so that entries of one session can be told together."""
    return f"{kind}:{hashlib.sha256(credential.encode()).hexdigest()[:16]}"


@dataclass
class DecodeAudit:
    # A session lasts no longer than this (a cookie's session does not; a token might, and is
    # then taken as a new session).
    remember_seconds: float = SESSION_SECONDS
    max_remembered: int = 100_000
    _first_seen: dict[tuple[str, str, AuditSubject], float] = field(default_factory=dict)

    def first_look(self, actor: str, session: str, subject: AuditSubject) -> bool:
        """True when this operator has not been recorded reading this subject in this session."""
        now = time.monotonic()
        key = (actor, session, subject)
        seen = self._first_seen.get(key)
        if seen is not None and now - seen < self.remember_seconds:
            return False
        self._first_seen[key] = now
        if len(self._first_seen) > self.max_remembered:
            self._forget(now)
        return True

    def _forget(self, now: float) -> None:
        # Forgetting a look only ever records it again: the trail gets an entry too many, never
        # one too few.
        current = [
            (key, seen)
            for key, seen in self._first_seen.items()
            if now - seen < self.remember_seconds
        ]
        current.sort(key=lambda entry: entry[1], reverse=True)
        self._first_seen = dict(current[: self.max_remembered // 2])
