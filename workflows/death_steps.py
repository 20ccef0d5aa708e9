"""The death group: its registration at the justice office, then, side by side, the removal of
the residence registration and the benefits the family chose; what each agency is asked, built
from the declaration and the death record; and whom the population registry is asked to confirm
first."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import TypedDict

from agency_contracts.decisions import IdentityClaim
from agency_contracts.procedures import (
    DEATH_REGISTRATION,
    FUNERAL_ALLOWANCE,
    RESIDENCE_REMOVAL,
    SURVIVOR_BENEFIT,
)
from agency_contracts.requests import (
    DeathRegistrationRequest,
    FuneralAllowanceRequest,
    ResidenceRemovalRequest,
    SurvivorBenefitRequest,
)
from messages import Message
from schemas.common import Procedure, ProcedureGroup
from schemas.death import DeathDeclaration
from schemas.results import DeathRegistrationResult
from workflows.agency_steps import StepSpec, Submission
from workflows.group_steps import AgencyStepOnRecord, GroupSteps, ProcedureSteps

# The parts whose change brings the beneficiaries before the registry: a beneficiary named in a
# supplement, or an account for the money in someone's name, who must be one of the people the
# registry confirmed.
BENEFICIARIES_CHECKED_AFTER = frozenset({"survivor_benefit", "payment"})


def beneficiary_claims(d: DeathDeclaration) -> list[IdentityClaim]:
    chosen = d.survivor_benefit
    return [
        IdentityClaim(
            field=f"survivor_benefit.beneficiaries.{n}",
            personal_id=b.personal_id,
            full_name=b.full_name,
            date_of_birth=b.date_of_birth,
        )
        for n, b in enumerate(chosen.beneficiaries if chosen else [])
    ]


def identity_claims(d: DeathDeclaration, supplemented: frozenset[str]) -> list[IdentityClaim]:
    """The deceased and the declarant; and the beneficiaries once a supplement named new ones
    or changed who is paid."""
    checked = beneficiary_claims(d) if supplemented & BENEFICIARIES_CHECKED_AFTER else []
    return [
        *checked,
        IdentityClaim(
            field="deceased",
            personal_id=d.deceased.personal_id,
            full_name=d.deceased.full_name,
            date_of_birth=d.deceased.date_of_birth,
        ),
        IdentityClaim(
            field="declarant",
            personal_id=d.declarant.personal_id,
            full_name=d.declarant.full_name,
        ),
    ]


def chosen_by_family(procedure: Procedure) -> Callable[[DeathDeclaration], bool]:
    """A benefit is claimed only when the family chose it on the declaration."""
    return lambda d: procedure.value in d.procedures


def death_registration(s: Submission[DeathDeclaration]) -> DeathRegistrationRequest:
    d = s.declaration
    return DeathRegistrationRequest(
        **s.case(Procedure.DEATH_REGISTRATION),
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
        late_registration=s.late_registration,
        attachments=d.attachments,
    )


class DeathOnRecord(TypedDict):
    """The death as the justice office recorded it, as every benefit claim names it."""

    deceased_personal_id: str
    date_of_death: date
    death_record_number: str


def _death_on_record(d: DeathDeclaration, death: DeathRegistrationResult) -> DeathOnRecord:
    return DeathOnRecord(
        deceased_personal_id=d.deceased.personal_id,
        date_of_death=d.deceased.date_of_death,
        death_record_number=death.death_record_number,
    )


def residence_removal(
    s: Submission[DeathDeclaration], death: DeathRegistrationResult
) -> ResidenceRemovalRequest:
    d = s.declaration
    return ResidenceRemovalRequest(
        **s.case(Procedure.RESIDENCE_REMOVAL),
        personal_id=d.deceased.personal_id,
        date_of_death=d.deceased.date_of_death,
        death_record_number=death.death_record_number,
    )


def funeral_allowance(
    s: Submission[DeathDeclaration], death: DeathRegistrationResult
) -> FuneralAllowanceRequest:
    d = s.declaration
    assert d.payment is not None, "checked at intake: a benefit needs payment details"
    return FuneralAllowanceRequest(
        **s.case(Procedure.FUNERAL_ALLOWANCE),
        **_death_on_record(d, death),
        claimant_personal_id=d.declarant.personal_id,
        payment=d.payment,
    )


def survivor_benefit(
    s: Submission[DeathDeclaration], death: DeathRegistrationResult
) -> SurvivorBenefitRequest:
    d = s.declaration
    assert d.payment is not None, "checked at intake"
    assert d.survivor_benefit is not None, "checked at intake"
    return SurvivorBenefitRequest(
        **s.case(Procedure.SURVIVOR_BENEFIT),
        **_death_on_record(d, death),
        form=d.survivor_benefit.form,
        beneficiaries=d.survivor_benefit.beneficiaries,
        payment=d.payment,
        cause_category=d.deceased.cause_category,
    )


DEATH_STEPS: ProcedureSteps[DeathDeclaration] = GroupSteps(
    group=ProcedureGroup.DEATH,
    name=Message.of("group.death"),
    claims=identity_claims,
    registration=StepSpec(DEATH_REGISTRATION, death_registration),
    record_name=Message.of("record.death"),
    after_registration=(
        AgencyStepOnRecord(RESIDENCE_REMOVAL, residence_removal),
        AgencyStepOnRecord(
            FUNERAL_ALLOWANCE,
            funeral_allowance,
            chosen_by_family(Procedure.FUNERAL_ALLOWANCE),
        ),
        AgencyStepOnRecord(
            SURVIVOR_BENEFIT,
            survivor_benefit,
            chosen_by_family(Procedure.SURVIVOR_BENEFIT),
        ),
    ),
)
