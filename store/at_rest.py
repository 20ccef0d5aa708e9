"""Personal data at rest in the store is sealed with AES-GCM under named keys.

The store's key ring rotates like the payload keys (`temporal_connection.encryption_codec`): new
values are sealed under the active key, and a value stays readable while the key that sealed it
is held. A sealed value names its key, and is bound to the column and row it was written for: a
ciphertext copied into another row, or another column, does not open.
"""

from __future__ import annotations

import os
from collections.abc import Mapping

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from security.key_rings import KeyRing

# The first byte names the layout, so that a later one can be told apart from this one.
_FORMAT = 1
_NONCE_BYTES = 12
_MAX_KEY_ID_BYTES = 255


class SealedValueRefused(ValueError):
    """The value is not sealed, was altered, or belongs to another row or column."""


class UnknownStoreKey(SealedValueRefused):
    """The value was sealed under a key this process does not hold."""


def _associated_data(column: str, row: str, key_id: str) -> bytes:
    # NUL cannot occur in a column name; row identities are joined by the caller.
    return b"\x00".join((b"lienthong-store", column.encode(), row.encode(), key_id.encode()))


class StoreCipher:
    def __init__(self, ring: KeyRing) -> None:
        for key_id in ring.keys:
            if not key_id or len(key_id.encode()) > _MAX_KEY_ID_BYTES:
                raise ValueError(f"store key id {key_id!r} must be 1 to 255 bytes")
        self._ciphers: Mapping[str, AESGCM] = {k: AESGCM(v) for k, v in ring.keys.items()}
        self._active = ring.active

    def seal(self, plain: bytes, column: str, row: str) -> bytes:
        key_id = self._active.encode()
        nonce = os.urandom(_NONCE_BYTES)
        sealed = self._ciphers[self._active].encrypt(
            nonce, plain, _associated_data(column, row, self._active)
        )
        return bytes((_FORMAT, len(key_id))) + key_id + nonce + sealed

    def open(self, sealed: bytes, column: str, row: str) -> bytes:
        key_id = key_id_of(sealed)
        cipher = self._ciphers.get(key_id)
        if cipher is None:
            raise UnknownStoreKey(f"no store key {key_id!r} is held")
        start = 2 + len(key_id.encode())
        nonce, body = sealed[start : start + _NONCE_BYTES], sealed[start + _NONCE_BYTES :]
        try:
            return cipher.decrypt(nonce, body, _associated_data(column, row, key_id))
        except InvalidTag:
            raise SealedValueRefused(
                f"the {column} value of {row!r} was altered or sealed for another row"
            ) from None

    def seal_text(self, plain: str, column: str, row: str) -> bytes:
        return self.seal(plain.encode(), column, row)

    def open_text(self, sealed: bytes, column: str, row: str) -> str:
        return self.open(sealed, column, row).decode()


def key_id_of(sealed: bytes) -> str:
    """The key a value was sealed under."""
    if len(sealed) < 2 or sealed[0] != _FORMAT or len(sealed) < 2 + sealed[1] + _NONCE_BYTES:
        raise SealedValueRefused("the value is not sealed")
    try:
        return sealed[2 : 2 + sealed[1]].decode()
    except UnicodeDecodeError:
        raise SealedValueRefused("the value is not sealed") from None
