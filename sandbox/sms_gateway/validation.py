"""What a send must carry, refused as the provider refuses it: a Vietnamese mobile number in
E.164, a sender ID (a brandname) of at most 11 characters, a body of 1 to 1,600 characters."""

from __future__ import annotations

import re
from collections.abc import Mapping

from sandbox.sms_gateway.outbox import Submission
from sandbox.sms_gateway.twilio_shape import (
    BODY_REQUIRED,
    BODY_TOO_LONG,
    IDEMPOTENCY_KEY_INVALID,
    INVALID_FROM,
    INVALID_TO,
    TwilioError,
)

# ASCII digits only: `\d` would let other scripts' digits through.
VIETNAMESE_MOBILE = re.compile(r"\+84[0-9]{9}")
# An alphanumeric sender ID is printable ASCII, as networks carry it, and not blank.
SENDER_ID = re.compile(r"[\x20-\x7e]{1,11}")
BODY_MAX_CHARS = 1600
IDEMPOTENCY_KEY_MAX_CHARS = 255


def submission(
    account_sid: str, form: Mapping[str, object], idempotency_key: str | None
) -> Submission:
    """The send the form describes, or the provider's 400 for the first thing wrong in it."""
    to, sender, body = (_text(form, name) for name in ("To", "From", "Body"))
    if not VIETNAMESE_MOBILE.fullmatch(to):
        raise TwilioError(400, INVALID_TO, "The 'To' number is not a valid phone number.")
    if not SENDER_ID.fullmatch(sender) or not sender.strip():
        raise TwilioError(400, INVALID_FROM, "The 'From' sender ID is not valid.")
    if not body:
        raise TwilioError(400, BODY_REQUIRED, "Message body is required.")
    if len(body) > BODY_MAX_CHARS:
        raise TwilioError(
            400, BODY_TOO_LONG, f"The concatenated message body exceeds {BODY_MAX_CHARS} characters"
        )
    if idempotency_key is not None and not 0 < len(idempotency_key) <= IDEMPOTENCY_KEY_MAX_CHARS:
        raise TwilioError(
            400,
            IDEMPOTENCY_KEY_INVALID,
            f"Idempotency-Key must be 1 to {IDEMPOTENCY_KEY_MAX_CHARS} characters",
        )
    return Submission(account_sid, to, sender, body, idempotency_key)


def _text(form: Mapping[str, object], name: str) -> str:
    # A file part where a field belongs is as good as no field.
    value = form.get(name)
    return value if isinstance(value, str) else ""
