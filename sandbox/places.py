"""The national list of administrative units, as each agency's system holds it.

The agencies are national: a child may be born, a family may live and a person may die in any
official commune, whether or not the dataset's population lives there. So a place is checked
against every official commune, and the dataset's own communes only say where its people live."""

from __future__ import annotations

from reference_data.admin_units import official_admin_units

# What an agency writes when a code names no official commune.
COMMUNE_UNKNOWN_VI = "Xã, phường, đặc khu {code} không có trong danh mục đơn vị hành chính."


def province_of(commune_code: str) -> str | None:
    """The province of an official commune; None for a code that names none."""
    units = official_admin_units()
    return units.province_of(commune_code) if units.has_commune(commune_code) else None


def commune_unknown_text(commune_code: str) -> str:
    return COMMUNE_UNKNOWN_VI.format(code=commune_code)
