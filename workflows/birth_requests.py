"""What each agency is asked for a birth: built from the declaration and the earlier records."""

from __future__ import annotations

from agency_contracts.requests import (
    BirthRegistrationRequest,
    HealthInsuranceCardRequest,
    PersonRef,
    ResidenceRegistrationRequest,
)
from schemas.birth import BirthDeclaration, Parent
from schemas.common import Procedure
from schemas.results import BirthRegistrationResult
from workflows.idempotency import idempotency_key


def _person(parent: Parent) -> PersonRef:
    return PersonRef(
        personal_id=parent.personal_id,
        passport_number=parent.passport_number,
        full_name=parent.full_name,
        date_of_birth=parent.date_of_birth,
    )


def birth_registration(
    declaration_id: str,
    d: BirthDeclaration,
    round_number: int = 1,
    supersedes: str | None = None,
) -> BirthRegistrationRequest:
    return BirthRegistrationRequest(
        declaration_id=declaration_id,
        idempotency_key=idempotency_key(declaration_id, Procedure.BIRTH_REGISTRATION, round_number),
        supersedes_case_number=supersedes,
        child_full_name=d.child.full_name,
        child_sex=d.child.sex,
        child_date_of_birth=d.child.date_of_birth,
        birth_commune_code=d.child.place_of_birth.commune_code,
        birth_facility_name=d.child.place_of_birth.facility_name,
        ethnicity=d.child.ethnicity,
        nationality=d.child.nationality,
        mother=_person(d.mother),
        father=_person(d.father) if d.father else None,
        declarant_personal_id=d.declarant.personal_id,
        declarant_relationship=d.declarant.relationship,
        birth_certificate_number=d.birth_certificate_number,
        attachments=d.attachments,
    )


def residence_registration(
    declaration_id: str,
    d: BirthDeclaration,
    birth: BirthRegistrationResult,
    round_number: int = 1,
    supersedes: str | None = None,
) -> ResidenceRegistrationRequest:
    return ResidenceRegistrationRequest(
        declaration_id=declaration_id,
        idempotency_key=idempotency_key(
            declaration_id, Procedure.RESIDENCE_REGISTRATION, round_number
        ),
        supersedes_case_number=supersedes,
        personal_id=birth.child_personal_id,
        full_name=d.child.full_name,
        sex=d.child.sex,
        date_of_birth=d.child.date_of_birth,
        residence=d.residence,
        mother_personal_id=d.mother.personal_id,
        father_personal_id=d.father.personal_id if d.father else None,
        civil_status_record_number=birth.civil_status_record_number,
    )


def health_insurance_card(
    declaration_id: str,
    d: BirthDeclaration,
    birth: BirthRegistrationResult,
    round_number: int = 1,
    supersedes: str | None = None,
) -> HealthInsuranceCardRequest:
    return HealthInsuranceCardRequest(
        declaration_id=declaration_id,
        idempotency_key=idempotency_key(
            declaration_id, Procedure.HEALTH_INSURANCE_CARD, round_number
        ),
        supersedes_case_number=supersedes,
        personal_id=birth.child_personal_id,
        full_name=d.child.full_name,
        sex=d.child.sex,
        date_of_birth=d.child.date_of_birth,
        residence_commune_code=d.residence.commune_code,
        civil_status_record_number=birth.civil_status_record_number,
    )
