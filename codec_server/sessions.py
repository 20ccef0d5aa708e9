"""Operators' browser sessions at the codec server. The cookie holds an opaque, random session
id, never the bearer token: a leaked cookie cannot be replayed against the portal API, and it
dies with the session. Sessions live in this process; run one codec server per party, or pin a
browser to one instance."""

from __future__ import annotations

import secrets
import time
from dataclasses import dataclass, field

from security.principals import Principal

SESSION_SECONDS = 8 * 3600


@dataclass
class OperatorSessions:
    lifetime_seconds: float = SESSION_SECONDS
    _sessions: dict[str, tuple[Principal, float]] = field(default_factory=dict)

    def open(self, principal: Principal) -> str:
        self._forget_expired()
        session_id = secrets.token_urlsafe(32)
        self._sessions[session_id] = (principal, time.monotonic() + self.lifetime_seconds)
        return session_id

    def principal(self, session_id: str) -> Principal | None:
        found = self._sessions.get(session_id)
        if found is None or found[1] < time.monotonic():
            self._sessions.pop(session_id, None)
            return None
        return found[0]

    def _forget_expired(self) -> None:
        now = time.monotonic()
        for session_id in [s for s, (_, until) in self._sessions.items() if until < now]:
            del self._sessions[session_id]
