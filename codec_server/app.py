"""The codec server, following Temporal's `/decode` protocol.

Only operators may use it: a bearer token (for the CLI and scripts) or the session cookie set
by `/login` (for the Web UI, with "include cross-origin credentials" switched on in its codec
settings). The cookie holds an opaque session id, never the token. Every operator's first look
at a declaration in a viewing session is written to the audit trail: who, when, which
declaration and which session (see codec_server.decode_audit).

Access is scoped by party: an operator of one agency decodes only that agency's namespace, with
that agency's keys; the orchestrator's operators decode the orchestrator's namespace, including
what it sent to each agency. In a batch, a payload that was never encrypted comes back as it was,
and one that is encrypted but does not open under the party's keys comes back as a refusal
(codec_server.operator_reading). A request that is not a batch of payloads is refused (400).

`/encode` is refused (403, and recorded): operators read histories, and the Web UI and CLI need
`/encode` only to write into one (start, signal, update, query a workflow), which is the portal
API's business, never an operator's.
"""

from __future__ import annotations

import html
from dataclasses import dataclass
from typing import NoReturn

from fastapi import FastAPI, Form, HTTPException, Request
from fastapi.middleware.cors import CORSMiddleware
from fastapi.responses import HTMLResponse, JSONResponse
from google.protobuf import json_format
from starlette.concurrency import run_in_threadpool
from temporalio.api.common.v1 import Payloads

from codec_server.decode_audit import AuditSubject, DecodeAudit, subject_of, viewing_session
from codec_server.operator_reading import Reading, read_payloads
from codec_server.payload_bodies import MalformedBody, payloads_in
from codec_server.sessions import OperatorSessions
from observability.logging import get_logger
from security.principals import Principal
from security.tokens import InvalidToken, read_token
from settings import AgencyWorkerSettings, Settings
from store.audit import record_audit
from store.database import engine_for
from temporal_connection.data_converter import encryption_codec
from temporal_connection.encryption_codec import EncryptionCodec

AUDIENCE = "codec-server"
SESSION_COOKIE = "lienthong_operator"

# How much of a caller's namespace name the audit trail keeps.
_NAMESPACE_CHARS = 100

log = get_logger(__name__)


@dataclass(frozen=True)
class Viewer:
    """An operator, and the viewing session a request belongs to."""

    principal: Principal
    session: str


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

    def operator(request: Request) -> Viewer:
        token = request.headers.get("Authorization", "").removeprefix("Bearer ").strip()
        cookie = request.cookies.get(SESSION_COOKIE, "")
        session = sessions.principal(cookie)
        if not token and session is not None:
            return Viewer(session, viewing_session(cookie, "cookie"))
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
        return Viewer(principal, viewing_session(token, "token"))

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

    async def decode_for(request: Request, namespace: str) -> JSONResponse:
        viewer = operator(request)
        codec = codec_for(viewer.principal, namespace)
        try:
            incoming = payloads_in(await request.body())
        except MalformedBody as malformed:
            raise HTTPException(status_code=400, detail=str(malformed)) from None
        readings = read_payloads(codec, incoming)
        refusals = [r.refusal for r in readings if r.refusal is not None]
        if refusals:
            log.warning(
                "codec_payloads_refused",
                namespace=namespace,
                count=len(refusals),
                reasons=sorted(set(refusals)),
            )
        await audit_decodes(viewer, namespace, readings)
        outgoing = Payloads(payloads=[reading.payload for reading in readings])
        return JSONResponse(json_format.MessageToDict(outgoing))

    async def audit_decodes(viewer: Viewer, namespace: str, readings: list[Reading]) -> None:
        opened: dict[AuditSubject, list[str]] = {}
        for reading in readings:
            if reading.opened is not None:
                opened.setdefault(subject_of(reading.opened), []).append(
                    reading.opened.workflow_id or ""
                )
        actor = viewer.principal.actor
        for subject, workflows in opened.items():
            if not audit.first_look(actor, viewer.session, subject):
                continue
            named = sorted({w for w in workflows if w})
            about = "declaration" if subject.declaration_id else "no declaration"
            where = f"workflow {', '.join(named)}" if named else "no workflow label"
            await run_in_threadpool(
                record_audit,
                engine,
                actor,
                "codec_decode",
                subject.declaration_id,
                detail=f"{about}; {where}; namespace {namespace}; "
                f"{len(workflows)} payloads opened; session {viewer.session}",
            )

    async def refuse_encode(request: Request, namespace: str) -> NoReturn:
        viewer = operator(request)
        await run_in_threadpool(
            record_audit,
            engine,
            viewer.principal.actor,
            "codec_encode",
            None,
            outcome="refused",
            detail=f"namespace {namespace[:_NAMESPACE_CHARS]}; session {viewer.session}",
        )
        raise HTTPException(
            status_code=403,
            detail="The codec server decodes for operators and seals nothing: what a workflow "
            "takes in comes through the portal API.",
        )

    @app.post("/decode")
    async def decode(request: Request) -> JSONResponse:
        namespace = request.headers.get("X-Namespace", settings.temporal_namespace)
        return await decode_for(request, namespace)

    @app.post("/{namespace}/decode")
    async def decode_in(namespace: str, request: Request) -> JSONResponse:
        return await decode_for(request, namespace)

    @app.post("/encode", response_model=None)
    async def encode(request: Request) -> NoReturn:
        namespace = request.headers.get("X-Namespace", settings.temporal_namespace)
        await refuse_encode(request, namespace)

    @app.post("/{namespace}/encode", response_model=None)
    async def encode_in(namespace: str, request: Request) -> NoReturn:
        await refuse_encode(request, namespace)

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
