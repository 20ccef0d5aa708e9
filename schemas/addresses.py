"""Two addresses compared as the places they name, whatever the form they were typed in."""

from __future__ import annotations

from schemas.names import name_key


def address_line_key(line: str) -> str:
    """An address line as compared: one street or hamlet whatever its Unicode form, case,
    spacing or tone placement ("Hoà Bình", "HÒA  BÌNH"), as a person's name is."""
    return name_key(line)


def same_address(
    commune_code: str, address_line: str, other_commune_code: str, other_address_line: str
) -> bool:
    """The same commune, and the same house, street or hamlet within it."""
    return commune_code == other_commune_code and address_line_key(
        address_line
    ) == address_line_key(other_address_line)
