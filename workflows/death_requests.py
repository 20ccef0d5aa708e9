"""What each agency is asked for a death: built from the declaration and the death record."""

from __future__ import annotations

from agency_contracts.requests import (
    DeathRegistrationRequest,
    FuneralAllowanceRequest,
    ResidenceRemovalRequest,
    SurvivorBenefitRequest,
)
from schemas.common import Procedure
from schemas.death import DeathDeclaration
from schemas.results import DeathRegistrationResult
from workflows.idempotency import idempotency_key


def death_registration(
    declaration_id: str,
    d: DeathDeclaration,
    late_registration: bool,
    round_number: int = 1,
    supersedes: str | None = None,
) -> DeathRegistrationRequest:
    return DeathRegistrationRequest(
        declaration_id=declaration_id,
        idempotency_key=idempotency_key(declaration_id, Procedure.DEATH_REGISTRATION, round_number),
        supersedes_case_number=supersedes,
        deceased_personal_id=d.deceased.personal_id,
        deceased_full_name=d.deceased.full_name,
        deceased_sex=d.deceased.sex,
        deceased_date_of_birth=d.deceased.date_of_birth,
        date_of_death=d.deceased.date_of_death,
        place_of_death=d.deceased.place_of_death,
        cause_of_death=d.deceased.cause_of_death,
        death_notice_number=d.death_notice_number,
        declarant_personal_id=d.declarant.personal_id,
        declarant_relationship=d.declarant.relationship,
        late_registration=late_registration,
        attachments=d.attachments,
    )


def residence_removal(
    declaration_id: str,
    d: DeathDeclaration,
    death: DeathRegistrationResult,
    round_number: int = 1,
    supersedes: str | None = None,
) -> ResidenceRemovalRequest:
    return ResidenceRemovalRequest(
        declaration_id=declaration_id,
        idempotency_key=idempotency_key(declaration_id, Procedure.RESIDENCE_REMOVAL, round_number),
        supersedes_case_number=supersedes,
        personal_id=d.deceased.personal_id,
        date_of_death=d.deceased.date_of_death,
        death_record_number=death.death_record_number,
    )


def funeral_allowance(
    declaration_id: str,
    d: DeathDeclaration,
    death: DeathRegistrationResult,
    round_number: int = 1,
    supersedes: str | None = None,
) -> FuneralAllowanceRequest:
    assert d.payment is not None, "checked at intake: a benefit needs payment details"
    return FuneralAllowanceRequest(
        declaration_id=declaration_id,
        idempotency_key=idempotency_key(declaration_id, Procedure.FUNERAL_ALLOWANCE, round_number),
        supersedes_case_number=supersedes,
        deceased_personal_id=d.deceased.personal_id,
        date_of_death=d.deceased.date_of_death,
        death_record_number=death.death_record_number,
        claimant_personal_id=d.declarant.personal_id,
        payment=d.payment,
    )


def survivor_benefit(
    declaration_id: str,
    d: DeathDeclaration,
    death: DeathRegistrationResult,
    round_number: int = 1,
    supersedes: str | None = None,
) -> SurvivorBenefitRequest:
    assert d.payment is not None, "checked at intake"
    assert d.survivor_benefit is not None, "checked at intake"
    return SurvivorBenefitRequest(
        declaration_id=declaration_id,
        idempotency_key=idempotency_key(declaration_id, Procedure.SURVIVOR_BENEFIT, round_number),
        supersedes_case_number=supersedes,
        deceased_personal_id=d.deceased.personal_id,
        date_of_death=d.deceased.date_of_death,
        death_record_number=death.death_record_number,
        form=d.survivor_benefit.form,
        beneficiaries=d.survivor_benefit.beneficiaries,
        payment=d.payment,
    )
