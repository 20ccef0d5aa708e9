"""Credentials are checked before a request's body is read.

FastAPI reads and parses a body before the dependencies that authorise the request run, so
without this an anonymous caller could make the API take in a full-size body before hearing
401. This middleware answers 401 from the headers alone; the routes' own dependencies still
decide scopes, ownership and the audit trail (portal_api.authorization)."""

from __future__ import annotations

from starlette.responses import JSONResponse
from starlette.types import ASGIApp, Receive, Scope, Send

from security.principals import Principal
from security.tokens import InvalidToken, read_token
from settings import Settings

# Paths anyone may reach; `/metrics` is guarded, if at all, by its own arrangement.
PUBLIC_PATHS = frozenset({"/healthz", "/docs", "/docs/oauth2-redirect", "/redoc", "/openapi.json"})
PUBLIC_ROUTES = frozenset({("POST", "/v1/documents/verify"), ("GET", "/metrics")})

MISSING = "A bearer token is required."
NOT_VALID = "The bearer token is not valid."


class NotAuthenticated(Exception):
    """No credential, or one that is not valid; the message says which."""


def authenticate(settings: Settings, authorization: str | None) -> Principal:
    """The principal an `Authorization: Bearer …` header names, verified."""
    scheme, _, token = (authorization or "").partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise NotAuthenticated(MISSING)
    return principal_of(settings, token.strip())


def principal_of(settings: Settings, token: str) -> Principal:
    try:
        return read_token(settings.token_verify_keys, token, pseudonyms=settings.pseudonyms)
    except InvalidToken:
        raise NotAuthenticated(NOT_VALID) from None


# The assets of /docs and /redoc, served from a package so that they work with no internet.
DOCS_ASSETS = "/static-offline-docs/"


def is_public(method: str, path: str) -> bool:
    return (
        path in PUBLIC_PATHS
        or (method, path) in PUBLIC_ROUTES
        or (method == "GET" and path.startswith(DOCS_ASSETS))
    )


class RequireBearer:
    def __init__(self, app: ASGIApp, settings: Settings) -> None:
        self.app = app
        self.settings = settings

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or is_public(scope["method"], scope["path"]):
            await self.app(scope, receive, send)
            return
        header = dict(scope.get("headers") or []).get(b"authorization")
        try:
            authenticate(self.settings, header.decode("latin-1") if header else None)
        except NotAuthenticated as refused:
            # Answered without calling `receive`: the body stays unread, however large.
            refusal = JSONResponse(
                {"detail": str(refused)}, status_code=401, headers={"WWW-Authenticate": "Bearer"}
            )
            await refusal(scope, receive, send)
            return
        await self.app(scope, receive, send)
