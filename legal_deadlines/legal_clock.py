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

    def reminder_time(self, start: datetime, deadline: datetime) -> datetime:
        return start + (deadline - start) * REMINDER_AT_SHARE
