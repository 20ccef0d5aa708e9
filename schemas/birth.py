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
    StrictModel,
)
from schemas.identifiers import (
    CommuneCode,
    CountryCode,
    DocumentNumber,
    PassportNumber,
    PersonalId,
    Sex,
)
from schemas.names import FullName
from schemas.text import ShortText

BirthDeclarantRelationship = Literal[
    "mother", "father", "grandparent", "sibling", "relative", "guardian", "other"
]
# A birth the ordinary proofs do not fit: a child found abandoned, whose discovery record stands
# for the birth certificate and whose parents are unknown; or a child born to a surrogate for
# humanitarian purposes, whose intended parents are registered as the parents.
BirthSpecialCase = Literal["abandoned_child", "surrogacy"]


class Institution(StrictModel):
    """A social protection centre, or another institution, caring for a child: its
    representative declares the birth for it, and the child's residence is its address."""

    name: ShortText = Field(examples=["Trung tâm Bảo trợ xã hội số 1 Hà Nội"])
    commune_code: CommuneCode = Field(
        description="The commune the institution is in, 5 digits.", examples=["00004"]
    )
    address_line: ShortText = Field(
        description="The institution's address within the commune.",
        examples=["Số 5, đường Phú Kiều"],
    )


class BirthDeclarant(Contact):
    personal_id: PersonalId = Field(
        description="The declarant's personal identification number, 12 digits.",
        examples=["001190012345"],
    )
    full_name: FullName = Field(
        description="As on the declarant's identity card.", examples=["Nguyễn Thị Lan"]
    )
    relationship: BirthDeclarantRelationship = Field(
        description="The declarant's relationship to the child.", examples=["mother"]
    )
    institution: Institution | None = Field(
        default=None,
        description="With `relationship` `guardian`, when the declarant represents a social "
        "protection centre or another institution caring for the child; the child's "
        "`residence` is then the institution's address.",
    )


class PlaceOfBirth(StrictModel):
    commune_code: CommuneCode = Field(
        description="The commune the child was born in, 5 digits.", examples=["00004"]
    )
    # Absent when the child was born outside a health facility.
    facility_name: ShortText | None = Field(
        default=None,
        description="The hospital or clinic; absent for a birth outside a health facility.",
        examples=["Bệnh viện Phụ sản Hà Nội"],
    )


class Child(StrictModel):
    full_name: FullName = Field(
        description="The name the family gives the child.", examples=["Trần Minh Khang"]
    )
    sex: Sex = Field(examples=["male"])
    date_of_birth: date = Field(examples=["2026-11-20"])
    place_of_birth: PlaceOfBirth
    ethnicity: ShortText = Field(default="Kinh", examples=["Kinh"])
    nationality: CountryCode = Field(
        default="VN",
        description="ISO 3166 country code.",
        examples=["VN"],
    )
    # The child's place among twins or more born the same day: what tells apart children of
    # one mother born on one date when their names alone may not.
    birth_order: int | None = Field(default=None, ge=1, le=9)


class Parent(StrictModel):
    """A parent known by personal ID, or a foreign parent known by passport."""

    personal_id: PersonalId | None = Field(
        default=None,
        description="The parent's personal identification number, 12 digits; or else "
        "`passport_number`.",
        examples=["001190012345"],
    )
    passport_number: PassportNumber | None = Field(
        default=None,
        description="A foreign parent's passport number, instead of `personal_id`.",
        examples=["C1234567"],
    )
    full_name: FullName = Field(examples=["Nguyễn Thị Lan"])
    date_of_birth: date = Field(examples=["1990-03-15"])
    nationality: CountryCode = Field(
        default="VN",
        description="ISO 3166 country code.",
        examples=["VN"],
    )

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
    declarant: BirthDeclarant = Field(description="Who files the declaration.")
    child: Child
    # Unknown for an abandoned child; the rules require her in every other case.
    mother: Parent | None = Field(
        default=None, description="Required unless the child was found abandoned."
    )
    father: Parent | None = Field(default=None, description="When paternity is established.")
    birth_certificate_number: DocumentNumber | None = Field(
        default=None,
        description="The number on the birth certificate the facility issued.",
        examples=["GCS-2026-001234"],
    )
    residence: Place = Field(description="Where the child's permanent residence is registered.")
    poor_household_certificate: DocumentNumber | None = Field(
        default=None,
        description="The household's poor-household certificate, when it has one.",
        examples=["HN-2026-000123"],
    )
    delivery: Delivery = Field(description="How the family receives the results.")
    special_case: BirthSpecialCase | None = Field(
        default=None,
        description="A birth the ordinary proofs do not fit: a child found abandoned, or born "
        "to a surrogate.",
    )


class BirthDeclarationSubmission(BirthDeclarationFields):
    """What the portal posts."""

    attachments: list[AttachmentUpload] = Field(
        description="The documents the declaration rests on, with their content."
    )


class BirthDeclaration(BirthDeclarationFields):
    """What the workflow carries: the same declaration, attachments by reference."""

    attachments: list[AttachmentRef]
