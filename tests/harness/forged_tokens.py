"""Tokens no honest issuer would sign: claims and keys chosen by the test, to show the API
refuses them."""

from __future__ import annotations

import base64
import os
from datetime import UTC, datetime, timedelta
from typing import Any

import jwt

from security.decision_signatures import private_key
from security.dev_credentials import dev_token_key_id, dev_token_seed
from security.tokens import ALGORITHM


def random_seed() -> str:
    return base64.b64encode(os.urandom(32)).decode()


def forge(
    issuer: str,
    role: str,
    *,
    seed: str | None = None,
    kid: str | None = None,
    audience: str = "portal-api",
    **claims: Any,
) -> str:
    """A token claiming `role` from `issuer`, signed by default with that issuer's development
    key under its development key id."""
    now = datetime.now(UTC)
    body: dict[str, Any] = {
        "iss": issuer,
        "aud": audience,
        "sub": role,
        "role": role,
        "scope": "declarations:submit declarations:read declarations:act audit:read trust:manage",
        "iat": now,
        "exp": now + timedelta(minutes=5),
        **claims,
    }
    return jwt.encode(
        body,
        private_key(seed or dev_token_seed(issuer)),
        algorithm=ALGORITHM,
        headers={"kid": kid or dev_token_key_id(issuer)},
    )
