"""Only a few large bodies are held at once: a request past 1 MiB waits for a slot, and is
answered 503 if none frees up in time. Driven through the middleware directly, without a server."""

from __future__ import annotations

import asyncio

from starlette.types import Message, Receive, Scope, Send

from portal_api.body_limits import BodyLimits, BodySizeLimit
from portal_api.large_body_slots import LARGE_BODY_BYTES, LargeBodySlots

BODY = b'"' + b"A" * (LARGE_BODY_BYTES + 10) + b'"'


class HoldingApp:
    """Reads the whole body, then holds it until told to answer."""

    def __init__(self) -> None:
        self.answer = asyncio.Event()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        more = True
        while more:
            message = await receive()
            if message["type"] == "http.disconnect":
                return
            more = message.get("more_body", False)
        await self.answer.wait()
        await send({"type": "http.response.start", "status": 200, "headers": []})
        await send({"type": "http.response.body", "body": b""})


async def post(middleware: BodySizeLimit, declared: bool) -> int:
    headers = [(b"content-length", str(len(BODY)).encode())] if declared else []
    scope: Scope = {"type": "http", "method": "POST", "path": "/", "headers": headers}
    chunks = [BODY[at : at + 65536] for at in range(0, len(BODY), 65536)]
    sent: list[Message] = []

    async def receive() -> Message:
        if chunks:
            chunk = chunks.pop(0)
            return {"type": "http.request", "body": chunk, "more_body": bool(chunks)}
        await asyncio.Event().wait()
        raise AssertionError("unreachable")

    async def send(message: Message) -> None:
        sent.append(message)

    await middleware(scope, receive, send)
    return int(next(m["status"] for m in sent if m["type"] == "http.response.start"))


async def test_a_large_body_waits_for_a_slot_then_is_refused() -> None:
    app = HoldingApp()
    middleware = BodySizeLimit(
        app,
        routes=[],
        limits=BodyLimits(by_route={}, default=4 * LARGE_BODY_BYTES),
        large_slots=LargeBodySlots(1, wait_seconds=0.3),
    )
    for declared in (True, False):
        first = asyncio.create_task(post(middleware, declared))
        await asyncio.sleep(0.1)
        # The only slot is held: the second is refused once the wait is over.
        assert await post(middleware, declared) == 503
        app.answer.set()
        assert await first == 200
        # The slot is free again.
        assert await post(middleware, declared) == 200
        app.answer.clear()
