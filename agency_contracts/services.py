"""One Nexus service per agency: the operations the orchestrator may call across the agency's
trust boundary. A case operation is asynchronous: it opens a case at the agency and ends with the
agency's signed decision, however many days that takes. The others answer at once, except the
post's wait for a delivery, which ends with the post's delivery report.

The service name is also the party a payload is sealed for (see the payload codec)."""

from __future__ import annotations

import nexusrpc

from agency_contracts.decisions import (
    CaseFollowUp,
    IdentityCheckRequest,
    IdentityCheckResult,
    OfficerDecision,
)
from agency_contracts.requests import (
    BirthRegistrationRequest,
    DeathRegistrationRequest,
    DeliveryReport,
    DeliveryWatch,
    FuneralAllowanceRequest,
    HealthInsuranceCardRequest,
    ResidenceRegistrationRequest,
    ResidenceRemovalRequest,
    ShipmentReceipt,
    ShipmentRequest,
    SurvivorBenefitRequest,
)


@nexusrpc.service(name="justice")
class JusticeService:
    register_birth: nexusrpc.Operation[BirthRegistrationRequest, OfficerDecision]
    register_death: nexusrpc.Operation[DeathRegistrationRequest, OfficerDecision]
    follow_up_case: nexusrpc.Operation[CaseFollowUp, None]


@nexusrpc.service(name="police")
class PoliceService:
    verify_identities: nexusrpc.Operation[IdentityCheckRequest, IdentityCheckResult]
    register_residence: nexusrpc.Operation[ResidenceRegistrationRequest, OfficerDecision]
    remove_residence: nexusrpc.Operation[ResidenceRemovalRequest, OfficerDecision]
    follow_up_case: nexusrpc.Operation[CaseFollowUp, None]


@nexusrpc.service(name="social_security")
class SocialSecurityService:
    issue_health_insurance_card: nexusrpc.Operation[HealthInsuranceCardRequest, OfficerDecision]
    settle_funeral_allowance: nexusrpc.Operation[FuneralAllowanceRequest, OfficerDecision]
    settle_survivor_benefit: nexusrpc.Operation[SurvivorBenefitRequest, OfficerDecision]
    follow_up_case: nexusrpc.Operation[CaseFollowUp, None]


@nexusrpc.service(name="postal")
class PostalService:
    post_results: nexusrpc.Operation[ShipmentRequest, ShipmentReceipt]
    # Asynchronous: ends when the post reports the shipment delivered, days after posting.
    await_delivery: nexusrpc.Operation[DeliveryWatch, DeliveryReport]
