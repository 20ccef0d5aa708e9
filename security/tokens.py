"""Signed bearer tokens (JWT, EdDSA over Ed25519) for the portal API and the codec server.

Each issuer signs with its own private key, named by the token's `kid`; the processes that
verify hold only public keys, by issuer and key id, and accept from an issuer only the roles it
may grant (security.principals.ISSUER_ROLES)."""

from __future__ import annotations

import base64
import binascii
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from functools import lru_cache

import jwt
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from security.decision_signatures import private_key
from security.principals import (
    AGENCY_ISSUERS,
    ISSUER_ROLES,
    MAX_TOKEN_LIFETIME,
    Principal,
    Role,
    Scope,
    scopes_of,
)
from security.pseudonyms import PseudonymKeys

ALGORITHM = "EdDSA"
# Issuers' and verifiers' clocks differ by a little.
_CLOCK_SKEW = timedelta(seconds=60)

# issuer -> key id -> base64 of the raw Ed25519 public key.
VerifyKeys = Mapping[str, Mapping[str, str]]


class InvalidToken(Exception):
    pass


@dataclass(frozen=True)
class SigningKey:
    issuer: str
    key_id: str
    # Base64 of the 32-byte Ed25519 seed.
    seed: str


def issue_token(
    key: SigningKey,
    role: Role,
    subject: str | None = None,
    *,
    citizen_id: str | None = None,
    pseudonyms: PseudonymKeys | None = None,
    audience: str = "portal-api",
    lifetime: timedelta = timedelta(hours=1),
    party: str = "orchestrator",
) -> str:
    """A token for `role`, which `key`'s issuer must be allowed to grant. A citizen's subject is
    the pseudonym of their personal ID, never a name the issuer picks."""
    if role not in ISSUER_ROLES.get(key.issuer, frozenset()):
        raise ValueError(f"the issuer {key.issuer} may not grant the role {role}")
    if lifetime > MAX_TOKEN_LIFETIME[role]:
        raise ValueError(f"a {role} token lives at most {MAX_TOKEN_LIFETIME[role]}")
    if role == "citizen":
        if not citizen_id or pseudonyms is None:
            raise ValueError(
                "a citizen token needs the citizen's personal ID and the pseudonym keys"
            )
        own = pseudonyms.ref(citizen_id)
        if subject not in (None, own):
            raise ValueError("a citizen's subject is the pseudonym of their personal ID")
        subject = own
    now = datetime.now(UTC)
    claims: dict[str, object] = {
        "iss": key.issuer,
        "aud": audience,
        "sub": subject or role,
        "role": role,
        "scope": " ".join(sorted(scopes_of(role, party))),
        "iat": now,
        "exp": now + lifetime,
    }
    if role == "citizen":
        claims["citizen_id"] = citizen_id
    if role == "operator":
        claims["party"] = party
    if role == "agency":
        claims["party"] = AGENCY_ISSUERS[key.issuer]
    return jwt.encode(
        claims, private_key(key.seed), algorithm=ALGORITHM, headers={"kid": key.key_id}
    )


@lru_cache(maxsize=64)
def _public_key(public_b64: str) -> Ed25519PublicKey:
    return Ed25519PublicKey.from_public_bytes(base64.b64decode(public_b64, validate=True))


def public_key_problem(public_b64: str) -> str | None:
    """Why a configured public key cannot verify anything, or None."""
    try:
        _public_key(public_b64)
    except (ValueError, binascii.Error):
        return "is not base64 of a 32-byte Ed25519 public key"
    return None


def _verification_key(verify_keys: VerifyKeys, token: str) -> tuple[str, Ed25519PublicKey]:
    """The claimed issuer and the public key its `kid` names; nothing here is trusted until the
    signature is verified with that key."""
    try:
        kid = jwt.get_unverified_header(token).get("kid")
        claimed = jwt.decode(token, options={"verify_signature": False}).get("iss")
    except jwt.PyJWTError as error:
        raise InvalidToken(type(error).__name__) from None
    if not isinstance(claimed, str) or claimed not in ISSUER_ROLES:
        raise InvalidToken("unknown issuer")
    public = verify_keys.get(claimed, {}).get(kid) if isinstance(kid, str) else None
    if public is None:
        raise InvalidToken("unknown key id")
    try:
        return claimed, _public_key(public)
    except (ValueError, binascii.Error):
        raise InvalidToken("unusable key") from None


def read_token(
    verify_keys: VerifyKeys,
    token: str,
    audience: str = "portal-api",
    *,
    pseudonyms: PseudonymKeys | None = None,
) -> Principal:
    """The principal a token names, once verified. With `pseudonyms`, a citizen's subject must
    be the pseudonym of the personal ID the token carries (under any configured version)."""
    issuer, public = _verification_key(verify_keys, token)
    try:
        claims = jwt.decode(
            token,
            public,
            algorithms=[ALGORITHM],
            audience=audience,
            issuer=issuer,
            options={"require": ["exp", "iat", "sub", "aud", "iss"]},
        )
    except jwt.PyJWTError as error:
        raise InvalidToken(type(error).__name__) from None
    role = claims.get("role")
    if role not in ISSUER_ROLES[issuer]:
        raise InvalidToken("role not granted by this issuer")
    lifetime = timedelta(seconds=float(claims["exp"]) - float(claims["iat"]))
    if lifetime > MAX_TOKEN_LIFETIME[role] + _CLOCK_SKEW:
        raise InvalidToken("lifetime beyond the role's maximum")
    subject = str(claims["sub"])
    citizen_id = claims.get("citizen_id")
    if role == "citizen":
        if not isinstance(citizen_id, str) or not citizen_id:
            raise InvalidToken("a citizen token without the citizen")
        if pseudonyms is not None and subject not in pseudonyms.refs(citizen_id):
            raise InvalidToken("subject is not this citizen's pseudonym")
    party = str(claims.get("party", "orchestrator"))
    if role == "agency":
        # An agency speaks only for itself: the issuer's key decides which agency that is.
        party = AGENCY_ISSUERS[issuer]
    granted = {Scope(s) for s in str(claims.get("scope", "")).split() if s in set(Scope)}
    return Principal(
        subject=subject,
        role=role,
        scopes=frozenset(granted & scopes_of(role, party)),
        citizen_id=citizen_id if role == "citizen" else None,
        party=party,
    )
