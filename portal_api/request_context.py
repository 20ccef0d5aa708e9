"""Each request starts with a clean log context carrying its own request ID."""

from __future__ import annotations

import secrets
from collections.abc import Awaitable, Callable

from fastapi import FastAPI, Request, Response

from observability.logging import bind_boundary_context, get_logger

log = get_logger("portal_api.requests")


def install_request_context(app: FastAPI) -> None:
    @app.middleware("http")
    async def bind_request(
        request: Request, call_next: Callable[[Request], Awaitable[Response]]
    ) -> Response:
        request_id = request.headers.get("X-Request-Id") or secrets.token_hex(8)
        bind_boundary_context(request_id=request_id, method=request.method, route=request.url.path)
        response = await call_next(request)
        response.headers["X-Request-Id"] = request_id
        log.info("request_handled", status_code=response.status_code)
        return response
