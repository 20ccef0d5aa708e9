"""Parts shared by both declarations: places, contacts, delivery, the contract's vocabulary."""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, EmailStr, Field, StringConstraints

from schemas.identifiers import CommuneCode, PersonalId, PhoneNumber
from schemas.names import FullName
from schemas.parties import CASE_AGENCIES
from schemas.text import TEXT_CHECK, ShortText

EmailAddress = Annotated[EmailStr, TEXT_CHECK]


# The agencies a declaration's steps run at, as the contract names them: those that keep cases,
# from the one list of agencies. The type checker cannot list members built from data; no code
# names one, each is looked up by its value (`Agency("police")`).
Agency = StrEnum(  # type: ignore[misc]
    "Agency", {name.upper(): name for name in CASE_AGENCIES}
)


class ProcedureGroup(StrEnum):
    BIRTH = "birth"
    DEATH = "death"


class Procedure(StrEnum):
    BIRTH_REGISTRATION = "birth_registration"
    RESIDENCE_REGISTRATION = "residence_registration"
    HEALTH_INSURANCE_CARD = "health_insurance_card"
    DEATH_REGISTRATION = "death_registration"
    RESIDENCE_REMOVAL = "residence_removal"
    FUNERAL_ALLOWANCE = "funeral_allowance"
    SURVIVOR_BENEFIT = "survivor_benefit"


# The signed electronic result of each procedure's approved record, by kind: one per procedure
# (agency_contracts.procedures says which).
DocumentKind = Literal[
    "birth_extract",
    "death_extract",
    "residence_confirmation",
    "residence_removal_confirmation",
    "health_insurance_card",
    "funeral_allowance_decision",
    "survivor_benefit_decision",
]


class StrictModel(BaseModel):
    """Unknown fields are refused, so a misspelt field is reported instead of silently dropped."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class Place(StrictModel):
    commune_code: CommuneCode = Field(
        description="The commune's code in the national list of administrative units, 5 digits.",
        examples=["00004"],
    )
    address_line: ShortText = Field(
        description="House number, street or hamlet, within the commune.",
        examples=["Số 12, ngõ 34 phố Đội Cấn"],
    )


class PostalAddress(StrictModel):
    commune_code: CommuneCode
    address_line: ShortText
    recipient: FullName
    phone: PhoneNumber


class Delivery(StrictModel):
    method: Literal["pickup", "post", "electronic"] = Field(
        description="How the family receives the results: collected at an agency, by post, or "
        "in the citizen's account on the portal.",
        examples=["post"],
    )
    pickup_agency: Agency | None = Field(
        default=None,
        description="Where the results are collected, for `pickup`.",
        examples=["justice"],
    )
    postal_address: PostalAddress | None = Field(
        default=None, description="Where the post brings the results, for `post`."
    )


# The channels a declarant may be told of each milestone through.
NotificationChannel = Literal["sms", "email"]


class Contact(StrictModel):
    phone: PhoneNumber | None = Field(
        default=None,
        description="A Vietnamese phone number: 10 digits starting with 0, or +84 and 9 digits.",
        examples=["0912345678"],
    )
    email: EmailAddress | None = Field(
        default=None,
        description="Also receives electronic results, when given.",
        examples=["nguyen.thi.lan@example.vn"],
    )
    notify: list[NotificationChannel] | None = Field(
        default=None,
        description="How the declarant is told of each milestone: `sms`, `email` or both. "
        "Unset, by SMS when a phone is given (otherwise by e-mail); `[]` asks for no messages.",
        examples=[["sms", "email"]],
    )

    @property
    def channels(self) -> tuple[NotificationChannel, ...]:
        """The channels the declarant is told through, once each."""
        if self.notify is not None:
            return tuple(dict.fromkeys(self.notify))
        if self.phone is not None:
            return ("sms",)
        return ("email",) if self.email is not None else ()


AttachmentKind = Literal[
    "birth_certificate",
    "witness_statement",
    "declarant_undertaking",
    "authorization",
    "surrogacy_proof",
    "abandonment_record",
    "death_notice",
    "death_notice_replacement",
    "occupational_accident_record",
    "working_capacity_assessment",
]

MediaType = Literal["application/pdf", "image/jpeg", "image/png"]

Sha256Hex = Annotated[str, TEXT_CHECK, StringConstraints(pattern=r"^[0-9a-f]{64}$", to_lower=True)]


class AttachmentBase(StrictModel):
    kind: AttachmentKind = Field(
        description="What the document is; each declaration's rules say which it needs.",
        examples=["birth_certificate"],
    )
    # A file name from a device that stores names decomposed reads the same as one that does not.
    filename: Annotated[str, StringConstraints(min_length=1, max_length=255), TEXT_CHECK] = Field(
        description="The file's name as the citizen uploaded it.", examples=["giay-chung-sinh.pdf"]
    )
    media_type: MediaType = Field(description="The file's type.", examples=["application/pdf"])
    sha256: Sha256Hex = Field(
        description="The SHA-256 of the file's content, in hexadecimal: a document that no "
        "longer matches it refuses the declaration.",
        examples=["9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08"],
    )
    personal_id: PersonalId | None = Field(
        default=None,
        description="The person the document is about, where it is about one of several (a "
        "`working_capacity_assessment` names the relative assessed).",
        examples=["001203000123"],
    )


class AttachmentUpload(AttachmentBase):
    """An attachment as the portal sends it, with its content inline."""

    content_base64: Annotated[
        str,
        TEXT_CHECK,
        Field(
            min_length=1,
            repr=False,
            description="The file's content, in base64.",
            examples=["JVBERi0xLjcK"],
        ),
    ]


class AttachmentRef(AttachmentBase):
    """An attachment as the workflow carries it: its content stays in the store, found by hash."""

    size_bytes: int = Field(ge=0)
