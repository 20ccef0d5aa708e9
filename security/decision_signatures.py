"""Agencies sign their decisions (Ed25519); the workflow verifies each one against the agency's
public keys before it acts on it, so no one but the agency can decide the agency's cases, not
even another agency's adapter that can reach the same workflows.

Signing and verifying are pure computations: the workflow verifies deterministically.
"""

from __future__ import annotations

import base64
import json
from collections.abc import Iterable
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat


def canonical(content: dict[str, Any]) -> str:
    return json.dumps(
        content, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str
    )


def private_key(seed_b64: str) -> Ed25519PrivateKey:
    return Ed25519PrivateKey.from_private_bytes(base64.b64decode(seed_b64))


def public_key_b64(seed_b64: str) -> str:
    raw = private_key(seed_b64).public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)
    return base64.b64encode(raw).decode()


def sign(seed_b64: str, signed: str) -> str:
    return base64.b64encode(private_key(seed_b64).sign(signed.encode())).decode()


def verify(public_keys_b64: Iterable[str], signed: str, signature_b64: str) -> bool:
    """True when any of the agency's current public keys verifies the signature."""
    try:
        signature = base64.b64decode(signature_b64, validate=True)
    except ValueError:
        return False
    for key in public_keys_b64:
        try:
            Ed25519PublicKey.from_public_bytes(base64.b64decode(key)).verify(
                signature, signed.encode()
            )
            return True
        except (InvalidSignature, ValueError):
            continue
    return False
