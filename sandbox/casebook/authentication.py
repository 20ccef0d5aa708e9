"""Who the agency answers: its own adapter (service key) and its own officers (officer key); no
one else, another agency included."""

from __future__ import annotations

import hmac
from collections.abc import Awaitable, Callable

from fastapi import FastAPI, Request, Response
from fastapi.responses import JSONResponse

from sandbox.casebook.credentials import AgencyCredentials


def install_authentication(app: FastAPI, agency: str, credentials: AgencyCredentials) -> None:
    @app.middleware("http")
    async def authenticate(
        request: Request, call_next: Callable[[Request], Awaitable[Response]]
    ) -> Response:
        path = request.url.path
        if not path.startswith(("/v1/", "/sandbox/")):
            return await call_next(request)
        officer_area = path.startswith(("/v1/officer/", "/sandbox/"))
        expected = credentials.officer_key if officer_area else credentials.service_key
        presented = request.headers.get("Authorization", "").removeprefix("Bearer ").strip()
        if not presented:
            return _refusal(401, f"Authenticate as the {agency} office.")
        if hmac.compare_digest(presented, expected):
            return await call_next(request)
        other = credentials.service_key if officer_area else credentials.officer_key
        if hmac.compare_digest(presented, other):
            return _refusal(403, "This credential does not allow that here.")
        return _refusal(401, "Unknown credential.")


def _refusal(status_code: int, detail: str) -> JSONResponse:
    headers = {"WWW-Authenticate": "Bearer"} if status_code == 401 else None
    return JSONResponse(status_code=status_code, content={"detail": detail}, headers=headers)
