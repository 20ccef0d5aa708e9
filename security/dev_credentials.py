"""Credentials for development, tests and demos only, derived from fixed labels so that every
process of a local stack agrees on them without configuration. The settings refuse every one of
them when `ENVIRONMENT=production`."""

from __future__ import annotations

import base64
import hashlib
from functools import lru_cache

from schemas.parties import AGENCY_PARTIES
from security.decision_signatures import public_key_b64
from security.principals import ISSUER_ROLES

AGENCIES: tuple[str, ...] = AGENCY_PARTIES
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


def dev_token_key_id(issuer: str) -> str:
    return f"{issuer}-dev-1"


def dev_token_seed(issuer: str) -> str:
    """A token issuer's development Ed25519 seed (base64 of 32 bytes)."""
    return base64.b64encode(_derive(f"{issuer} token signing key")).decode()


PSEUDONYM_DEV_VERSION = "dev-1"

# The notification channels' sandbox accounts. An account SID is an identifier, not a secret:
# shaped like a provider's ("AC" and 32 hex digits) and derived like the rest.
DEV_SMS_ACCOUNT_SID = "AC" + _derive("sms gateway account sid").hex()[:32]
DEV_SMTP_USERNAME = "lienthong"


def dev_sms_auth_token() -> str:
    return dev_secret("sms gateway auth token")


def dev_smtp_password() -> str:
    return dev_secret("smtp password")


def dev_pseudonym_key() -> str:
    return dev_secret("declarant pseudonym key 1")


@lru_cache(maxsize=1)
def _dev_values() -> frozenset[str]:
    seeds = {dev_signing_seed(a) for a in AGENCIES} | {dev_token_seed(i) for i in ISSUER_ROLES}
    return frozenset(
        {dev_payload_key(p) for p in PARTIES}
        | seeds
        # Trusting a development public key is as bad as holding its seed: anyone can sign.
        | {public_key_b64(seed) for seed in seeds}
    )


def is_dev_value(value: str) -> bool:
    return value.startswith(DEV_MARK) or value in _dev_values()
