"""The SMS provider's Messages API (Twilio's shape): one POST per message, authenticated with the
account's SID and token, deduplicated by the provider on the `Idempotency-Key` we send."""

from __future__ import annotations

import httpx

from schemas.identifiers import e164_phone


class SmsGatewayUnavailable(Exception):
    """The provider could not be reached, failed, or refused our credentials: tried again later."""


class SmsRefused(Exception):
    """The provider refused this message itself (a number it cannot reach): sending the same
    again cannot help."""


class SmsGateway:
    def __init__(
        self, base_url: str, account_sid: str, auth_token: str, sender: str, timeout: float
    ) -> None:
        self._path = f"/2010-04-01/Accounts/{account_sid}/Messages.json"
        self._sender = sender
        self._http = httpx.Client(
            base_url=base_url, auth=(account_sid, auth_token), timeout=timeout
        )

    def send(self, phone: str, body: str, idempotency_key: str) -> str:
        """Send `body` to `phone`; the provider's message id. A resend with the same key returns
        the id of the message sent the first time."""
        try:
            response = self._http.post(
                self._path,
                data={"To": e164_phone(phone), "From": self._sender, "Body": body},
                headers={"Idempotency-Key": idempotency_key},
            )
        except httpx.TransportError as error:
            raise SmsGatewayUnavailable(f"unreachable: {type(error).__name__}") from error
        if response.status_code in {200, 201}:
            return str(response.json()["sid"])
        # Wrong credentials are the operator's to fix: the message waits for them.
        if response.status_code >= 500 or response.status_code in {401, 403, 429}:
            raise SmsGatewayUnavailable(f"answered {response.status_code}")
        code = response.json().get("code") if response.content else None
        raise SmsRefused(f"answered {response.status_code} (code {code})")

    def close(self) -> None:
        self._http.close()
