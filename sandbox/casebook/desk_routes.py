"""The routes that open cases, one per procedure desk: `POST <desk.path>` with the desk's request
model and an `Idempotency-Key` header, answered 201 with the new case or 200 with the case the
key already opened."""

from __future__ import annotations

import inspect
from collections.abc import Awaitable, Callable, Iterable
from typing import Any

from fastapi import APIRouter, Header, Response
from pydantic import BaseModel

from sandbox.casebook.desks import ProcedureDesk
from sandbox.casebook.service import AgencyBook
from sandbox.casebook.views import CaseView


def desk_routes(book: AgencyBook, desks: Iterable[ProcedureDesk[Any]]) -> APIRouter:
    router = APIRouter()
    for desk in desks:
        router.add_api_route(
            desk.path,
            _opening_endpoint(book, desk),
            methods=["POST"],
            name=desk.operation,
            response_model=CaseView,
            status_code=201,
        )
    return router


def _opening_endpoint(
    book: AgencyBook, desk: ProcedureDesk[Any]
) -> Callable[..., Awaitable[CaseView]]:
    async def open_case(body: BaseModel, response: Response, idempotency_key: str) -> CaseView:
        submission = await book.submit(desk, body, idempotency_key)
        if not submission.opened:
            response.status_code = 200
        return submission.case

    # FastAPI reads the request model from the signature, and each desk has its own.
    open_case.__signature__ = inspect.Signature(  # type: ignore[attr-defined]
        [
            inspect.Parameter(
                "body", inspect.Parameter.POSITIONAL_OR_KEYWORD, annotation=desk.body_model
            ),
            inspect.Parameter(
                "response", inspect.Parameter.POSITIONAL_OR_KEYWORD, annotation=Response
            ),
            inspect.Parameter(
                "idempotency_key",
                inspect.Parameter.POSITIONAL_OR_KEYWORD,
                annotation=str,
                default=Header(alias="Idempotency-Key", min_length=8, max_length=200),
            ),
        ],
        return_annotation=CaseView,
    )
    return open_case
