"""Keyed pseudonyms: a stable reference to a person that reveals nothing without the key."""

from __future__ import annotations

import hashlib
import hmac


def person_ref(secret: str, personal_id: str) -> str:
    return hmac.new(secret.encode(), personal_id.encode(), hashlib.sha256).hexdigest()
