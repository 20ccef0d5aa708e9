"""Each agency's desk in its case worker: the workflows and activities its cases run, its Nexus
service handler, and the relay of its feed to them (officers' decisions to cases, the post's
delivery reports to shipments). One registry line per agency."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from adapters.case_worker.agency_case import AgencyCaseWorkflow
from adapters.case_worker.agency_http import AgencyHttpClient
from adapters.case_worker.case_activities import AgencyCaseActivities
from adapters.case_worker.case_desk import (
    JusticeCases,
    PoliceCases,
    PostalDesk,
    SocialSecurityCases,
)
from adapters.case_worker.case_follow_ups import AgencyCaseClient
from adapters.case_worker.decision_feed import DecisionRelay, DeliveryRelay
from adapters.case_worker.result_document import ResultDocumentWorkflow
from adapters.justice.activities import JusticeActivities
from adapters.justice.client import JusticeClient
from adapters.police.activities import PoliceActivities
from adapters.police.registry import PoliceClient
from adapters.postal.client import PostalClient
from adapters.postal.shipment_delivery import ShipmentDeliveryWorkflow
from adapters.social_security.activities import SocialSecurityActivities
from adapters.social_security.client import SocialSecurityClient
from schemas.common import Agency
from schemas.parties import AgencyParty


@dataclass(frozen=True)
class DeskParts:
    activities: list[Callable[..., Any]]
    handler: object
    # A case, and the signed result it issues once approved.
    workflows: tuple[type, ...] = (AgencyCaseWorkflow, ResultDocumentWorkflow)


def _follow_ups(agency: Agency, http: AgencyHttpClient) -> list[Callable[..., Any]]:
    follow_ups = AgencyCaseActivities(agency, AgencyCaseClient(http))
    return [follow_ups.cancel_case, follow_ups.follow_up_case]


def justice_desk(http: AgencyHttpClient, call_timeout_seconds: float) -> DeskParts:
    justice = JusticeActivities(JusticeClient(http))
    return DeskParts(
        [*_follow_ups(Agency.JUSTICE, http), justice.register_birth, justice.register_death],
        JusticeCases(call_timeout_seconds),
    )


def police_desk(http: AgencyHttpClient, call_timeout_seconds: float) -> DeskParts:
    police = PoliceActivities(PoliceClient(http))
    return DeskParts(
        [*_follow_ups(Agency.POLICE, http), police.register_residence, police.remove_residence],
        PoliceCases(PoliceClient(http), call_timeout_seconds),
    )


def social_security_desk(http: AgencyHttpClient, call_timeout_seconds: float) -> DeskParts:
    vss = SocialSecurityActivities(SocialSecurityClient(http))
    return DeskParts(
        [
            *_follow_ups(Agency.SOCIAL_SECURITY, http),
            vss.issue_health_insurance_card,
            vss.settle_funeral_allowance,
            vss.settle_survivor_benefit,
        ],
        SocialSecurityCases(call_timeout_seconds),
    )


def postal_desk(http: AgencyHttpClient, call_timeout_seconds: float) -> DeskParts:
    # The post takes shipments on the spot: no officer, no activities; only the shipments on
    # their way wait, for the post's delivery reports.
    return DeskParts([], PostalDesk(PostalClient(http)), (ShipmentDeliveryWorkflow,))


@dataclass(frozen=True)
class AgencyDesk:
    build: Callable[[AgencyHttpClient, float], DeskParts]
    # What carries the agency's feed to the workflows waiting for it.
    relay: type[DecisionRelay] = DecisionRelay


AGENCY_DESKS: dict[AgencyParty, AgencyDesk] = {
    "justice": AgencyDesk(justice_desk),
    "police": AgencyDesk(police_desk),
    "social_security": AgencyDesk(social_security_desk),
    "postal": AgencyDesk(postal_desk, relay=DeliveryRelay),
}
