"""The agency's refusals as its HTTP API states them."""

from __future__ import annotations

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse

from sandbox.casebook.errors import (
    CannotApprove,
    CaseError,
    CaseNotPending,
    IdempotencyKeyReused,
    NoSuchCase,
    NoSuchDecision,
)

STATUS_CODES: dict[type[CaseError], int] = {
    NoSuchCase: 404,
    NoSuchDecision: 404,
    IdempotencyKeyReused: 409,
    CaseNotPending: 409,
    CannotApprove: 409,
}


async def _refusal(_: Request, error: Exception) -> JSONResponse:
    assert isinstance(error, CaseError)
    return JSONResponse(status_code=STATUS_CODES[type(error)], content={"detail": error.detail})


def install_error_translation(app: FastAPI) -> None:
    app.add_exception_handler(CaseError, _refusal)
