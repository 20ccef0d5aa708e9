"""The codec server, following Temporal's `/encode` and `/decode` protocol.

Only operators may use it: a bearer token (for the CLI and scripts) or the session cookie set
by `/login` (for the Web UI, with "include cross-origin credentials" switched on in its codec
settings). The cookie holds an opaque session id, never the token. Every operator's first look
at a workflow is written to the audit trail: who, when, and which workflow.

Access is scoped by party: an operator of one agency decodes only that agency's namespace, with
that agency's keys; the orchestrator's operators decode the orchestrator's namespace, including
what it sent to each agency. A payload that is not encrypted, or not under a key of the
namespace's party, is refused (400), never passed through.
"""

from __future__ import annotations

import html
from collections.abc import Awaitable, Callable
from typing import Any

from fastapi import FastAPI, Form, HTTPException, Request
from fastapi.middleware.cors import CORSMiddleware
from fastapi.responses import HTMLResponse, JSONResponse
from google.protobuf import json_format
from starlette.concurrency import run_in_threadpool
from temporalio.api.common.v1 import Payloads

from codec_server.decode_audit import DecodeAudit
from codec_server.sessions import OperatorSessions
from observability.logging import get_logger
from security.principals import Principal
from security.tokens import InvalidToken, read_token
from settings import AgencyWorkerSettings, Settings
from store.audit import record_audit
from store.database import engine_for
from temporal_connection.data_converter import encryption_codec
from temporal_connection.encryption_codec import EncryptionCodec, PayloadRefused, workflow_of

AUDIENCE = "codec-server"
SESSION_COOKIE = "lienthong_operator"

log = get_logger(__name__)

_LOGIN_FORM = """<!doctype html><html><head><meta charset="utf-8">
<title>Codec server sign-in</title></head>
<body style="font-family: sans-serif; max-width: 40em; margin: 3em auto">
<h1>lienthong codec server</h1><p>{message}</p>
<form method="post" action="/login"><label>Operator token<br>
<textarea name="token" rows="5" cols="70" required></textarea></label><br>
<button type="submit">Sign in</button></form>
<p>Then, in the Temporal UI's codec server settings, enter this server's address as the
endpoint and switch on <em>Include cross-origin credentials</em>.</p></body></html>"""


def namespace_codecs(settings: Settings) -> dict[str, tuple[str, EncryptionCodec]]:
    """For each namespace this codec server serves: its party, and the codec that party reads
    its own history with."""
    codecs = {}
    for party in settings.codec_parties:
        if party == "orchestrator":
            codecs[settings.temporal_namespace] = (
                party,
                encryption_codec(settings).reading_every_ring(),
            )
        else:
            agency = AgencyWorkerSettings.for_agency(party)
            codecs[agency.temporal_namespace] = (
                party,
                EncryptionCodec(agency.payload_keys.ring()),
            )
    return codecs


