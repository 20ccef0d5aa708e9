"""The police's desk in its case worker: its cases (the procedure table's residence registration
and removal), the population registry's cross-check, which it answers at once, and what its
confirmations print."""

from __future__ import annotations

from nexusrpc.handler import StartOperationContext, sync_operation

from adapters.case_worker.agency_desk import AgencyDesk
from adapters.case_worker.case_desk import CaseDesk, case_handler, outages_as_handler_errors
from adapters.police.documents import printed
from adapters.police.registry import PopulationRegistry
from agency_contracts.decisions import IdentityCheckRequest, IdentityCheckResult
from observability.logging import bind_boundary_context


class RegistryDesk(CaseDesk):
    def __init__(self, registry: PopulationRegistry, call_timeout_seconds: float = 30.0) -> None:
        super().__init__(call_timeout_seconds)
        self.registry = registry

    @sync_operation
    async def verify_identities(
        self, ctx: StartOperationContext, request: IdentityCheckRequest
    ) -> IdentityCheckResult:
        """The cross-check before any agency is engaged: each declared person against the
        population registry."""
        bind_boundary_context(
            declaration_id=request.declaration_id, operation=f"{ctx.service}.{ctx.operation}"
        )
        with outages_as_handler_errors():
            problems = await self.registry.verify_identities(request.claims)
        return IdentityCheckResult(problems=problems)


AGENCY = "police"
PoliceCases = case_handler(AGENCY, RegistryDesk)

POLICE_DESK = AgencyDesk(
    AGENCY,
    lambda http, call_timeout: PoliceCases(PopulationRegistry(http), call_timeout),
    printed,
)
