"""Viet Nam's administrative units (provinces and communes in force since 1 July 2025)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path


@dataclass(frozen=True)
class AdminUnitCatalogue:
    commune_province: dict[str, str]
    province_names: dict[str, str]
    birth_province_codes: frozenset[str]

    @classmethod
    def from_file(cls, path: Path) -> AdminUnitCatalogue:
        raw = json.loads(path.read_text(encoding="utf-8"))
        return cls(
            commune_province={c["code"]: c["province_code"] for c in raw["communes"]},
            province_names={p["code"]: p["name"] for p in raw["provinces"]},
            birth_province_codes=frozenset(b["code"] for b in raw["birth_province_codes"]),
        )

    def has_commune(self, code: str) -> bool:
        return code in self.commune_province

    def province_of(self, commune_code: str) -> str:
        return self.commune_province[commune_code]


@lru_cache(maxsize=4)
def load_admin_units(path: Path) -> AdminUnitCatalogue:
    return AdminUnitCatalogue.from_file(path)
