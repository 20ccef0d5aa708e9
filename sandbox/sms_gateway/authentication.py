"""Who may send: HTTP Basic with an account's SID and auth token, as Twilio's API takes them."""

from __future__ import annotations

import base64
import binascii
import hmac
from collections.abc import Mapping

from fastapi import Request

from sandbox.sms_gateway.twilio_shape import AUTHENTICATE, FORBIDDEN, TwilioError

# Compared against when the SID is unknown, so an unknown account takes as long as a wrong token.
_NO_TOKEN = b"\0" * 32
_REFUSED = "Authentication Error - invalid username or auth token"


def authenticated_account(request: Request, accounts: Mapping[str, str]) -> str:
    """The account SID the request authenticates as, or a 401."""
    scheme, _, encoded = request.headers.get("Authorization", "").partition(" ")
    if scheme.lower() != "basic":
        raise TwilioError(401, AUTHENTICATE, "Authentication Error - No credentials provided")
    try:
        sid, colon, token = base64.b64decode(encoded, validate=True).decode().partition(":")
    except (binascii.Error, UnicodeDecodeError):
        raise TwilioError(401, AUTHENTICATE, _REFUSED) from None
    expected = accounts.get(sid)
    matches = hmac.compare_digest(
        token.encode(), expected.encode() if expected is not None else _NO_TOKEN
    )
    if not (colon and expected is not None and matches):
        raise TwilioError(401, AUTHENTICATE, _REFUSED)
    return sid


def require_own_account(authenticated: str, path_sid: str) -> None:
    """An account reaches its own resources only, as Twilio's subaccounts do."""
    if not hmac.compare_digest(authenticated.encode(), path_sid.encode()):
        raise TwilioError(403, FORBIDDEN, "The authenticated account cannot access this account")
