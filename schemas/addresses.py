"""Two addresses compared as the places they name, whatever the form they were typed in."""

from __future__ import annotations

import unicodedata


def address_line_key(line: str) -> str:
    """An address line as compared: precomposed, case-folded, its spaces collapsed."""
    return " ".join(unicodedata.normalize("NFC", line).casefold().split())


def same_address(
    commune_code: str, address_line: str, other_commune_code: str, other_address_line: str
) -> bool:
    """The same commune, and the same house, street or hamlet within it."""
    return commune_code == other_commune_code and address_line_key(
        address_line
    ) == address_line_key(other_address_line)
