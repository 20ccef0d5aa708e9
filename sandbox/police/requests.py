"""The residence procedures the police accept."""

from __future__ import annotations

from datetime import date
from typing import Literal

from pydantic import BaseModel


class PlaceIn(BaseModel):
    commune_code: str
    address_line: str


class InstitutionIn(BaseModel):
    name: str
    commune_code: str
    address_line: str


class ResidenceRegistrationIn(BaseModel):
    declaration_id: str
    supersedes_case_number: str | None = None
    personal_id: str
    full_name: str
    sex: Literal["male", "female"]
    date_of_birth: date
    residence: PlaceIn
    mother_personal_id: str | None = None
    father_personal_id: str | None = None
    # The guardian who declared: a child no living parent is named for (an abandoned child, or
    # one whose parents both died) is registered at the guardian's residence.
    caretaker_personal_id: str | None = None
    # The institution caring for the child, for which the guardian declared: the child is
    # registered at the institution's address instead.
    institution: InstitutionIn | None = None
    civil_status_record_number: str


class ResidenceRemovalIn(BaseModel):
    declaration_id: str
    supersedes_case_number: str | None = None
    personal_id: str
    date_of_death: date
    death_record_number: str
