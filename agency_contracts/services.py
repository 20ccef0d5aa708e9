"""One Nexus service per agency: the operations the orchestrator may call across the agency's
trust boundary. An agency that keeps cases offers one asynchronous operation per procedure of
its in the procedure table, which opens a case and ends with the agency's signed decision however
many days that takes, and the follow-ups on an open case; the police also answer the population
registry's cross-check at once. The post offers the posting of results, which it answers at once,
and the wait for their delivery, which ends with its delivery report.

The service name is the agency's party name, which is also the party a payload is sealed for
(see the payload codec)."""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType
from typing import Any

import nexusrpc

from agency_contracts.decisions import CaseFollowUp, IdentityCheckRequest, IdentityCheckResult
from agency_contracts.procedures import procedures_at
from agency_contracts.requests import (
    DeliveryReport,
    DeliveryWatch,
    ShipmentReceipt,
    ShipmentRequest,
)
from schemas.parties import CASE_AGENCIES

# A reminder or an escalation on an open case: every agency that keeps cases takes them.
FOLLOW_UP_CASE: nexusrpc.Operation[CaseFollowUp, None] = nexusrpc.Operation(
    name="follow_up_case", input_type=CaseFollowUp, output_type=type(None)
)
# The cross-check of the people a declaration names, before any agency is engaged: the keeper of
# the population registry answers it.
REGISTRY_AGENCY = "police"
VERIFY_IDENTITIES: nexusrpc.Operation[IdentityCheckRequest, IdentityCheckResult] = (
    nexusrpc.Operation(
        name="verify_identities", input_type=IdentityCheckRequest, output_type=IdentityCheckResult
    )
)
# What an agency offers besides its cases.
OWN_OPERATIONS: Mapping[str, tuple[nexusrpc.Operation[Any, Any], ...]] = {
    REGISTRY_AGENCY: (VERIFY_IDENTITIES,),
}


def _case_service(agency: str) -> type:
    operations = (
        FOLLOW_UP_CASE,
        *(row.operation for row in procedures_at(agency)),
        *OWN_OPERATIONS.get(agency, ()),
    )
    definition = type(
        f"{agency.title().replace('_', '')}Service",
        (),
        {operation.name: operation for operation in operations},
    )
    return nexusrpc.service(name=agency)(definition)


# The Nexus service of each agency that keeps cases, by its name.
CASE_SERVICES: Mapping[str, type] = MappingProxyType(
    {agency: _case_service(agency) for agency in CASE_AGENCIES}
)


# The post's party name: its service carries results to families who chose delivery by post.
POSTAL_AGENCY = "postal"


@nexusrpc.service(name=POSTAL_AGENCY)
class PostalService:
    post_results: nexusrpc.Operation[ShipmentRequest, ShipmentReceipt]
    # Asynchronous: ends when the post reports the shipment delivered, days after posting.
    await_delivery: nexusrpc.Operation[DeliveryWatch, DeliveryReport]
