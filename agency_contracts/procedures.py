"""The procedures, one row each: the agency that decides it, what it is asked and the record it
keeps, the Nexus operation that opens its case and the route of the agency's system that takes
it, its legal time limit, the signed document of its approved record, and what the family reads
it as. Everything else that differs by procedure (the agencies' Nexus services, their handlers
and activities, the deadlines, the documents' kinds and titles) is read from here.

Both sides read it: the orchestrator to ask and to time each step, the agencies to take it."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any, Generic, TypeVar

import nexusrpc
from pydantic import BaseModel

from agency_contracts.decisions import OfficerDecision
from agency_contracts.requests import (
    AgencyRequest,
    BirthRegistrationRequest,
    DeathRegistrationRequest,
    FuneralAllowanceRequest,
    HealthInsuranceCardRequest,
    ResidenceRegistrationRequest,
    ResidenceRemovalRequest,
    SurvivorBenefitRequest,
)
from messages import Message
from schemas.common import Agency, DocumentKind, Procedure
from schemas.results import (
    BirthRegistrationResult,
    DeathRegistrationResult,
    FuneralAllowanceResult,
    HealthInsuranceCardResult,
    ResidenceRegistrationResult,
    ResidenceRemovalResult,
    SurvivorBenefitResult,
)

RequestT = TypeVar("RequestT", bound=AgencyRequest)
ResultT = TypeVar("ResultT", bound=BaseModel)


@dataclass(frozen=True)
class AgencyProcedure(Generic[RequestT, ResultT]):
    procedure: Procedure
    agency: Agency
    # What the agency is asked, and the record it keeps when it approves.
    request: type[RequestT]
    result: type[ResultT]
    # The operation of the agency's Nexus service that opens the case and ends with the
    # agency's decision; and where the agency's own system takes the request.
    operation_name: str
    route: str
    # The step's legal time limit, in working days (legal_deadlines.procedure_limits), counted
    # from the dossier's receipt for a registration made "the same working day", otherwise from
    # when the agency has the case.
    working_days: int
    counted_from_receipt: bool
    # The signed electronic result of an approved record, and its title on paper.
    document_kind: DocumentKind
    title: str
    # The procedure as the family reads it, in every message that names it.
    name: Message
    operation: nexusrpc.Operation[RequestT, OfficerDecision] = field(init=False)

    def __post_init__(self) -> None:
        # One operation object, which the agency's service declares and the orchestrator calls.
        operation = nexusrpc.Operation(
            name=self.operation_name, input_type=self.request, output_type=OfficerDecision
        )
        object.__setattr__(self, "operation", operation)

    @property
    def submission(self) -> str:
        """The agency's activity that submits the request to its system."""
        return f"{self.agency.value}.{self.operation_name}"


