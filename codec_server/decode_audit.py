"""One operator viewing one workflow is one audit entry. The Web UI decodes a workflow's
payloads in many small requests as the operator scrolls; the audit trail records the first of
them, and again only after a quiet spell."""

from __future__ import annotations

import time
from dataclasses import dataclass, field

QUIET_SECONDS = 15 * 60


@dataclass
class DecodeAudit:
    quiet_seconds: float = QUIET_SECONDS
    _last: dict[tuple[str, str], float] = field(default_factory=dict)

    def first_look(self, actor: str, workflow_id: str) -> bool:
        """True when this operator has not been recorded viewing this workflow lately."""
        now = time.monotonic()
        key = (actor, workflow_id)
        seen = self._last.get(key)
        self._last[key] = now
        if len(self._last) > 10_000:
            self._last = {k: t for k, t in self._last.items() if now - t < self.quiet_seconds}
        return seen is None or now - seen >= self.quiet_seconds
