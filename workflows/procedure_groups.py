"""The procedure groups and the agency steps each runs: its registration at the justice office,
then, side by side, the steps that need the record. A procedure joins its group with one entry
here, and a group joins the product with one entry in `PROCEDURE_GROUPS`; what its agency is
asked is built in the group's requests module."""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType
from typing import Any

from temporalio import workflow

with workflow.unsafe.imports_passed_through():
    from agency_contracts.services import JusticeService, PoliceService, SocialSecurityService
    from messages import Message
    from schemas.birth import BirthDeclaration
    from schemas.common import Procedure, ProcedureGroup
    from schemas.death import DeathDeclaration
    from schemas.results import (
        BirthRegistrationResult,
        DeathRegistrationResult,
        FuneralAllowanceResult,
        HealthInsuranceCardResult,
        ResidenceRegistrationResult,
        ResidenceRemovalResult,
        SurvivorBenefitResult,
    )

from workflows import birth_steps, death_steps
from workflows.agency_steps import StepSpec
from workflows.group_steps import AgencyStepOnRecord, GroupSteps, ProcedureSteps

BIRTH_STEPS: ProcedureSteps[BirthDeclaration] = GroupSteps(
    group=ProcedureGroup.BIRTH,
    name=Message.of("group.birth"),
    claims=birth_steps.identity_claims,
    registration=StepSpec(
        Procedure.BIRTH_REGISTRATION,
        JusticeService.register_birth,
        birth_steps.birth_registration,
        BirthRegistrationResult,
    ),
    record_name=Message.of("record.birth"),
    after_registration=(
        AgencyStepOnRecord(
            Procedure.RESIDENCE_REGISTRATION,
            PoliceService.register_residence,
            birth_steps.residence_registration,
            ResidenceRegistrationResult,
        ),
        AgencyStepOnRecord(
            Procedure.HEALTH_INSURANCE_CARD,
            SocialSecurityService.issue_health_insurance_card,
            birth_steps.health_insurance_card,
            HealthInsuranceCardResult,
        ),
    ),
)

DEATH_STEPS: ProcedureSteps[DeathDeclaration] = GroupSteps(
    group=ProcedureGroup.DEATH,
    name=Message.of("group.death"),
    claims=death_steps.identity_claims,
    registration=StepSpec(
        Procedure.DEATH_REGISTRATION,
        JusticeService.register_death,
        death_steps.death_registration,
        DeathRegistrationResult,
    ),
    record_name=Message.of("record.death"),
    after_registration=(
        AgencyStepOnRecord(
            Procedure.RESIDENCE_REMOVAL,
            PoliceService.remove_residence,
            death_steps.residence_removal,
            ResidenceRemovalResult,
        ),
        AgencyStepOnRecord(
            Procedure.FUNERAL_ALLOWANCE,
            SocialSecurityService.settle_funeral_allowance,
            death_steps.funeral_allowance,
            FuneralAllowanceResult,
            death_steps.chosen_by_family(Procedure.FUNERAL_ALLOWANCE),
        ),
        AgencyStepOnRecord(
            Procedure.SURVIVOR_BENEFIT,
            SocialSecurityService.settle_survivor_benefit,
            death_steps.survivor_benefit,
            SurvivorBenefitResult,
            death_steps.chosen_by_family(Procedure.SURVIVOR_BENEFIT),
        ),
    ),
)

# Every procedure group, by its name: what reads a declaration of any group looks its group up
# here rather than telling the groups apart itself.
PROCEDURE_GROUPS: Mapping[ProcedureGroup, ProcedureSteps[Any]] = MappingProxyType(
    {steps.group: steps for steps in (BIRTH_STEPS, DEATH_STEPS)}
)
