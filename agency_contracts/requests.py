"""What the orchestrator asks of each agency: only the data that agency needs for its step.

Each request names its procedure, so an agency's case workflow can take any of its own requests
as one typed input."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Literal

from pydantic import BaseModel, Field

from schemas.birth import Institution
from schemas.common import AttachmentRef, Place, PostalAddress
from schemas.death import Beneficiary, Payment
from schemas.identifiers import Sex


class AgencyRequest(BaseModel):
    declaration_id: str
    # Sent to the agency with the request; the agency returns its first record for a repeat.
    idempotency_key: str
    # The earlier case this one replaces, when a step is submitted again after a supplement.
    supersedes_case_number: str | None = None


class PersonRef(BaseModel):
    personal_id: str | None = None
    passport_number: str | None = None
    full_name: str
    date_of_birth: date


class BirthRegistrationRequest(AgencyRequest):
    procedure: Literal["birth_registration"] = "birth_registration"
    child_full_name: str
    child_sex: Sex
    child_date_of_birth: date
    child_birth_order: int | None = None
    birth_commune_code: str
    birth_facility_name: str | None
    ethnicity: str
    nationality: str
    # Absent for an abandoned child, whose parents are unknown.
    mother: PersonRef | None
    father: PersonRef | None
    declarant_personal_id: str
    declarant_relationship: str
    birth_certificate_number: str | None
    special_case: Literal["abandoned_child", "surrogacy"] | None = None
    attachments: list[AttachmentRef]


class ResidenceRegistrationRequest(AgencyRequest):
    procedure: Literal["residence_registration"] = "residence_registration"
    personal_id: str
    full_name: str
    sex: Sex
    date_of_birth: date
    residence: Place
    mother_personal_id: str | None
    father_personal_id: str | None
    # The declarant, when the child's guardian: a child no living parent is named for (an
    # abandoned child, or one whose parents both died) lives with them.
    caretaker_personal_id: str | None = None
    # The institution caring for the child, for which the caretaker declares: the child lives,
    # and is registered, at its address.
    institution: Institution | None = None
    civil_status_record_number: str


class HealthInsuranceCardRequest(AgencyRequest):
    procedure: Literal["health_insurance_card"] = "health_insurance_card"
    personal_id: str
    full_name: str
    sex: Sex
    date_of_birth: date
    residence_commune_code: str
    civil_status_record_number: str


class DeathRegistrationRequest(AgencyRequest):
    procedure: Literal["death_registration"] = "death_registration"
    deceased_personal_id: str
    deceased_full_name: str
    deceased_sex: Sex
    deceased_date_of_birth: date
    date_of_death: date
    place_of_death: Place
    cause_of_death: str
    death_notice_number: str | None
    declarant_personal_id: str
    declarant_relationship: str
    late_registration: bool
    attachments: list[AttachmentRef]


class ResidenceRemovalRequest(AgencyRequest):
    procedure: Literal["residence_removal"] = "residence_removal"
    personal_id: str
    date_of_death: date
    death_record_number: str


class FuneralAllowanceRequest(AgencyRequest):
    procedure: Literal["funeral_allowance"] = "funeral_allowance"
    deceased_personal_id: str
    date_of_death: date
    death_record_number: str
    claimant_personal_id: str
    payment: Payment


class SurvivorBenefitRequest(AgencyRequest):
    procedure: Literal["survivor_benefit"] = "survivor_benefit"
    deceased_personal_id: str
    date_of_death: date
    death_record_number: str
    form: str
    beneficiaries: list[Beneficiary]
    payment: Payment
    # As declared: an occupational death is one ground of the monthly benefit, which social
    # security checks against its own accident and disease records.
    cause_category: str = "illness"


class ShipmentRequest(AgencyRequest):
    recipient_address: PostalAddress
    documents: list[str]


class ShipmentReceipt(BaseModel):
    tracking_number: str


class DeliveryWatch(BaseModel):
    """The orchestrator waits for the post to deliver a shipment it is about to post."""

    declaration_id: str
    # The shipment's idempotency key: the post's feed names the shipment by it.
    shipment_reference: str


class DeliveryReport(BaseModel):
    """The post's word that the shipment reached its recipient."""

    tracking_number: str
    delivered_at: datetime


CaseRequest = Annotated[
    BirthRegistrationRequest
    | ResidenceRegistrationRequest
    | HealthInsuranceCardRequest
    | DeathRegistrationRequest
    | ResidenceRemovalRequest
    | FuneralAllowanceRequest
    | SurvivorBenefitRequest,
    Field(discriminator="procedure"),
]
