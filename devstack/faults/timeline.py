"""What happened during a fault run, and when: printed as it happens and kept for the report."""

from __future__ import annotations

import threading
import time

from pydantic import BaseModel


class TimelineEntry(BaseModel):
    at_seconds: float
    event: str
    detail: str = ""


class Timeline:
    """Seconds are counted from the start of the run, so the report reads as one story."""

    def __init__(self) -> None:
        self._started = time.monotonic()
        self._lock = threading.Lock()
        self.entries: list[TimelineEntry] = []

    def elapsed(self) -> float:
        return time.monotonic() - self._started

    def record(self, event: str, detail: str = "") -> None:
        entry = TimelineEntry(at_seconds=round(self.elapsed(), 1), event=event, detail=detail)
        # Faults run in threads beside the event loop; one lock keeps lines and entries in order.
        with self._lock:
            self.entries.append(entry)
            self.say(entry.event + (f": {entry.detail}" if entry.detail else ""))

    def say(self, message: str) -> None:
        """Progress worth printing but not worth keeping in the report."""
        print(f"[{self.elapsed():7.1f}s] {message}", flush=True)
