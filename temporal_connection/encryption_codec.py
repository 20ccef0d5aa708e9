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
what it belongs to (not personal data), bound into its authenticated encryption so that no one
can relabel it, and the codec server can say which declaration each decode was for: in a
workflow's context, the workflow; in a Nexus operation's context, the declaration the request
names (every request to an agency carries its `declaration_id`). Payloads sealed before the
declaration label existed carry none and still open.

Whatever is wrong with a payload that claims to be encrypted (too short, a key id or label that is
not text, content that is not a payload once opened), it is refused the same way: `decrypt` raises
`PayloadRefused`, and `decode` turns it into the refused payload, so a forged signal or update
cannot fail a workflow's task over and over.
"""

from __future__ import annotations

import copy
import json
import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Self

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from google.protobuf.message import DecodeError
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
DECLARATION_ID = "lienthong-declaration-id"
_NONCE_BYTES = 12
_TAG_BYTES = 16
# Labels are identifiers, never content: no longer than Temporal lets a workflow ID be.
_LABEL_MAX_CHARS = 1000
# Scoped codecs kept for reuse: a worker's open workflows, with room to spare.
_SCOPES_KEPT = 4096

log = get_logger(__name__)


class PayloadRefused(ValueError):
    """The payload is not encrypted, not under a key this party accepts here, or not a sealed
    payload at all."""


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
        # In a Nexus operation's context a payload is labelled with the declaration it names.
        self._in_nexus = False
        # Shared by every scope of this codec: the SDK asks for a codec in the context of each
        # payload a workflow writes or reads, and a profile showed copying one each time cost
        # several percent of the orchestrator worker's time.
        self._scopes: dict[tuple[str | None, str, bool], Self] = {}

    def with_context(self, context: SerializationContext) -> Self:
        workflow_id, peer, in_nexus = None, "", False
        if isinstance(context, (WorkflowSerializationContext, ActivitySerializationContext)):
            named = context.workflow_id
            workflow_id = named if named and _is_label(named) else None
        elif isinstance(context, NexusSerializationContext):
            in_nexus = True
            if context.service in self._active:
                peer = context.service
        label = (workflow_id, peer, in_nexus)
        if label == (self._workflow_id, self._peer, self._in_nexus):
            return self
        scoped = self._scopes.get(label)
        if scoped is None:
            if len(self._scopes) >= _SCOPES_KEPT:
                self._scopes.clear()
            # The ciphers, costly to build, are shared: only the ring in use and the labels
            # change.
            scoped = copy.copy(self)
            scoped._workflow_id, scoped._peer, scoped._in_nexus = label
            self._scopes[label] = scoped
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
        labels = PayloadLabels(
            self._workflow_id, declaration_named_in(payload) if self._in_nexus else None
        )
        sealed = cipher.encrypt(nonce, payload.SerializeToString(), _associated(key_id, labels))
        metadata = {"encoding": ENCODING, KEY_ID: key_id.encode()}
        if labels.workflow_id:
            metadata[WORKFLOW_ID] = labels.workflow_id.encode()
        if labels.declaration_id is not None:
            metadata[DECLARATION_ID] = labels.declaration_id.encode()
        return Payload(metadata=metadata, data=nonce + sealed)

    def decrypt(self, payload: Payload) -> Payload:
        """The payload opened. Raises PayloadRefused, and nothing else, when it is not
        encrypted, not under a key that is accepted in this context, or malformed in any way."""
        if payload.metadata.get("encoding") != ENCODING:
            raise PayloadRefused("the payload is not encrypted")
        key_id = _label(payload, KEY_ID) or ""
        labels = labels_of(payload)
        rings = (
            self._ciphers.values()
            if self._peer == "*"
            else (self._ciphers[""], self._ciphers[self._peer])
        )
        cipher = next((ring[key_id] for ring in rings if key_id in ring), None)
        if cipher is None:
            raise UnknownEncryptionKey(f"no encryption key {key_id[:64]!r} is accepted here")
        if len(payload.data) < _NONCE_BYTES + _TAG_BYTES:
            raise PayloadRefused("the payload is too short to be sealed")
        nonce, sealed = payload.data[:_NONCE_BYTES], payload.data[_NONCE_BYTES:]
        try:
            opened = cipher.decrypt(nonce, sealed, _associated(key_id, labels))
        except InvalidTag:
            raise PayloadRefused(
                "the payload was altered, relabelled or sealed under another key"
            ) from None
        decrypted = Payload()
        try:
            decrypted.ParseFromString(opened)
        except DecodeError:
            raise PayloadRefused("the sealed content is not a payload") from None
        return decrypted


@dataclass(frozen=True)
class PayloadLabels:
    """What an encrypted payload says it belongs to."""

    # The workflow, when it was sealed in one's context.
    workflow_id: str | None
    # The declaration a Nexus request names, when it was sealed in a Nexus operation's context.
    declaration_id: str | None


def labels_of(payload: Payload) -> PayloadLabels:
    """The labels of an encrypted payload; PayloadRefused when one is not a label."""
    return PayloadLabels(_label(payload, WORKFLOW_ID), _label(payload, DECLARATION_ID))


def workflow_of(payload: Payload) -> str | None:
    """The workflow an encrypted payload belongs to, when it was encoded in one's context."""
    return labels_of(payload).workflow_id


def declaration_named_in(payload: Payload) -> str | None:
    """The declaration a JSON payload names at its top level (`declaration_id`), if any."""
    if payload.metadata.get("encoding") != b"json/plain":
        return None
    try:
        document = json.loads(payload.data)
    except (ValueError, RecursionError):
        return None
    named = document.get("declaration_id") if isinstance(document, dict) else None
    return named if isinstance(named, str) and named and _is_label(named) else None


def _label(payload: Payload, name: str) -> str | None:
    raw = payload.metadata.get(name)
    if raw is None:
        return None
    try:
        text = raw.decode()
    except UnicodeDecodeError:
        raise PayloadRefused(f"the payload's {name} is not text") from None
    if not _is_label(text):
        raise PayloadRefused(f"the payload's {name} is not a label")
    return text


def _is_label(text: str) -> bool:
    # No NUL: it separates the labels in the associated data (see _associated).
    return len(text) <= _LABEL_MAX_CHARS and "\x00" not in text


def _associated(key_id: str, labels: PayloadLabels) -> bytes:
    """What the encryption authenticates beside the content: the key that sealed it and what it
    belongs to. A payload relabelled with another key, workflow or declaration, or stripped of
    a label, does not open. Without a declaration label this is exactly what payloads sealed
    before that label existed authenticate, so they still open."""
    parts = [key_id, labels.workflow_id or ""]
    if labels.declaration_id is not None:
        parts.append(labels.declaration_id)
    return b"\x00".join(part.encode() for part in parts)
