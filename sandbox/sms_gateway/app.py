"""The gateway's HTTP service: send a message, list the outbox, read one message back.

A send is stored before it is answered, and the answer may be held back
(`SANDBOX_SMS_RESPONSE_DELAY_SECONDS`): as with a real provider, a sender that dies waiting
cannot tell whether its message went, and must resend under the same `Idempotency-Key`.

Phone numbers and bodies are never logged: a message is known in the logs by its SID."""

from __future__ import annotations

import asyncio
from collections.abc import Mapping
from typing import Annotated, Any

from fastapi import FastAPI, Query, Request
from fastapi.responses import JSONResponse

from observability.logging import get_logger
from sandbox.sms_gateway.authentication import authenticated_account, require_own_account
from sandbox.sms_gateway.outbox import IdempotencyConflict, Outbox
from sandbox.sms_gateway.twilio_shape import (
    API_VERSION,
    IDEMPOTENCY_KEY_REUSED,
    NOT_FOUND,
    TwilioError,
    install_error_rendering,
    message_json,
)
from sandbox.sms_gateway.validation import submission

log = get_logger(__name__)
MESSAGES = f"/{API_VERSION}/Accounts/{{account_sid}}/Messages"


def sms_gateway_app(
    outbox: Outbox, accounts: Mapping[str, str], response_delay_seconds: float = 0.0
) -> FastAPI:
    """The gateway over `outbox`, for the accounts given (SID → auth token)."""
    app = FastAPI(title="Sandbox SMS gateway")
    install_error_rendering(app)

    def authorize(request: Request, account_sid: str) -> str:
        # Before anything of the request is read: an unknown caller learns nothing.
        own = authenticated_account(request, accounts)
        require_own_account(own, account_sid)
        return own

    @app.get("/healthz")
    async def healthz() -> dict[str, str]:
        return {"status": "ok"}

    @app.post(f"{MESSAGES}.json", status_code=201)
    async def send(request: Request, account_sid: str) -> JSONResponse:
        account = authorize(request, account_sid)
        wanted = submission(account, await request.form(), request.headers.get("Idempotency-Key"))
        try:
            message, created = await asyncio.to_thread(outbox.accept, wanted)
        except IdempotencyConflict:
            raise TwilioError(
                422, IDEMPOTENCY_KEY_REUSED, "Idempotency-Key reused with different parameters"
            ) from None
        log.info(
            "sms_accepted" if created else "sms_replayed",
            sid=message.sid,
            account_sid=account,
            num_segments=message.num_segments,
        )
        if response_delay_seconds:
            await asyncio.sleep(response_delay_seconds)
        return JSONResponse(
            message_json(message),
            status_code=201 if created else 200,
            headers=None if created else {"Idempotent-Replayed": "true"},
        )

    @app.get(f"{MESSAGES}.json")
    async def list_messages(
        request: Request, account_sid: str, to: Annotated[str | None, Query(alias="To")] = None
    ) -> dict[str, Any]:
        account = authorize(request, account_sid)
        messages = await asyncio.to_thread(outbox.messages, account, to)
        uri = request.url.path + (f"?{request.url.query}" if request.url.query else "")
        # One page holds the whole outbox: a sandbox's is small.
        return {
            "messages": [message_json(m) for m in messages],
            "uri": uri,
            "page": 0,
            "page_size": len(messages),
            "next_page_uri": None,
            "previous_page_uri": None,
        }

    @app.get(f"{MESSAGES}/{{sid}}.json")
    async def get_message(request: Request, account_sid: str, sid: str) -> dict[str, Any]:
        account = authorize(request, account_sid)
        message = await asyncio.to_thread(outbox.message, account, sid)
        if message is None:
            raise TwilioError(
                404, NOT_FOUND, f"The requested resource {request.url.path} was not found"
            )
        return message_json(message)

    return app
