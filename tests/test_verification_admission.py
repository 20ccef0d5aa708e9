"""Documents sent to be verified are admitted apart from declarations: slow ones never hold a
declaration's large-body slot, one client holds at most its share of the verify route's places,
and a body that does not arrive in time is cut off with 408. Driven through the middleware, on
the application's own routes and limits, without a server."""

from __future__ import annotations

import asyncio
import json
import time
from dataclasses import dataclass, field, replace

from starlette.types import Message, Receive, Scope, Send

from messages import Message as Words
from portal_api.app import create_app
from portal_api.body_limits import BodyLimits, BodySizeLimit
from portal_api.large_body_slots import LARGE_BODY_BYTES, LargeBodySlots
from portal_api.verification_admission import VerificationAdmission
from settings import Settings

SETTINGS = Settings()
ROUTES = create_app(SETTINGS).router.routes
LIMITS = BodyLimits.from_settings(SETTINGS)
VERIFY = "/v1/documents/verify"
KIB = 1024


class ReadingApp:
    """Reads each body whole, then answers 200, or holds its answer while `hold` is clear."""

    def __init__(self) -> None:
        self.hold = asyncio.Event()
        self.hold.set()
        self.reading = 0

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        self.reading += 1
        try:
            more = True
            while more:
                message = await receive()
                if message["type"] == "http.disconnect":
                    return
                more = message.get("more_body", False)
            await self.hold.wait()
        finally:
            self.reading -= 1
        await send({"type": "http.response.start", "status": 200, "headers": []})
        await send({"type": "http.response.body", "body": b""})


@dataclass
class Answer:
    status: int
    headers: dict[bytes, bytes]
    body: dict[str, list[dict[str, str]]]
    # Seconds from the first byte sent to the answer.
    seconds: float
    sent: int = field(default=0)

    @property
    def type(self) -> str:
        return self.body["detail"][0]["type"]


async def post(
    middleware: BodySizeLimit,
    path: str,
    size: int,
    *,
    client: str = "203.0.113.1",
    chunk: int = 64 * KIB,
    every: float = 0.0,
    language: str | None = None,
) -> Answer:
    """`size` bytes to `path` from `client`, `chunk` bytes at a time every `every` seconds,
    the length declared."""
    headers = [(b"content-length", str(size).encode()), (b"content-type", b"application/pdf")]
    if language:
        headers.append((b"accept-language", language.encode()))
    scope: Scope = {
        "type": "http",
        "method": "POST",
        "path": path,
        "headers": headers,
        "client": (client, 50000),
    }
    left = size
    sent: list[Message] = []
    answered = asyncio.Event()

    async def receive() -> Message:
        nonlocal left
        if left > 0 and not answered.is_set():
            await asyncio.sleep(every)
            piece = min(chunk, left)
            left -= piece
            return {"type": "http.request", "body": b"%" * piece, "more_body": left > 0}
        await answered.wait()
        return {"type": "http.disconnect"}

    async def send(message: Message) -> None:
        sent.append(message)
        if message["type"] == "http.response.body":
            answered.set()

    started = time.monotonic()
    await middleware(scope, receive, send)
    seconds = time.monotonic() - started
    start = next(m for m in sent if m["type"] == "http.response.start")
    body = b"".join(m.get("body", b"") for m in sent if m["type"] == "http.response.body")
    return Answer(
        int(start["status"]),
        dict(start["headers"]),
        json.loads(body) if body else {},
        seconds,
        size - left,
    )


def middleware(app: ReadingApp, limits: BodyLimits = LIMITS, **admission: float) -> BodySizeLimit:
    """The middleware on the application's routes; declarations wait half a second for a
    large-body slot, so that one taken shows at once."""
    places = VerificationAdmission(
        limits.verification_places, limits.verifications_per_client, **admission
    )
    return BodySizeLimit(
        app,
        routes=ROUTES,
        limits=limits,
        large_slots=LargeBodySlots(limits.large_body_slots, wait_seconds=0.5),
        verifications=places,
    )


