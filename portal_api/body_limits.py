"""Each route's body limit, enforced while the body streams in: a body over its route's limit gets
a 413 and a JSON body nested too deep or too intricate a 422, before either is read into memory
or parsed, and a large body waits for one of a few slots (503 if none frees up). Nothing is read
past the limit. A document sent to be verified, by anyone, is admitted apart from the rest
(portal_api.verification_admission) and must arrive in full in time (408)."""

from __future__ import annotations

import asyncio
import json
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from starlette.routing import BaseRoute
from starlette.types import ASGIApp, Receive, Scope, Send
from starlette.types import Message as ASGIMessage

from messages import Message, negotiate_language
from portal_api.json_shape import JsonShapeGuard, ShapeProblem
from portal_api.large_body_slots import LARGE_BODY_BYTES, LargeBodySlots
from portal_api.route_match import route_template
from portal_api.verification_admission import NotAdmitted, VerificationAdmission, client_key
from settings import Settings

# Around each attachment's content: its kind, media type, hash and a filename of up to 255
# characters, each of which may arrive as a 12-byte escaped surrogate pair.
_ATTACHMENT_FIELDS_BYTES = 4 * 1024
# The declaration around its attachments: people, addresses, up to ten beneficiaries.
_DECLARATION_FIELDS_BYTES = 64 * 1024

_DECLARATION_ROUTES = (
    ("POST", "/v1/declarations/birth"),
    ("POST", "/v1/declarations/death"),
    ("POST", "/v1/declarations/{declaration_id}/supplement"),
)
_WITHDRAW_ROUTE = ("POST", "/v1/declarations/{declaration_id}/withdraw")
# A signed document: sent to be verified, by anyone, or by its agency to be stored on a
# declaration.
_VERIFY_ROUTE = ("POST", "/v1/documents/verify")
_DOCUMENT_ROUTES = (_VERIFY_ROUTE, ("POST", "/v1/declarations/{declaration_id}/documents"))


def declaration_body_bytes(settings: Settings) -> int:
    """The largest declaration the attachment limits allow, base64 and all, never above
    `max_request_bytes`."""
    base64_bytes = 4 * math.ceil(settings.attachment_max_bytes / 3)
    per_attachment = base64_bytes + _ATTACHMENT_FIELDS_BYTES
    largest = settings.max_attachments * per_attachment + _DECLARATION_FIELDS_BYTES
    return min(largest, settings.max_request_bytes)


@dataclass(frozen=True)
class BodyLimits:
    """Bytes allowed by (method, route template); `default` for every other request, including
    those matching no route."""

    by_route: Mapping[tuple[str, str], int]
    default: int
    # How many requests may hold a body over LARGE_BODY_BYTES at once.
    large_body_slots: int = 2
    # The verify route's own places, how many one client may hold, and how long a body has to
    # arrive once it holds one (portal_api.verification_admission).
    verification_places: int = 4
    verifications_per_client: int = 2
    verify_body_seconds: float = 30.0

    def for_request(self, method: str, template: str | None) -> int:
        if template is None:
            return self.default
        return self.by_route.get((method, template), self.default)

    @classmethod
    def from_settings(cls, settings: Settings) -> BodyLimits:
        declaration = declaration_body_bytes(settings)
        by_route = dict.fromkeys(_DECLARATION_ROUTES, declaration)
        by_route[_WITHDRAW_ROUTE] = min(
            settings.max_withdraw_request_bytes, settings.max_request_bytes
        )
        for route in _DOCUMENT_ROUTES:
            by_route[route] = min(settings.max_document_verify_bytes, settings.max_request_bytes)
        return cls(
            by_route=by_route,
            default=min(settings.max_other_request_bytes, settings.max_request_bytes),
            large_body_slots=settings.max_concurrent_large_requests,
            verification_places=settings.max_concurrent_document_verifications,
            verifications_per_client=settings.document_verifications_per_client,
            verify_body_seconds=settings.document_verify_body_seconds,
        )


