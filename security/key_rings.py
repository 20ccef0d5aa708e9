"""Key rings: the keys a party holds to read what it sealed, and the one that seals anew.

Payload keys (`temporal_connection.encryption_codec`) and the store's keys (`store.at_rest`) rotate
the same way: new values are sealed under the active key, and old ones stay readable while the
key that sealed them is held.
"""

from __future__ import annotations

import base64
import hashlib
from collections.abc import Mapping
from dataclasses import dataclass

DEV_STORE_KEY_ID = "store-dev-1"


@dataclass(frozen=True)
class KeyRing:
    """One party's payload keys: every key still needed to read its history, and the one that
    seals new payloads."""

    keys: Mapping[str, bytes]
    active: str

    def __post_init__(self) -> None:
        if self.active not in self.keys:
            raise ValueError(f"the active encryption key {self.active!r} is not configured")
        for key_id, key in self.keys.items():
            if len(key) != 32:
                raise ValueError(f"encryption key {key_id!r} must be 32 bytes (AES-256)")


def dev_store_key() -> str:
    """The development store key (base64 of 32 bytes): derived from a fixed label, so that the
    processes of a local stack agree on it without configuration. Production refuses it."""
    digest = hashlib.sha256(b"lienthong development only: orchestrator store encryption key")
    return base64.b64encode(digest.digest()).decode()


def is_dev_store_key(value: str) -> bool:
    return value == dev_store_key()


def ring_from_config(keys: Mapping[str, str], active: str) -> KeyRing:
    """The ring from configured keys: key id -> base64 of 32 bytes."""
    return KeyRing({key_id: base64.b64decode(value) for key_id, value in keys.items()}, active)


def check_store_keys(keys: Mapping[str, str], active: str, production: bool) -> None:
    """ValueError unless the keys make a ring, and, in production, none is the development key."""
    try:
        ring_from_config(keys, active)
    except ValueError as error:
        raise ValueError(f"STORE_ENCRYPTION_KEYS: {error}") from None
    if production and any(map(is_dev_store_key, keys.values())):
        raise ValueError(
            "unsafe production settings: STORE_ENCRYPTION_KEYS holds the development key"
        )
