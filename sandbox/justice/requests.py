"""The registrations the justice office accepts."""

from __future__ import annotations

from datetime import date
from typing import Literal

from pydantic import BaseModel


class ParentIn(BaseModel):
    personal_id: str | None = None
    passport_number: str | None = None
    full_name: str
    date_of_birth: date


class AttachmentIn(BaseModel):
    kind: str
    sha256: str


class BirthRegistrationIn(BaseModel):
    declaration_id: str
    supersedes_case_number: str | None = None
    child_full_name: str
    child_sex: Literal["male", "female"]
    child_date_of_birth: date
    child_birth_order: int | None = None
    birth_commune_code: str
    birth_facility_name: str | None = None
    ethnicity: str
    nationality: str
    # Unknown for an abandoned child.
    mother: ParentIn | None = None
    father: ParentIn | None = None
    declarant_personal_id: str
    declarant_relationship: str
    birth_certificate_number: str | None = None
    special_case: Literal["abandoned_child", "surrogacy"] | None = None
    attachments: list[AttachmentIn] = []


class PlaceIn(BaseModel):
    commune_code: str
    address_line: str


class DeathRegistrationIn(BaseModel):
    declaration_id: str
    supersedes_case_number: str | None = None
    deceased_personal_id: str
    deceased_full_name: str
    deceased_sex: Literal["male", "female"]
    deceased_date_of_birth: date
    date_of_death: date
    place_of_death: PlaceIn
    cause_of_death: str
    death_notice_number: str | None = None
    declarant_personal_id: str
    declarant_relationship: str
    late_registration: bool = False
    attachments: list[AttachmentIn] = []
