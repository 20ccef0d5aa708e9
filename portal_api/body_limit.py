"""Each route's body limit, enforced while the body streams in: a body over its route's limit gets
a 413 and a JSON body nested too deep or too intricate a 422, before either is read into memory
or parsed, and a large body waits for one of a few slots (503 if none frees up). Nothing is read
past the limit."""

from __future__ import annotations

import json
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from starlette.routing import BaseRoute
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from portal_api.json_shape import JsonShapeGuard, ShapeProblem
from portal_api.large_bodies import LARGE_BODY_BYTES, LargeBodySlots
from portal_api.route_match import route_template
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
# A signed document: sent to be verified, or by its agency to be stored on a declaration.
_DOCUMENT_ROUTES = (
    ("POST", "/v1/documents/verify"),
    ("POST", "/v1/declarations/{declaration_id}/documents"),
)


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


class BodySizeLimit:
    def __init__(
        self,
        app: ASGIApp,
        routes: Sequence[BaseRoute],
        limits: BodyLimits,
        large_slots: LargeBodySlots | None = None,
    ) -> None:
        self.app = app
        # The application's own route list: routes included after this middleware is added
        # are matched too.
        self.routes = routes
        self.limits = limits
        self.large_slots = large_slots or LargeBodySlots(limits.large_body_slots)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        limit = self.limits.for_request(scope["method"], route_template(self.routes, scope))
        declared = dict(scope.get("headers") or []).get(b"content-length")
        length = int(declared) if declared is not None and declared.isdigit() else None
        if length is not None and length > limit:
            await _refuse(send, _too_large(limit))
            return
        guard = JsonShapeGuard() if _parsed_as_json(scope) else None
        holding = False
        seen = 0
        refused = False

        async def counting_receive() -> Message:
            nonlocal seen, refused, holding
            if refused:
                return {"type": "http.disconnect"}
            message = await receive()
            if message["type"] != "http.request":
                return message
            chunk: bytes = message.get("body", b"")
            seen += len(chunk)
            refusal = _too_large(limit) if seen > limit else None
            if refusal is None and not holding and seen > LARGE_BODY_BYTES:
                # A body streamed without a declared length turns large here.
                holding = await self.large_slots.acquire()
                refusal = None if holding else _BUSY
            if refusal is None and guard is not None:
                problem = guard.feed(chunk)
                refusal = _SHAPE_REFUSALS[problem] if problem is not None else None
            if refusal is not None:
                # Answer now; the application sees the client gone and stops reading.
                refused = True
                await _refuse(send, refusal)
                return {"type": "http.disconnect"}
            return message

        async def guarded_send(message: Message) -> None:
            if not refused:
                await send(message)

        try:
            if length is not None and length > LARGE_BODY_BYTES:
                holding = await self.large_slots.acquire()
                if not holding:
                    await _refuse(send, _BUSY)
                    return
            await self.app(scope, counting_receive, guarded_send)
        except Exception:
            if not refused:
                raise
        finally:
            if holding:
                self.large_slots.release()


async def _refuse(send: Send, refusal: _Refusal) -> None:
    await send(
        {
            "type": "http.response.start",
            "status": refusal.status,
            "headers": [
                (b"content-type", b"application/json"),
                (b"content-length", str(len(refusal.body)).encode()),
            ],
        }
    )
    await send({"type": "http.response.body", "body": refusal.body})
