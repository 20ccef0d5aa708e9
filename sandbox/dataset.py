"""The sandbox dataset: administrative units, the population registry and social-security records.

Any directory in this format can be loaded (see `SANDBOX_DATA_DIR`).
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, Field, TypeAdapter, model_validator

from reference_data.admin_units import official_admin_units


class ResidenceEntry(BaseModel):
    commune_code: str
    address_line: str


class PersonEntry(BaseModel):
    personal_id: str
    full_name: str
    sex: Literal["male", "female"]
    date_of_birth: date
    residence: ResidenceEntry
    status: Literal["alive", "deceased"] = "alive"
    spouse_id: str | None = None
    mother_id: str | None = None


class InsuredEntry(BaseModel):
    social_insurance_number: str
    personal_id: str
    status: Literal["pensioner", "contributing", "suspended"]
    # Years may carry a fraction (0.5 = six months paid).
    contribution_years: float
    contribution_years_before_2014: float
    average_monthly_salary_vnd: int
    monthly_pension_vnd: int | None = None
    pension_start_date: date | None = None
    # The occupational accident or disease VSS has on record for the person, if any: a death
    # declared as occupational is checked against it.
    occupational_incident_kind: Literal["occupational_accident", "occupational_disease"] | None = (
        None
    )
    occupational_incident_on: date | None = None
    # The incapacity rate of the monthly occupational benefit VSS pays the person, if any.
    occupational_incapacity_percent: int | None = Field(default=None, ge=1, le=100)


class CommuneEntry(BaseModel):
    code: str
    name: str
    province_code: str


class CodeName(BaseModel):
    code: str
    name: str


class AdminUnitsEntry(BaseModel):
    provinces: list[CodeName]
    birth_province_codes: list[CodeName]
    # Where the dataset's people live: a few of the official communes, never a made-up one.
    communes: list[CommuneEntry]

    @model_validator(mode="after")
    def _only_official_communes(self) -> AdminUnitsEntry:
        # Codes and provinces are checked, not the spelling of names: the agencies print the
        # official names, never the dataset's.
        official = official_admin_units()
        for commune in self.communes:
            if not official.has_commune(commune.code):
                raise ValueError(f"commune {commune.code} is not an official commune")
            if official.province_of(commune.code) != commune.province_code:
                raise ValueError(
                    f"commune {commune.code} is in province "
                    f"{official.province_of(commune.code)}, not {commune.province_code}"
                )
        return self


_PEOPLE = TypeAdapter(list[PersonEntry])
_INSURED = TypeAdapter(list[InsuredEntry])


@dataclass(frozen=True)
class Dataset:
    admin_units: AdminUnitsEntry
    people: list[PersonEntry]
    insured: list[InsuredEntry]
    fingerprint: str

    @property
    def commune_province(self) -> dict[str, str]:
        return {c.code: c.province_code for c in self.admin_units.communes}


def dataset_fingerprint(directory: Path) -> str:
    digest = hashlib.sha256()
    for name in ("admin_units.json", "population.json", "insured.json"):
        digest.update((directory / name).read_bytes())
    return digest.hexdigest()


def load_dataset(directory: Path) -> Dataset:
    def read(name: str) -> bytes:
        return (directory / name).read_bytes()

    return Dataset(
        admin_units=AdminUnitsEntry.model_validate(json.loads(read("admin_units.json"))),
        people=_PEOPLE.validate_json(read("population.json")),
        insured=_INSURED.validate_json(read("insured.json")),
        fingerprint=dataset_fingerprint(directory),
    )
