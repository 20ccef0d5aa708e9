"""The administrative units of the synthetic dataset: the 34 official provinces and, in each, a
few of its official communes drawn from the national list (a dataset may hold fewer communes than
the country, never a made-up one)."""

from __future__ import annotations

import random
from operator import attrgetter

from reference_data.admin_units import AdminUnitCatalogue
from reference_data.birth_provinces import BIRTH_PROVINCES

# The two largest cities get more communes, as more of the population lives there.
COMMUNES_PER_PROVINCE = 3
COMMUNES_PER_CITY = {"01": 8, "79": 8}

_BY_CODE = attrgetter("code")


def provinces(units: AdminUnitCatalogue) -> list[dict[str, str]]:
    return [
        {"code": p.code, "name": p.name} for p in sorted(units.provinces.values(), key=_BY_CODE)
    ]


def birth_provinces() -> list[dict[str, str]]:
    return [{"code": code, "name": name} for code, name in BIRTH_PROVINCES]


def build_communes(units: AdminUnitCatalogue, seed: int) -> list[dict[str, str]]:
    """A few official communes of each province, the same for the same seed. They come from a
    random stream of their own, so the people drawn after them do not depend on how many."""
    rng = random.Random(f"{seed}:communes")
    chosen: list[dict[str, str]] = []
    for province in sorted(units.provinces):
        in_province = sorted(
            (c for c in units.communes.values() if c.province_code == province), key=_BY_CODE
        )
        count = COMMUNES_PER_CITY.get(province, COMMUNES_PER_PROVINCE)
        chosen.extend(
            {"code": c.code, "name": c.name, "province_code": province}
            for c in sorted(rng.sample(in_province, count), key=_BY_CODE)
        )
    return chosen
