"""The secrets an agency's system holds."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass
class AgencyCredentials:
    """The agency's own secrets: the key its case worker presents, the key its officers present,
    and the key it signs its decisions with (rotated through `PUT /sandbox/signing-key`)."""

    service_key: str
    officer_key: str
    signing_seed: str
    signing_key_id: str
