"""Legal time limits as a workflow sees them: real working days, or working days scaled down to
seconds when a test or a demo cannot wait for real ones."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from legal_deadlines.working_calendar import deadline_after

# A reminder goes to the agency when this share of its time limit has passed.
REMINDER_AT_SHARE = 0.8


@dataclass(frozen=True)
class LegalClock:
    working_day_seconds: float | None = None

    def deadline(self, start: datetime, working_days: int) -> datetime:
        if self.working_day_seconds is not None:
            return start + timedelta(seconds=working_days * self.working_day_seconds)
        return deadline_after(start, working_days)

    def step_deadline(
        self, start: datetime, working_days: int, group_deadline: datetime
    ) -> datetime:
        """A step's own limit from `start`, but never after its group's deadline: the law's
        limit is the whole group's, and a step started late in it has only what is left."""
        return min(self.deadline(start, working_days), group_deadline)

    def reminder_time(self, start: datetime, deadline: datetime) -> datetime | None:
        """Before the deadline, at the share of the time between `start` and it; None when no
        time is left, so no reminder is due, only the escalation."""
        if deadline <= start:
            return None
        return start + (deadline - start) * REMINDER_AT_SHARE
