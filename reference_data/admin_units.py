"""Viet Nam's administrative units in force since 1 July 2025: the 34 provinces and the 3,321
communes (xã, phường, đặc khu) with their official codes and names, as the maintained
`vietnam-provinces` package publishes them; and the province-of-birth codes that open a
personal ID.

The package numbers units with integers; the national list, and so the portal contract, writes
a province in 2 digits and a commune in 5 (Phường Ba Đình is 00004, in Hà Nội, 01)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache

from reference_data.birth_provinces import BIRTH_PROVINCES


@dataclass(frozen=True)
class Province:
    code: str
    name: str


@dataclass(frozen=True)
class Commune:
    code: str
    name: str
    province_code: str


def province_code(number: int) -> str:
    return f"{number:02d}"


def commune_code(number: int) -> str:
    return f"{number:05d}"


def _official_name(name: str) -> str:
    # A few names in the published list carry a doubled space ("Phường  Tân An"): the name
    # printed for a family is the name with single spaces.
    return " ".join(name.split())


@dataclass(frozen=True)
class AdminUnitCatalogue:
    provinces: Mapping[str, Province]
    communes: Mapping[str, Commune]
    birth_province_codes: frozenset[str]

    def has_commune(self, code: str) -> bool:
        return code in self.communes

    def commune(self, code: str) -> Commune:
        return self.communes[code]

    def province_of(self, commune_code: str) -> str:
        return self.communes[commune_code].province_code

    def place_name(self, commune_code: str) -> str:
        """The commune and its province by their official names, as a place is written on a
        document: "Phường Ba Đình, Thành phố Hà Nội"."""
        commune = self.communes[commune_code]
        return f"{commune.name}, {self.provinces[commune.province_code].name}"


@lru_cache(maxsize=1)
def official_admin_units() -> AdminUnitCatalogue:
    """Every official province and commune, from the installed `vietnam-provinces`."""
    # Imported here: the package builds an enum of every unit as it loads, which code that only
    # names the catalogue's type (the intake rules) need not pay for.
    from vietnam_provinces import Province as PackageProvince
    from vietnam_provinces import Ward as PackageCommune

    provinces = {
        province_code(p.code): Province(province_code(p.code), _official_name(p.name))
        for p in PackageProvince.iter_all()
    }
    communes = {
        commune_code(w.code): Commune(
            commune_code(w.code), _official_name(w.name), province_code(w.province_code)
        )
        for w in PackageCommune.iter_all()
    }
    return AdminUnitCatalogue(
        provinces=provinces,
        communes=communes,
        birth_province_codes=frozenset(code for code, _ in BIRTH_PROVINCES),
    )
