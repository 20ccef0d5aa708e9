"""What an operator reads of a batch of payloads from a history.

A payload that was never encrypted is passed back unchanged: the SDK writes some in clear (a
local activity's marker details), and the Web UI and CLI decode a history's payloads in batches
that include them. An encrypted payload that does not open under the party's keys is answered,
in its place, with a refusal the operator can read; the rest of the batch still decodes. Only
what opened is worth an audit entry."""

from __future__ import annotations

import json
from dataclasses import dataclass

from temporalio.api.common.v1 import Payload

from temporal_connection.encryption_codec import (
    ENCODING,
    EncryptionCodec,
    PayloadLabels,
    PayloadRefused,
    labels_of,
)

# Metadata that marks a payload the codec server answered in place of one it would not open.
REFUSED = "lienthong-refused"


@dataclass(frozen=True)
class Reading:
    # What the operator is sent for this payload.
    payload: Payload
    # What the payload belongs to, when it was encrypted and opened.
    opened: PayloadLabels | None = None
    # Why it did not open, when it was encrypted and did not.
    refusal: str | None = None


def read_payloads(codec: EncryptionCodec, payloads: list[Payload]) -> list[Reading]:
    return [_read(codec, payload) for payload in payloads]


def _read(codec: EncryptionCodec, payload: Payload) -> Reading:
    if payload.metadata.get("encoding") != ENCODING:
        return Reading(payload)
    try:
        opened = codec.decrypt(payload)
    except PayloadRefused as refused:
        return Reading(refusal_marker(str(refused)), refusal=str(refused))
    return Reading(opened, opened=labels_of(payload))


def refusal_marker(reason: str) -> Payload:
    """A payload in plain JSON, which the Web UI and CLI show as text, saying why the original
    was not opened; its metadata marks it for any tool that must tell it from data."""
    return Payload(
        metadata={"encoding": b"json/plain", REFUSED: b"true"},
        data=json.dumps({"refused": reason}, ensure_ascii=False).encode(),
    )