def _parsed_as_json(scope: Scope) -> bool:
    """Whether FastAPI will parse the body as JSON: no content type, or a JSON one."""
    content_type: bytes | None = dict(scope.get("headers") or []).get(b"content-type")
    if not content_type:
        return True
    media = content_type.split(b";", 1)[0].strip().lower()
    return media == b"application/json" or (
        media.startswith(b"application/") and media.endswith(b"+json")
    )


@dataclass(frozen=True)
class _Refusal:
    status: int
    body: bytes
    headers: tuple[tuple[bytes, bytes], ...] = ()


def _problem(status: int, kind: str, msg: str) -> _Refusal:
    body = json.dumps({"detail": [{"loc": ["body"], "msg": msg, "type": kind}]}).encode()
    return _Refusal(status, body)


def _too_large(limit: int) -> _Refusal:
    if limit >= 1024 * 1024:
        msg = f"The request is larger than {limit // (1024 * 1024)} MB; send smaller attachments."
    else:
        msg = f"The request is larger than {max(limit // 1024, 1)} KB."
    return _problem(413, "request_too_large", msg)


_BUSY = _problem(
    503,
    "busy",
    "The service is receiving other large declarations; send this one again in a minute.",
)
_SHAPE_REFUSALS: dict[ShapeProblem, _Refusal] = {
    ShapeProblem.TOO_DEEP: _problem(
        422, ShapeProblem.TOO_DEEP.value, "The request body nests too deeply to be a declaration."
    ),
    ShapeProblem.TOO_MANY_TOKENS: _problem(
        422,
        ShapeProblem.TOO_MANY_TOKENS.value,
        "The request body holds far more fields than a declaration.",
    ),
}


def _refusal_in_words(status: int, kind: str, message: Message, scope: Scope) -> _Refusal:
    """A refusal in the language the request asks for."""
    header: bytes | None = dict(scope.get("headers") or []).get(b"accept-language")
    language = negotiate_language(header.decode("latin-1") if header else None)
    refusal = _problem(status, kind, message.text(language))
    headers: tuple[tuple[bytes, bytes], ...] = ((b"content-language", language.encode()),)
    if status in (429, 503):
        headers += ((b"retry-after", b"60"),)
    if status == 408:
        # The rest of the body would trickle in for nothing: the server hangs up once it has
        # answered.
        headers += ((b"connection", b"close"),)
    return _Refusal(refusal.status, refusal.body, headers)


def _not_admitted(refusal: NotAdmitted, per_client: int, scope: Scope) -> _Refusal:
    if refusal is NotAdmitted.CLIENT_BUSY:
        message = Message.of("document_check.per_client", count=per_client)
        return _refusal_in_words(429, refusal.value, message, scope)
    return _refusal_in_words(503, refusal.value, Message.of("document_check.busy"), scope)


