"""Keyed pseudonyms: a stable reference to a person that reveals nothing without the key.

A reference names the key version it was made under (`<version>:<hmac>`), and a person is
recognised under every configured version: rotating the key changes the references made from
then on, while declarations filed under an older key stay the citizen's own."""

from __future__ import annotations

import hashlib
import hmac
import re
from collections.abc import Mapping
from dataclasses import dataclass

VERSION_PATTERN = re.compile(r"^[A-Za-z0-9_.-]{1,32}$")


def person_ref(secret: str, personal_id: str) -> str:
    return hmac.new(secret.encode(), personal_id.encode(), hashlib.sha256).hexdigest()


@dataclass(frozen=True)
class PseudonymKeys:
    """The pseudonym key ring: version -> secret, and the version new references use."""

    keys: Mapping[str, str]
    active: str

    def __post_init__(self) -> None:
        if self.active not in self.keys:
            raise ValueError("the active pseudonym key version names no configured key")
        for version in self.keys:
            if not VERSION_PATTERN.match(version):
                raise ValueError(
                    f"pseudonym key version {version!r}: use 1-32 of A-Z a-z 0-9 _ . -"
                )

    def ref(self, personal_id: str) -> str:
        return f"{self.active}:{person_ref(self.keys[self.active], personal_id)}"

    def refs(self, personal_id: str) -> frozenset[str]:
        """Every reference this person may have been stored under. The bare HMAC is the format
        before references were versioned: configuring that old secret as a version keeps those
        declarations visible too."""
        found = set()
        for version, secret in self.keys.items():
            digest = person_ref(secret, personal_id)
            found |= {f"{version}:{digest}", digest}
        return frozenset(found)
