"""The shapes of configured keys: a party's payload key ring, a token issuer's signing key."""

from __future__ import annotations

import base64

from pydantic import BaseModel, SecretStr

from security.dev_credentials import (
    dev_payload_key,
    dev_payload_key_id,
    dev_token_key_id,
    dev_token_seed,
)
from security.key_rings import KeyRing


class PayloadKeys(BaseModel):
    """A party's payload keys as configured: key id -> base64 of 32 bytes, and the active one."""

    keys: dict[str, SecretStr]
    active: str

    def ring(self) -> KeyRing:
        return KeyRing(
            {k: base64.b64decode(v.get_secret_value()) for k, v in self.keys.items()}, self.active
        )

    @classmethod
    def development(cls, party: str) -> PayloadKeys:
        key_id = dev_payload_key_id(party)
        return cls(keys={key_id: SecretStr(dev_payload_key(party))}, active=key_id)


class TokenSigningKey(BaseModel):
    """A token issuer's private key: its key id (the tokens' `kid`) and base64 Ed25519 seed."""

    key_id: str
    seed: SecretStr

    @classmethod
    def development(cls, issuer: str) -> TokenSigningKey:
        return cls(key_id=dev_token_key_id(issuer), seed=SecretStr(dev_token_seed(issuer)))
