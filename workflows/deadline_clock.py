"""One timer for every deadline a declaration watches (the group's, each case's reminder and
escalation, the post's delivery): armed for the earliest, and armed again only when an earlier
one is set. A deadline that no longer matters (its step was decided) is simply forgotten: its
timer, if it was the armed one, fires into nothing and the clock arms the next. Each timer is
two events in the declaration's history, so a timer per case, started and cancelled round after
round, cost more than everything else the declaration waits for."""

from __future__ import annotations

import asyncio
from datetime import datetime

from temporalio import workflow


class DeadlineClock:
    def __init__(self) -> None:
        self._due: dict[str, datetime] = {}
        self._passed: set[str] = set()
        self._armed_for: datetime | None = None
        self._timer: asyncio.Task[None] | None = None

    def set(self, key: str, at: datetime) -> None:
        """Watch for `at` under `key`, in place of whatever `key` was set to before."""
        self._due[key] = at
        self._passed.discard(key)

    def forget(self, key: str) -> None:
        self._due.pop(key, None)
        self._passed.discard(key)

    def passed(self, key: str) -> bool:
        """Whether the deadline set under `key` has come."""
        return key in self._passed

    async def run(self) -> None:
        """Mark each deadline as it comes. Runs for the life of the workflow and is never
        awaited: the workflow ends with the last timer still armed, which costs no event."""
        while True:
            now = workflow.now()
            for key, at in list(self._due.items()):
                if at <= now:
                    del self._due[key]
                    self._passed.add(key)
            if not self._due:
                await workflow.wait_condition(lambda: bool(self._due))
                continue
            earliest = min(self._due.values())
            if self._timer is None or self._armed_for is None or earliest < self._armed_for:
                if self._timer is not None:
                    self._timer.cancel()
                self._timer = asyncio.create_task(asyncio.sleep((earliest - now).total_seconds()))
                self._armed_for = earliest
            await workflow.wait_condition(self._rang_or_earlier)
            if self._timer.done():
                self._timer, self._armed_for = None, None

    def _rang_or_earlier(self) -> bool:
        """The armed timer has fired, or a deadline earlier than it has been set."""
        assert self._timer is not None
        assert self._armed_for is not None
        earliest = min(self._due.values(), default=self._armed_for)
        return self._timer.done() or earliest < self._armed_for