BIRTH_REGISTRATION = AgencyProcedure(
    Procedure.BIRTH_REGISTRATION,
    agency=Agency("justice"),
    request=BirthRegistrationRequest,
    result=BirthRegistrationResult,
    operation_name="register_birth",
    route="/v1/birth-registrations",
    working_days=1,
    counted_from_receipt=True,
    document_kind="birth_extract",
    title="TRÍCH LỤC KHAI SINH",
    name=Message.of("procedure.birth_registration"),
)
RESIDENCE_REGISTRATION = AgencyProcedure(
    Procedure.RESIDENCE_REGISTRATION,
    agency=Agency("police"),
    request=ResidenceRegistrationRequest,
    result=ResidenceRegistrationResult,
    operation_name="register_residence",
    route="/v1/residence-registrations",
    working_days=3,
    counted_from_receipt=False,
    document_kind="residence_confirmation",
    title="XÁC NHẬN THÔNG TIN VỀ CƯ TRÚ",
    name=Message.of("procedure.residence_registration"),
)
HEALTH_INSURANCE_CARD = AgencyProcedure(
    Procedure.HEALTH_INSURANCE_CARD,
    agency=Agency("social_security"),
    request=HealthInsuranceCardRequest,
    result=HealthInsuranceCardResult,
    operation_name="issue_health_insurance_card",
    route="/v1/health-insurance-cards",
    working_days=3,
    counted_from_receipt=False,
    document_kind="health_insurance_card",
    title="THẺ BẢO HIỂM Y TẾ ĐIỆN TỬ",
    name=Message.of("procedure.health_insurance_card"),
)
DEATH_REGISTRATION = AgencyProcedure(
    Procedure.DEATH_REGISTRATION,
    agency=Agency("justice"),
    request=DeathRegistrationRequest,
    result=DeathRegistrationResult,
    operation_name="register_death",
    route="/v1/death-registrations",
    working_days=1,
    counted_from_receipt=True,
    document_kind="death_extract",
    title="TRÍCH LỤC KHAI TỬ",
    name=Message.of("procedure.death_registration"),
)
RESIDENCE_REMOVAL = AgencyProcedure(
    Procedure.RESIDENCE_REMOVAL,
    agency=Agency("police"),
    request=ResidenceRemovalRequest,
    result=ResidenceRemovalResult,
    operation_name="remove_residence",
    route="/v1/residence-removals",
    working_days=3,
    counted_from_receipt=False,
    document_kind="residence_removal_confirmation",
    title="XÁC NHẬN XÓA ĐĂNG KÝ THƯỜNG TRÚ",
    name=Message.of("procedure.residence_removal"),
)
FUNERAL_ALLOWANCE = AgencyProcedure(
    Procedure.FUNERAL_ALLOWANCE,
    agency=Agency("social_security"),
    request=FuneralAllowanceRequest,
    result=FuneralAllowanceResult,
    operation_name="settle_funeral_allowance",
    route="/v1/funeral-allowances",
    # Social security's 10 working days for survivor and funeral claims (SI Law 2024, Art. 91).
    working_days=10,
    counted_from_receipt=False,
    document_kind="funeral_allowance_decision",
    title="QUYẾT ĐỊNH HƯỞNG TRỢ CẤP MAI TÁNG",
    name=Message.of("procedure.funeral_allowance"),
)
SURVIVOR_BENEFIT = AgencyProcedure(
    Procedure.SURVIVOR_BENEFIT,
    agency=Agency("social_security"),
    request=SurvivorBenefitRequest,
    result=SurvivorBenefitResult,
    operation_name="settle_survivor_benefit",
    route="/v1/survivor-benefits",
    working_days=10,
    counted_from_receipt=False,
    document_kind="survivor_benefit_decision",
    title="QUYẾT ĐỊNH HƯỞNG TRỢ CẤP TUẤT",
    name=Message.of("procedure.survivor_benefit"),
)

# Every procedure, by its name.
PROCEDURES: Mapping[Procedure, AgencyProcedure[Any, Any]] = MappingProxyType(
    {
        row.procedure: row
        for row in (
            BIRTH_REGISTRATION,
            RESIDENCE_REGISTRATION,
            HEALTH_INSURANCE_CARD,
            DEATH_REGISTRATION,
            RESIDENCE_REMOVAL,
            FUNERAL_ALLOWANCE,
            SURVIVOR_BENEFIT,
        )
    }
)
PROCEDURE_AGENCY: Mapping[Procedure, Agency] = {p: row.agency for p, row in PROCEDURES.items()}
DOCUMENT_KINDS: Mapping[Procedure, DocumentKind] = {
    p: row.document_kind for p, row in PROCEDURES.items()
}
PROCEDURE_OF_KIND: Mapping[DocumentKind, Procedure] = {k: p for p, k in DOCUMENT_KINDS.items()}


def procedures_at(agency: str) -> tuple[AgencyProcedure[Any, Any], ...]:
    """The procedures the agency decides, in the table's order."""
    return tuple(row for row in PROCEDURES.values() if row.agency.value == agency)


def issuer_of_kind(kind: DocumentKind) -> Agency:
    """The only agency that may issue this kind of document."""
    return PROCEDURE_AGENCY[PROCEDURE_OF_KIND[kind]]