class _Body:
    """One request's body as the application reads it: counted against its limit, its JSON
    shape watched, past 1 MiB holding a large-body slot (when `large_slots` is given), and due in
    full by `deadline` (loop time, when given); refused on the spot when it breaks any of these.
    """

    def __init__(
        self,
        scope: Scope,
        receive: Receive,
        send: Send,
        limit: int,
        large_slots: LargeBodySlots | None,
    ) -> None:
        self.scope = scope
        self._receive = receive
        self._send = send
        self.limit = limit
        self.large_slots = large_slots
        self.guard = JsonShapeGuard() if _parsed_as_json(scope) else None
        self.deadline: float | None = None
        self.deadline_seconds = 0.0
        self.holding = False
        self.refused = False
        self.complete = False
        self.seen = 0

    async def refuse(self, refusal: _Refusal) -> None:
        # Answer now; the application sees the client gone and stops reading.
        self.refused = True
        await _refuse(self._send, refusal)

    async def _next(self) -> ASGIMessage | None:
        """The next message, or None once the deadline has passed before the body is whole."""
        if self.deadline is None or self.complete:
            return await self._receive()
        remaining = self.deadline - asyncio.get_running_loop().time()
        try:
            return await asyncio.wait_for(self._receive(), max(remaining, 0.0))
        except TimeoutError:
            return None

    async def receive(self) -> ASGIMessage:
        if self.refused:
            return {"type": "http.disconnect"}
        message = await self._next()
        if message is None:
            seconds = round(self.deadline_seconds)
            too_slow = Message.of("document_check.body_too_slow", seconds=seconds)
            await self.refuse(_refusal_in_words(408, "body_too_slow", too_slow, self.scope))
            return {"type": "http.disconnect"}
        if message["type"] != "http.request":
            return message
        self.complete = not message.get("more_body", False)
        chunk: bytes = message.get("body", b"")
        self.seen += len(chunk)
        refusal = _too_large(self.limit) if self.seen > self.limit else None
        if (
            refusal is None
            and self.large_slots is not None
            and not self.holding
            and self.seen > LARGE_BODY_BYTES
        ):
            # A body streamed without a declared length turns large here.
            self.holding = await self.large_slots.acquire()
            refusal = None if self.holding else _BUSY
        if refusal is None and self.guard is not None:
            problem = self.guard.feed(chunk)
            refusal = _SHAPE_REFUSALS[problem] if problem is not None else None
        if refusal is not None:
            await self.refuse(refusal)
            return {"type": "http.disconnect"}
        return message

    async def send(self, message: ASGIMessage) -> None:
        if not self.refused:
            await self._send(message)

    async def run(self, app: ASGIApp) -> None:
        try:
            await app(self.scope, self.receive, self.send)
        except Exception:
            if not self.refused:
                raise
        finally:
            if self.holding and self.large_slots is not None:
                self.large_slots.release()


class BodySizeLimit:
    def __init__(
        self,
        app: ASGIApp,
        routes: Sequence[BaseRoute],
        limits: BodyLimits,
        large_slots: LargeBodySlots | None = None,
        verifications: VerificationAdmission | None = None,
    ) -> None:
        self.app = app
        # The application's own route list: routes included after this middleware is added
        # are matched too.
        self.routes = routes
        self.limits = limits
        self.large_slots = large_slots or LargeBodySlots(limits.large_body_slots)
        self.verifications = verifications or VerificationAdmission(
            limits.verification_places, limits.verifications_per_client
        )

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        route = (scope["method"], route_template(self.routes, scope))
        limit = self.limits.for_request(*route)
        declared = dict(scope.get("headers") or []).get(b"content-length")
        length = int(declared) if declared is not None and declared.isdigit() else None
        if length is not None and length > limit:
            await _refuse(send, _too_large(limit))
            return
        if route == _VERIFY_ROUTE:
            await self._verification(scope, receive, send, limit)
            return
        body = _Body(scope, receive, send, limit, self.large_slots)
        if length is not None and length > LARGE_BODY_BYTES:
            body.holding = await self.large_slots.acquire()
            if not body.holding:
                await _refuse(send, _BUSY)
                return
        await body.run(self.app)

    async def _verification(self, scope: Scope, receive: Receive, send: Send, limit: int) -> None:
        """A document sent to be verified: admitted for its client, holding one of the verify
        route's places (never a declaration's slot) until it is answered, and due in full
        within the deadline from when it holds its place."""
        admission = self.verifications.admit(client_key(scope.get("client")))
        if isinstance(admission, NotAdmitted):
            await _refuse(send, _not_admitted(admission, self.verifications.per_client, scope))
            return
        try:
            if not await admission.place():
                await _refuse(send, _not_admitted(NotAdmitted.BUSY, 0, scope))
                return
            body = _Body(scope, receive, send, limit, large_slots=None)
            body.deadline_seconds = self.limits.verify_body_seconds
            body.deadline = asyncio.get_running_loop().time() + body.deadline_seconds
            await body.run(self.app)
        finally:
            admission.leave()


async def _refuse(send: Send, refusal: _Refusal) -> None:
    await send(
        {
            "type": "http.response.start",
            "status": refusal.status,
            "headers": [
                (b"content-type", b"application/json"),
                (b"content-length", str(len(refusal.body)).encode()),
                *refusal.headers,
            ],
        }
    )
    await send({"type": "http.response.body", "body": refusal.body})