async def test_slow_documents_do_not_keep_a_large_declaration_waiting() -> None:
    # The attack: two unauthenticated 1.5 MB bodies to the verify route at 10 KB/s, which used
    # to hold both large-body slots for two and a half minutes.
    limits = replace(LIMITS, verify_body_seconds=2.0)
    app = ReadingApp()
    guarded = middleware(app, limits)
    slow = [
        asyncio.create_task(
            post(guarded, VERIFY, 1_500_000, client=f"203.0.113.{n}", chunk=KIB, every=0.1)
        )
        for n in (1, 2)
    ]
    await asyncio.sleep(0.3)
    assert app.reading == 2
    # A declaration of 1.2 MiB, which needs a large-body slot, is read at once.
    declaration = await post(guarded, "/v1/declarations/birth", int(1.2 * 1024 * KIB))
    assert declaration.status == 200
    assert declaration.sent > LARGE_BODY_BYTES and declaration.seconds < 0.5
    assert not any(task.done() for task in slow)
    # The slow ones are cut off once their two seconds are up, having sent about 20 KB.
    for answer in await asyncio.gather(*slow):
        assert (answer.status, answer.type) == (408, "body_too_slow")
        assert answer.headers[b"connection"] == b"close"
        assert 1.9 < answer.seconds < 4 and answer.sent < 40 * KIB
        assert answer.body["detail"][0]["msg"] == Words.of(
            "document_check.body_too_slow", seconds=2
        ).text("vi")
    assert guarded.verifications.clients == 0


async def test_a_body_in_time_is_checked_and_the_deadline_counts_from_its_place() -> None:
    limits = replace(LIMITS, verify_body_seconds=1.0, verification_places=1)
    app = ReadingApp()
    guarded = middleware(app, limits)
    # 64 KiB in 0.6 s of a 1 s deadline: in time.
    answer = await post(guarded, VERIFY, 64 * KIB, chunk=8 * KIB, every=0.075)
    assert answer.status == 200 and answer.seconds > 0.5
    # Waiting 0.8 s for the only place does not eat into the next body's second.
    app.hold.clear()
    holder = asyncio.create_task(post(guarded, VERIFY, KIB, client="203.0.113.7"))
    await asyncio.sleep(0.1)
    waiter = asyncio.create_task(post(guarded, VERIFY, 64 * KIB, chunk=8 * KIB, every=0.075))
    await asyncio.sleep(0.8)
    app.hold.set()
    assert (await holder).status == 200
    assert (await waiter).status == 200


async def test_one_client_holds_at_most_its_share_of_places() -> None:
    app = ReadingApp()
    app.hold.clear()
    guarded = middleware(app)
    assert LIMITS.verifications_per_client == 2 < LIMITS.verification_places
    held = [asyncio.create_task(post(guarded, VERIFY, KIB)) for _ in range(2)]
    await asyncio.sleep(0.1)
    # A third from the same address is refused at once, in the language asked for.
    third = await post(guarded, VERIFY, KIB, language="en")
    assert (third.status, third.type) == (429, "verifications_per_client")
    assert third.headers[b"retry-after"] == b"60"
    assert third.headers[b"content-language"] == b"en"
    expected = Words.of("document_check.per_client", count=2).text("en")
    assert third.body["detail"][0]["msg"] == expected
    # Another client is admitted meanwhile, and an IPv6 client is counted by its /64.
    other = asyncio.create_task(post(guarded, VERIFY, KIB, client="198.51.100.9"))
    v6 = [
        asyncio.create_task(post(guarded, VERIFY, KIB, client=f"2001:db8:1:2::{n}")) for n in (1, 2)
    ]
    await asyncio.sleep(0.1)
    assert (await post(guarded, VERIFY, KIB, client="2001:db8:1:2:ffff::3")).status == 429
    assert guarded.verifications.clients == 3
    app.hold.set()
    assert [a.status for a in await asyncio.gather(*held, other, *v6)] == [200] * 5
    # Done, the client may send again, and nobody is remembered.
    assert (await post(guarded, VERIFY, KIB)).status == 200
    assert guarded.verifications.clients == 0


async def test_the_places_are_bounded_and_a_flood_waits_then_is_refused() -> None:
    app = ReadingApp()
    app.hold.clear()
    limits = replace(LIMITS, verification_places=1, verifications_per_client=5)
    guarded = middleware(app, limits, wait_seconds=0.3)
    holder = asyncio.create_task(post(guarded, VERIFY, KIB))
    await asyncio.sleep(0.05)
    waiter = asyncio.create_task(post(guarded, VERIFY, KIB, client="203.0.113.2"))
    await asyncio.sleep(0.05)
    # As many wait as hold places: the next is refused at once, the waiter once its wait is up.
    flood = await post(guarded, VERIFY, KIB, client="203.0.113.3")
    assert (flood.status, flood.type) == (503, "verifications_busy") and flood.seconds < 0.1
    waited = await waiter
    assert (waited.status, waited.type) == (503, "verifications_busy")
    assert waited.seconds > 0.25
    app.hold.set()
    assert (await holder).status == 200
    assert (await post(guarded, VERIFY, KIB, client="203.0.113.3")).status == 200
    assert guarded.verifications.clients == 0
