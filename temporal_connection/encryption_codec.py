"""Every workflow, activity and Nexus payload is encrypted with AES-GCM before it leaves the
process, and nothing unencrypted is let in.

Each party (the orchestrator, each agency) has a key ring of its own: its namespace's history is
sealed under it. What the orchestrator sends to an agency through Nexus, and what comes back, is
sealed under that agency's key ring, which the orchestrator also holds: the agency can read what
is sent to it and nothing else, and the orchestrator's own history stays closed to every agency.
Which ring applies follows from the SDK's serialization context: a Nexus payload names its
service, which is the agency it is for; anything else is the party's own.

Each encrypted payload names the key that sealed it, so keys can be rotated: new payloads use the
active key, and old histories stay readable while their key is still held. The payload also names
the workflow it belongs to (not personal data), bound into its authenticated encryption, so the
codec server can say which workflow each decode was for and no one can relabel it.
"""

from __future__ import annotations

import copy
import os
from collections.abc import Mapping, Sequence
from typing import Self

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from temporalio.api.common.v1 import Payload
from temporalio.converter import (
    ActivitySerializationContext,
    NexusSerializationContext,
    PayloadCodec,
    SerializationContext,
    WithSerializationContext,
    WorkflowSerializationContext,
)

from observability.logging import get_logger
from security.key_rings import KeyRing

ENCODING = b"binary/encrypted"
# What a refused payload becomes: no payload converter reads it, so the signal, update or input
# that carried it is refused where it arrives, without failing the workflow's task over and over.
REFUSED_ENCODING = b"binary/refused"
KEY_ID = "encryption-key-id"
WORKFLOW_ID = "lienthong-workflow-id"
_NONCE_BYTES = 12

log = get_logger(__name__)


class PayloadRefused(ValueError):
    """The payload is not encrypted, or not under a key this party accepts here."""


class UnknownEncryptionKey(PayloadRefused):
    """The payload was encrypted with a key this process does not hold."""


class EncryptionCodec(PayloadCodec, WithSerializationContext):
    def __init__(self, own: KeyRing, peers: Mapping[str, KeyRing] | None = None) -> None:
        rings = {"": own, **(peers or {})}
        self._ciphers = {
            party: {key_id: AESGCM(key) for key_id, key in ring.keys.items()}
            for party, ring in rings.items()
        }
        self._active = {party: ring.active for party, ring in rings.items()}
        self._peer = ""  # the agency whose ring applies in this context; "" for our own
        self._workflow_id: str | None = None

    def with_context(self, context: SerializationContext) -> Self:
        workflow_id, peer = None, ""
        if isinstance(context, (WorkflowSerializationContext, ActivitySerializationContext)):
            workflow_id = context.workflow_id
        elif isinstance(context, NexusSerializationContext) and context.service in self._active:
            peer = context.service
        if workflow_id == self._workflow_id and peer == self._peer:
            return self
        # The SDK asks for a codec in each payload's context: share the ciphers, which are
        # costly to build, and change only the ring in use and the workflow label.
        scoped = copy.copy(self)
        scoped._workflow_id, scoped._peer = workflow_id, peer
        return scoped

    def for_peer(self, party: str) -> Self:
        """This codec as it seals and opens what travels to one agency."""
        if party not in self._active:
            raise ValueError(f"no payload key is held for {party!r}")
        scoped = copy.copy(self)
        scoped._peer = party
        return scoped

    def reading_every_ring(self) -> Self:
        """This codec as an operator of its party reads the party's history: what the party
        sealed for its own history and what it sent to each agency. Sealing stays its own."""
        scoped = copy.copy(self)
        scoped._peer = "*"
        return scoped

    async def encode(self, payloads: Sequence[Payload]) -> list[Payload]:
        return [self.encrypt(p) for p in payloads]

    async def decode(self, payloads: Sequence[Payload]) -> list[Payload]:
        opened = []
        for payload in payloads:
            try:
                opened.append(self.decrypt(payload))
            except PayloadRefused as refusal:
                log.warning("payload_refused", reason=str(refusal), workflow_id=self._workflow_id)
                opened.append(Payload(metadata={"encoding": REFUSED_ENCODING}))
        return opened

    @property
    def _sealing_ring(self) -> str:
        return "" if self._peer == "*" else self._peer

    def encrypt(self, payload: Payload) -> Payload:
        nonce = os.urandom(_NONCE_BYTES)
        key_id = self._active[self._sealing_ring]
        cipher = self._ciphers[self._sealing_ring][key_id]
        sealed = cipher.encrypt(
            nonce, payload.SerializeToString(), _associated(key_id, self._workflow_id)
        )
        metadata = {"encoding": ENCODING, KEY_ID: key_id.encode()}
        if self._workflow_id:
            metadata[WORKFLOW_ID] = self._workflow_id.encode()
        return Payload(metadata=metadata, data=nonce + sealed)

    def decrypt(self, payload: Payload) -> Payload:
        """The payload opened; PayloadRefused when it is not encrypted, or not under a key that
        is accepted in this context."""
        if payload.metadata.get("encoding") != ENCODING:
            raise PayloadRefused("the payload is not encrypted")
        key_id = payload.metadata.get(KEY_ID, b"").decode()
        rings = (
            self._ciphers.values()
            if self._peer == "*"
            else (self._ciphers[""], self._ciphers[self._peer])
        )
        cipher = next((ring[key_id] for ring in rings if key_id in ring), None)
        if cipher is None:
            raise UnknownEncryptionKey(f"no encryption key {key_id!r} is accepted here")
        nonce, sealed = payload.data[:_NONCE_BYTES], payload.data[_NONCE_BYTES:]
        decrypted = Payload()
        try:
            opened = cipher.decrypt(nonce, sealed, _associated(key_id, workflow_of(payload)))
            decrypted.ParseFromString(opened)
        except InvalidTag:
            raise PayloadRefused(
                "the payload was altered, relabelled or sealed under another key"
            ) from None
        return decrypted


def _associated(key_id: str, workflow_id: str | None) -> bytes:
    """What the encryption authenticates beside the content: the key that sealed it and the
    workflow it belongs to. A payload relabelled with another key or workflow, or with its
    workflow label stripped, does not open."""
    return key_id.encode() + b"\x00" + (workflow_id or "").encode()


def workflow_of(payload: Payload) -> str | None:
    """The workflow an encrypted payload belongs to, when it was encoded in one's context."""
    raw = payload.metadata.get(WORKFLOW_ID)
    return raw.decode() if raw else None
