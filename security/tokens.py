"""Signed bearer tokens (JWT, HS256) for the portal API and the codec server."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import jwt

from security.principals import ROLE_SCOPES, Principal, Role, Scope

ISSUER = "lienthong"
ALGORITHM = "HS256"


class InvalidToken(Exception):
    pass


def issue_token(
    secret: str,
    subject: str,
    role: Role,
    *,
    citizen_id: str | None = None,
    audience: str = "portal-api",
    lifetime: timedelta = timedelta(hours=1),
    party: str = "orchestrator",
) -> str:
    now = datetime.now(UTC)
    claims: dict[str, object] = {
        "iss": ISSUER,
        "aud": audience,
        "sub": subject,
        "role": role,
        "scope": " ".join(sorted(ROLE_SCOPES[role])),
        "iat": now,
        "exp": now + lifetime,
    }
    if citizen_id is not None:
        claims["citizen_id"] = citizen_id
    if role == "operator":
        claims["party"] = party
    return jwt.encode(claims, secret, algorithm=ALGORITHM)


def read_token(secret: str, token: str, audience: str = "portal-api") -> Principal:
    try:
        claims = jwt.decode(
            token,
            secret,
            algorithms=[ALGORITHM],
            audience=audience,
            issuer=ISSUER,
            options={"require": ["exp", "sub", "aud", "iss"]},
        )
    except jwt.PyJWTError as error:
        raise InvalidToken(type(error).__name__) from None
    role = claims.get("role")
    if role not in ROLE_SCOPES:
        raise InvalidToken("unknown role")
    granted = {Scope(s) for s in str(claims.get("scope", "")).split() if s in set(Scope)}
    return Principal(
        subject=str(claims["sub"]),
        role=role,
        scopes=frozenset(granted & ROLE_SCOPES[role]),
        citizen_id=claims.get("citizen_id"),
        party=str(claims.get("party", "orchestrator")),
    )
