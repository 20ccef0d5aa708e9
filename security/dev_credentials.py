"""Credentials for development, tests and demos only, derived from fixed labels so that every
process of a local stack agrees on them without configuration. The settings refuse every one of
them when `ENVIRONMENT=production`."""

from __future__ import annotations

import base64
import hashlib

AGENCIES = ("justice", "police", "social_security", "postal")
DEV_MARK = "dev-"


def _derive(label: str) -> bytes:
    return hashlib.sha256(f"lienthong development only: {label}".encode()).digest()


def dev_secret(label: str) -> str:
    return DEV_MARK + base64.urlsafe_b64encode(_derive(label)).decode().rstrip("=")


PARTIES = ("orchestrator", *AGENCIES)


def dev_payload_key(party: str) -> str:
    """A party's development payload key (base64 of 32 bytes)."""
    return base64.b64encode(_derive(f"{party} payload encryption key")).decode()


def dev_payload_key_id(party: str) -> str:
    return f"{party}-dev-1"


def dev_signing_key_id(agency: str) -> str:
    return f"{agency}-dev-1"


def dev_signing_seed(agency: str) -> str:
    return base64.b64encode(_derive(f"{agency} decision signing key")).decode()


def is_dev_value(value: str) -> bool:
    return (
        value.startswith(DEV_MARK)
        or value in {dev_payload_key(p) for p in PARTIES}
        or value in {dev_signing_seed(a) for a in AGENCIES}
    )
