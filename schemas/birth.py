"""The birth declaration, exactly as the portal contract names its fields."""

from __future__ import annotations

from datetime import date
from typing import Literal

from pydantic import Field, model_validator

from schemas.common import (
    AttachmentRef,
    AttachmentUpload,
    Contact,
    Delivery,
    Place,
    ShortText,
    StrictModel,
)
from schemas.identifiers import CommuneCode, FullName, PersonalId, Sex

BirthDeclarantRelationship = Literal[
    "mother", "father", "grandparent", "sibling", "relative", "other"
]


class BirthDeclarant(Contact):
    personal_id: PersonalId
    full_name: FullName
    relationship: BirthDeclarantRelationship


class PlaceOfBirth(StrictModel):
    commune_code: CommuneCode
    # Absent when the child was born outside a health facility.
    facility_name: ShortText | None = None


class Child(StrictModel):
    full_name: FullName
    sex: Sex
    date_of_birth: date
    place_of_birth: PlaceOfBirth
    ethnicity: ShortText = "Kinh"
    nationality: str = Field(default="VN", pattern=r"^[A-Z]{2}$")


class Parent(StrictModel):
    """A parent known by personal ID, or a foreign parent known by passport."""

    personal_id: PersonalId | None = None
    passport_number: str | None = Field(default=None, pattern=r"^[A-Z0-9]{6,12}$")
    full_name: FullName
    date_of_birth: date
    nationality: str = Field(default="VN", pattern=r"^[A-Z]{2}$")

    @model_validator(mode="after")
    def _identified_once(self) -> Parent:
        if (self.personal_id is None) == (self.passport_number is None):
            raise ValueError("Give either the parent's personal ID or a passport number, not both.")
        return self


class BirthDeclarationFields(StrictModel):
    declarant: BirthDeclarant
    child: Child
    mother: Parent
    father: Parent | None = None
    birth_certificate_number: ShortText | None = None
    residence: Place
    poor_household_certificate: ShortText | None = None
    delivery: Delivery


class BirthDeclarationSubmission(BirthDeclarationFields):
    """What the portal posts."""

    attachments: list[AttachmentUpload]


class BirthDeclaration(BirthDeclarationFields):
    """What the workflow carries: the same declaration, attachments by reference."""

    attachments: list[AttachmentRef]
