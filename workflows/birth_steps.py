"""The birth group: its registration at the justice office, then, side by side, the child's
residence and health-insurance card; what each agency is asked, built from the declaration and
the birth record; and whom the population registry is asked to confirm first."""

from __future__ import annotations

from datetime import date
from typing import TypedDict

from agency_contracts.decisions import IdentityClaim
from agency_contracts.procedures import (
    BIRTH_REGISTRATION,
    HEALTH_INSURANCE_CARD,
    RESIDENCE_REGISTRATION,
)
from agency_contracts.requests import (
    BirthRegistrationRequest,
    HealthInsuranceCardRequest,
    PersonRef,
    ResidenceRegistrationRequest,
)
from messages import Message
from schemas.birth import BirthDeclaration, Parent
from schemas.common import Procedure, ProcedureGroup
from schemas.identifiers import Sex
from schemas.results import BirthRegistrationResult
from workflows.agency_steps import StepSpec, Submission
from workflows.group_steps import AgencyStepOnRecord, GroupSteps, ProcedureSteps


def identity_claims(d: BirthDeclaration, supplemented: frozenset[str]) -> list[IdentityClaim]:
    """The parents with an identity number, and the declarant when not a parent, whatever
    the citizen supplemented."""
    claims = [
        IdentityClaim(
            field=role,
            personal_id=parent.personal_id,
            full_name=parent.full_name,
            date_of_birth=parent.date_of_birth,
            child_born_on=d.child.date_of_birth,
        )
        for role, parent in (("mother", d.mother), ("father", d.father))
        if parent is not None and parent.personal_id is not None
    ]
    if d.declarant.relationship not in ("mother", "father"):
        claims.append(
            IdentityClaim(
                field="declarant",
                personal_id=d.declarant.personal_id,
                full_name=d.declarant.full_name,
            )
        )
    return claims


def _person(parent: Parent) -> PersonRef:
    return PersonRef(
        personal_id=parent.personal_id,
        passport_number=parent.passport_number,
        full_name=parent.full_name,
        date_of_birth=parent.date_of_birth,
    )


def birth_registration(s: Submission[BirthDeclaration]) -> BirthRegistrationRequest:
    d = s.declaration
    return BirthRegistrationRequest(
        **s.case(Procedure.BIRTH_REGISTRATION),
        child_full_name=d.child.full_name,
        child_sex=d.child.sex,
        child_date_of_birth=d.child.date_of_birth,
        child_birth_order=d.child.birth_order,
        birth_commune_code=d.child.place_of_birth.commune_code,
        birth_facility_name=d.child.place_of_birth.facility_name,
        ethnicity=d.child.ethnicity,
        nationality=d.child.nationality,
        mother=_person(d.mother) if d.mother else None,
        father=_person(d.father) if d.father else None,
        declarant_personal_id=d.declarant.personal_id,
        declarant_relationship=d.declarant.relationship,
        birth_certificate_number=d.birth_certificate_number,
        special_case=d.special_case,
        attachments=d.attachments,
    )


class RegisteredChild(TypedDict):
    """The child as the birth registration recorded them, as every later step names them."""

    personal_id: str
    full_name: str
    sex: Sex
    date_of_birth: date
    civil_status_record_number: str


def _registered_child(d: BirthDeclaration, birth: BirthRegistrationResult) -> RegisteredChild:
    return RegisteredChild(
        personal_id=birth.child_personal_id,
        full_name=d.child.full_name,
        sex=d.child.sex,
        date_of_birth=d.child.date_of_birth,
        civil_status_record_number=birth.civil_status_record_number,
    )


def residence_registration(
    s: Submission[BirthDeclaration], birth: BirthRegistrationResult
) -> ResidenceRegistrationRequest:
    d = s.declaration
    return ResidenceRegistrationRequest(
        **s.case(Procedure.RESIDENCE_REGISTRATION),
        **_registered_child(d, birth),
        residence=d.residence,
        mother_personal_id=d.mother.personal_id if d.mother else None,
        father_personal_id=d.father.personal_id if d.father else None,
        caretaker_personal_id=(
            d.declarant.personal_id if d.declarant.relationship == "guardian" else None
        ),
        institution=d.declarant.institution,
    )


def health_insurance_card(
    s: Submission[BirthDeclaration], birth: BirthRegistrationResult
) -> HealthInsuranceCardRequest:
    return HealthInsuranceCardRequest(
        **s.case(Procedure.HEALTH_INSURANCE_CARD),
        **_registered_child(s.declaration, birth),
        residence_commune_code=s.declaration.residence.commune_code,
    )


BIRTH_STEPS: ProcedureSteps[BirthDeclaration] = GroupSteps(
    group=ProcedureGroup.BIRTH,
    name=Message.of("group.birth"),
    claims=identity_claims,
    registration=StepSpec(BIRTH_REGISTRATION, birth_registration),
    record_name=Message.of("record.birth"),
    after_registration=(
        AgencyStepOnRecord(RESIDENCE_REGISTRATION, residence_registration),
        AgencyStepOnRecord(HEALTH_INSURANCE_CARD, health_insurance_card),
    ),
)
