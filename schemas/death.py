"""The death declaration, exactly as the portal contract names its fields."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Literal

from pydantic import Field, StringConstraints

from schemas.common import (
    AttachmentRef,
    AttachmentUpload,
    Contact,
    Delivery,
    Place,
    Procedure,
    ShortText,
    StrictModel,
)
from schemas.identifiers import DocumentNumber, FullName, PersonalId, Sex

DeathDeclarantRelationship = Literal["spouse", "child", "parent", "sibling", "relative", "other"]
CLOSE_RELATIVES: frozenset[str] = frozenset({"spouse", "child", "parent", "sibling"})

CauseCategory = Literal[
    "illness", "occupational_accident", "occupational_disease", "other_accident"
]
OCCUPATIONAL_CAUSES: frozenset[str] = frozenset({"occupational_accident", "occupational_disease"})

DeathProcedure = Literal[
    "death_registration", "residence_removal", "funeral_allowance", "survivor_benefit"
]
MANDATORY_DEATH_PROCEDURES: tuple[Procedure, ...] = (
    Procedure.DEATH_REGISTRATION,
    Procedure.RESIDENCE_REMOVAL,
)


class DeathDeclarant(Contact):
    personal_id: PersonalId
    full_name: FullName
    relationship: DeathDeclarantRelationship


class Deceased(StrictModel):
    personal_id: PersonalId
    full_name: FullName
    sex: Sex
    date_of_birth: date
    date_of_death: date
    place_of_death: Place
    cause_of_death: ShortText
    # An occupational cause makes the monthly survivor benefit due (VSS checks it against its
    # records) and needs the accident or disease record attached.
    cause_category: CauseCategory = "illness"


class Beneficiary(StrictModel):
    personal_id: PersonalId
    full_name: FullName
    relationship: Literal["spouse", "child", "parent"]
    date_of_birth: date
    # A relative with no one directly caring for them gets 70% instead of 50% (monthly form).
    without_caretaker: bool = False


class SurvivorBenefitChoice(StrictModel):
    form: Literal["lump_sum", "monthly"]
    beneficiaries: list[Beneficiary] = Field(min_length=1, max_length=10)


class BankAccount(StrictModel):
    bank_code: Annotated[str, StringConstraints(pattern=r"^[A-Z0-9]{3,11}$")]
    account_number: Annotated[str, StringConstraints(pattern=r"^[0-9]{6,20}$")]
    account_holder: FullName


class Payment(StrictModel):
    method: Literal["bank", "post", "cash"]
    bank_account: BankAccount | None = None


class DeathDeclarationFields(StrictModel):
    declarant: DeathDeclarant
    deceased: Deceased
    death_notice_number: DocumentNumber | None = None
    procedures: list[DeathProcedure] = Field(min_length=2, max_length=4)
    survivor_benefit: SurvivorBenefitChoice | None = None
    payment: Payment | None = None
    delivery: Delivery


class DeathDeclarationSubmission(DeathDeclarationFields):
    """What the portal posts."""

    attachments: list[AttachmentUpload]


class DeathDeclaration(DeathDeclarationFields):
    """What the workflow carries: the same declaration, attachments by reference."""

    attachments: list[AttachmentRef]
