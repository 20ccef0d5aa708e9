"""The birth declaration, exactly as the portal contract names its fields."""

from __future__ import annotations

from datetime import date
from typing import Literal

from pydantic import Field, model_validator
from pydantic_core import PydanticCustomError

from schemas.common import (
    AttachmentRef,
    AttachmentUpload,
    Contact,
    Delivery,
    Place,
    ShortText,
    StrictModel,
)
from schemas.identifiers import CommuneCode, DocumentNumber, FullName, PersonalId, Sex

BirthDeclarantRelationship = Literal[
    "mother", "father", "grandparent", "sibling", "relative", "guardian", "other"
]
# A birth the ordinary proofs do not fit: a child found abandoned, whose discovery record stands
# for the birth certificate and whose parents are unknown; or a child born to a surrogate for
# humanitarian purposes, whose intended parents are registered as the parents.
BirthSpecialCase = Literal["abandoned_child", "surrogacy"]


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
    # The child's place among twins or more born the same day: what tells apart children of
    # one mother born on one date when their names alone may not.
    birth_order: int | None = Field(default=None, ge=1, le=9)


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
            # Still a `value_error`, whose words the portal finds by the code in its context.
            raise PydanticCustomError(
                "value_error",
                "Give either the parent's personal ID or a passport number, not both.",
                {"message_code": "input.parent_id_or_passport"},
            )
        return self


class BirthDeclarationFields(StrictModel):
    declarant: BirthDeclarant
    child: Child
    # Unknown for an abandoned child; the rules require her in every other case.
    mother: Parent | None = None
    father: Parent | None = None
    birth_certificate_number: DocumentNumber | None = None
    residence: Place
    poor_household_certificate: DocumentNumber | None = None
    delivery: Delivery
    special_case: BirthSpecialCase | None = None


class BirthDeclarationSubmission(BirthDeclarationFields):
    """What the portal posts."""

    attachments: list[AttachmentUpload]


class BirthDeclaration(BirthDeclarationFields):
    """What the workflow carries: the same declaration, attachments by reference."""

    attachments: list[AttachmentRef]
