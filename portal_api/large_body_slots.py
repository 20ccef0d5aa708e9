"""How many large bodies the API holds at once. FastAPI keeps a body whole while it parses it, at
about three times its size (the chunks, the joined bytes, the decoded text, the parsed values),
so a few declarations near their limit at once would multiply that. Past `LARGE_BODY_BYTES` a
request needs one of a few slots before it reads on: while it waits the server reads no more of
its socket, and if no slot frees up in time it is answered 503."""

from __future__ import annotations

import asyncio

# Far above any declaration without attachments, far below one with a few scans.
LARGE_BODY_BYTES = 1024 * 1024
WAIT_SECONDS = 30.0


class LargeBodySlots:
    def __init__(self, slots: int, wait_seconds: float = WAIT_SECONDS) -> None:
        self._slots = asyncio.Semaphore(slots)
        self.wait_seconds = wait_seconds

    async def acquire(self) -> bool:
        """Whether a slot was taken within the wait; the caller releases it when done."""
        try:
            await asyncio.wait_for(self._slots.acquire(), self.wait_seconds)
        except TimeoutError:
            return False
        return True

    def release(self) -> None:
        self._slots.release()
