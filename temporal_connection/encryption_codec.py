"""Every workflow and activity payload is encrypted with AES-GCM before it leaves the process.

Each encrypted payload names the key that encrypted it, so keys can be rotated: new payloads use
the active key and old histories stay readable while their key is still configured. The payload
also names the workflow it belongs to (not personal data), so the codec server can say which
workflow each decode was for.
"""

from __future__ import annotations

import copy
import os
from collections.abc import Mapping, Sequence
from typing import Self

from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from temporalio.api.common.v1 import Payload
from temporalio.converter import (
    ActivitySerializationContext,
    PayloadCodec,
    SerializationContext,
    WithSerializationContext,
    WorkflowSerializationContext,
)

ENCODING = b"binary/encrypted"
KEY_ID = "encryption-key-id"
WORKFLOW_ID = "lienthong-workflow-id"
_NONCE_BYTES = 12


class UnknownEncryptionKey(ValueError):
    """The payload was encrypted with a key this process does not hold."""


class EncryptionCodec(PayloadCodec, WithSerializationContext):
    def __init__(self, keys: Mapping[str, bytes], active_key_id: str) -> None:
        if active_key_id not in keys:
            raise ValueError(f"the active encryption key {active_key_id!r} is not configured")
        for key_id, key in keys.items():
            if len(key) != 32:
                raise ValueError(f"encryption key {key_id!r} must be 32 bytes (AES-256)")
        self._ciphers = {key_id: AESGCM(key) for key_id, key in keys.items()}
        self._active = active_key_id
        self._workflow_id: str | None = None

    def with_context(self, context: SerializationContext) -> Self:
        workflow_id = None
        if isinstance(context, (WorkflowSerializationContext, ActivitySerializationContext)):
            workflow_id = context.workflow_id
        if workflow_id == self._workflow_id:
            return self
        # The SDK asks for a codec in each payload's context: share the ciphers, which are
        # costly to build, and change only the workflow the payloads are labelled with.
        labelled = copy.copy(self)
        labelled._workflow_id = workflow_id
        return labelled

    async def encode(self, payloads: Sequence[Payload]) -> list[Payload]:
        return [self.encrypt(p) for p in payloads]

    async def decode(self, payloads: Sequence[Payload]) -> list[Payload]:
        return [self.decrypt(p) for p in payloads]

    def encrypt(self, payload: Payload) -> Payload:
        nonce = os.urandom(_NONCE_BYTES)
        key_id = self._active
        # The key id is bound as associated data: relabelling a payload breaks it.
        sealed = self._ciphers[key_id].encrypt(nonce, payload.SerializeToString(), key_id.encode())
        metadata = {"encoding": ENCODING, KEY_ID: key_id.encode()}
        if self._workflow_id:
            metadata[WORKFLOW_ID] = self._workflow_id.encode()
        return Payload(metadata=metadata, data=nonce + sealed)

    def decrypt(self, payload: Payload) -> Payload:
        if payload.metadata.get("encoding") != ENCODING:
            return payload  # written before encryption was switched on
        key_id = payload.metadata[KEY_ID].decode()
        cipher = self._ciphers.get(key_id)
        if cipher is None:
            raise UnknownEncryptionKey(f"no encryption key {key_id!r} is configured")
        nonce, sealed = payload.data[:_NONCE_BYTES], payload.data[_NONCE_BYTES:]
        decrypted = Payload()
        decrypted.ParseFromString(cipher.decrypt(nonce, sealed, key_id.encode()))
        return decrypted


def workflow_of(payload: Payload) -> str | None:
    """The workflow an encrypted payload belongs to, when it was encoded in one's context."""
    raw = payload.metadata.get(WORKFLOW_ID)
    return raw.decode() if raw else None
