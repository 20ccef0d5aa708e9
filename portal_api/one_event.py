"""One event, one declaration, as the portal applies it: the keyed hash a declaration's event is
recorded under, and the `409` that names the declaration already standing for it."""

from __future__ import annotations

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse

from messages import Language, Message
from portal_api.errors import request_language
from security.pseudonyms import PseudonymKeys
from store.declared_events import DuplicateDeclaration, EventKeys

DUPLICATE_DECLARATION = "duplicate_declaration"


def event_keys(pseudonyms: PseudonymKeys, identity: str | None) -> EventKeys | None:
    """The event's keyed hash (with the store's pseudonym key, as a declarant's reference is
    made): the event is recognised, its personal IDs never kept."""
    return None if identity is None else EventKeys.of(pseudonyms, identity)


def duplicate_body(first: str, language: Language) -> dict[str, str]:
    return {
        "type": DUPLICATE_DECLARATION,
        "declaration_id": first,
        "detail": Message.of(DUPLICATE_DECLARATION, declaration_id=first).text(language),
    }


def install_duplicate_handler(app: FastAPI) -> None:
    @app.exception_handler(DuplicateDeclaration)
    async def _duplicate(request: Request, error: DuplicateDeclaration) -> JSONResponse:
        language = request_language(request)
        return JSONResponse(
            status_code=409,
            content=duplicate_body(error.first, language),
            headers={"Content-Language": language},
        )