def create_codec_app(settings: Settings) -> FastAPI:
    codecs = namespace_codecs(settings)
    engine = engine_for(settings.database_url)
    # Public keys only: this server verifies operators' tokens and issues none.
    verify_keys = settings.token_verify_keys
    app = FastAPI(title="lienthong codec server", docs_url=None, redoc_url=None)
    sessions, audit = OperatorSessions(), DecodeAudit()
    app.add_middleware(
        CORSMiddleware,
        allow_origins=settings.codec_allowed_origins,
        allow_credentials=True,
        allow_methods=["POST", "GET", "OPTIONS"],
        allow_headers=["Authorization", "Content-Type", "X-Namespace"],
    )

    def operator(request: Request) -> Principal:
        token = request.headers.get("Authorization", "").removeprefix("Bearer ").strip()
        session = sessions.principal(request.cookies.get(SESSION_COOKIE, ""))
        if not token and session is not None:
            return session
        if not token:
            raise HTTPException(
                status_code=401,
                detail="An operator credential is required.",
                headers={"WWW-Authenticate": "Bearer"},
            )
        try:
            principal = read_token(verify_keys, token, audience=AUDIENCE)
        except InvalidToken:
            raise HTTPException(
                status_code=401,
                detail="The operator credential is not valid.",
                headers={"WWW-Authenticate": "Bearer"},
            ) from None
        if principal.role != "operator":
            raise HTTPException(status_code=403, detail="Only operators may decode payloads.")
        return principal

    def codec_for(principal: Principal, namespace: str) -> EncryptionCodec:
        if namespace not in codecs:
            raise HTTPException(status_code=404, detail=f"No keys are held for {namespace}.")
        party, codec = codecs[namespace]
        if principal.party != party:
            raise HTTPException(
                status_code=403,
                detail=f"An operator of {principal.party} may not decode the {party} namespace.",
            )
        return codec

    async def transform(
        request: Request,
        namespace: str,
        run: Callable[[EncryptionCodec, list[Any]], Awaitable[list[Any]]],
        action: str | None,
    ) -> JSONResponse:
        principal = operator(request)
        codec = codec_for(principal, namespace)
        try:
            incoming = json_format.ParseDict(await request.json(), Payloads())
        except (ValueError, json_format.ParseError):
            raise HTTPException(status_code=400, detail='Send {"payloads": [...]}.') from None
        try:
            outgoing = await run(codec, list(incoming.payloads))
        except PayloadRefused as refused:
            log.warning("codec_payload_refused", namespace=namespace, reason=str(refused))
            raise HTTPException(status_code=400, detail=str(refused)) from None
        if action is not None:
            known = sorted({w for p in incoming.payloads if (w := workflow_of(p))})
            workflows: list[str | None] = [*known] or [None]
            for workflow_id in workflows:
                if not audit.first_look(principal.actor, workflow_id or ""):
                    continue
                declaration = workflow_id.removeprefix("declaration-") if workflow_id else None
                await run_in_threadpool(
                    record_audit,
                    engine,
                    principal.actor,
                    action,
                    declaration,
                    detail=f"workflow {workflow_id or 'unknown'} in namespace {namespace}; "
                    f"{len(incoming.payloads)} payloads",
                )
        return JSONResponse(json_format.MessageToDict(Payloads(payloads=outgoing)))

    async def decode_all(codec: EncryptionCodec, payloads: list[Any]) -> list[Any]:
        return [codec.decrypt(p) for p in payloads]

    async def encode_all(codec: EncryptionCodec, payloads: list[Any]) -> list[Any]:
        return await codec.encode(payloads)

    @app.post("/decode")
    async def decode(request: Request) -> JSONResponse:
        namespace = request.headers.get("X-Namespace", settings.temporal_namespace)
        return await transform(request, namespace, decode_all, "codec_decode")

    @app.post("/{namespace}/decode")
    async def decode_in(namespace: str, request: Request) -> JSONResponse:
        return await transform(request, namespace, decode_all, "codec_decode")

    @app.post("/encode")
    async def encode(request: Request) -> JSONResponse:
        namespace = request.headers.get("X-Namespace", settings.temporal_namespace)
        return await transform(request, namespace, encode_all, None)

    @app.post("/{namespace}/encode")
    async def encode_in(namespace: str, request: Request) -> JSONResponse:
        return await transform(request, namespace, encode_all, None)

    @app.get("/login", response_class=HTMLResponse)
    async def login_form() -> str:
        return _LOGIN_FORM.format(message="Sign in with your operator token.")

    @app.post("/login", response_class=HTMLResponse)
    async def login(token: str = Form(max_length=4096)) -> HTMLResponse:
        try:
            principal = read_token(verify_keys, token.strip(), audience=AUDIENCE)
        except InvalidToken:
            return HTMLResponse(_LOGIN_FORM.format(message="That token is not valid."), 401)
        if principal.role != "operator":
            return HTMLResponse(_LOGIN_FORM.format(message="That token is not an operator's."), 403)
        response = HTMLResponse(
            f"<p>Signed in as {html.escape(principal.subject)}. The Temporal UI can now show "
            "decoded payloads.</p>"
        )
        # Secure: browsers send it over HTTPS, and to a loopback codec server over HTTP.
        response.set_cookie(
            SESSION_COOKIE,
            sessions.open(principal),
            httponly=True,
            secure=True,
            samesite="lax",
            max_age=int(sessions.lifetime_seconds),
        )
        log.info("operator_signed_in", operator=principal.subject)
        return response

    @app.get("/healthz")
    async def healthz() -> dict[str, str]:
        return {"status": "ok"}

    return app
