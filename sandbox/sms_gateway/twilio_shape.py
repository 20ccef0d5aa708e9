"""What the gateway answers, in the shape of Twilio's Messages resource (API version
2010-04-01): a message as JSON, and an error as `{code, message, more_info, status}`."""

from __future__ import annotations

from datetime import UTC, datetime
from email.utils import format_datetime
from typing import Any

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse

from sandbox.sms_gateway.outbox import OutboxMessage

API_VERSION = "2010-04-01"

# Twilio's error codes, for the refusals the gateway makes.
AUTHENTICATE = 20003
FORBIDDEN = 20403
NOT_FOUND = 20404
INVALID_TO = 21211
INVALID_FROM = 21212
BODY_REQUIRED = 21602
BODY_TOO_LONG = 21617
# Not Twilio's (its idempotency token belongs to webhooks): the code is the HTTP status, as
# providers with an `Idempotency-Key` header answer.
IDEMPOTENCY_KEY_REUSED = 422
IDEMPOTENCY_KEY_INVALID = 400


class TwilioError(Exception):
    def __init__(self, status: int, code: int, message: str) -> None:
        super().__init__(message)
        self.status, self.code, self.message = status, code, message

    def response(self) -> JSONResponse:
        content: dict[str, Any] = {"code": self.code, "message": self.message}
        if self.code != self.status:
            content["more_info"] = f"https://www.twilio.com/docs/errors/{self.code}"
        content["status"] = self.status
        headers = {"WWW-Authenticate": 'Basic realm="Twilio API"'} if self.status == 401 else None
        return JSONResponse(content, status_code=self.status, headers=headers)


def install_error_rendering(app: FastAPI) -> None:
    async def render(_: Request, error: Exception) -> JSONResponse:
        assert isinstance(error, TwilioError)
        return error.response()

    app.add_exception_handler(TwilioError, render)


def messages_uri(account_sid: str) -> str:
    return f"/{API_VERSION}/Accounts/{account_sid}/Messages.json"


def message_uri(account_sid: str, sid: str) -> str:
    return f"/{API_VERSION}/Accounts/{account_sid}/Messages/{sid}.json"


def _rfc2822(moment: datetime) -> str:
    # SQLite hands datetimes back without their zone; the outbox stores them in UTC.
    return format_datetime(moment if moment.tzinfo else moment.replace(tzinfo=UTC))


def message_json(message: OutboxMessage) -> dict[str, Any]:
    created = _rfc2822(message.date_created)
    return {
        "sid": message.sid,
        "account_sid": message.account_sid,
        "to": message.to,
        "from": message.sender,
        "body": message.body,
        "status": "sent",
        "direction": "outbound-api",
        # Twilio sends counts as strings.
        "num_segments": str(message.num_segments),
        "num_media": "0",
        "date_created": created,
        "date_updated": created,
        "date_sent": created,
        "error_code": None,
        "error_message": None,
        "price": None,
        "api_version": API_VERSION,
        "uri": message_uri(message.account_sid, message.sid),
    }
