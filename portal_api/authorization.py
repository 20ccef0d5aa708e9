"""Whether the caller of the portal API may do this to that declaration.

Callers present a signed bearer token (see security.tokens). A missing or invalid token is a
401, answered before the body is read (portal_api.authentication) and again by the routes'
dependencies (portal_api.dependencies); a valid token without the scope, or a citizen reaching
for someone else's declaration, is a 403. Either way nothing changes, and the refusal goes to
the audit trail.
"""

from __future__ import annotations

from fastapi import HTTPException
from sqlalchemy.engine import Engine
from starlette.concurrency import run_in_threadpool

from schemas.common import Agency
from schemas.status import DeclarationStatusView
from security.principals import Principal, Scope
from settings import Settings
from store.at_rest import StoreCipher
from store.audit import record_audit
from store.declaration_status import read_status
from store.models import DeclarationRecord


class Access:
    """Authorisation decisions, each refusal recorded in the audit trail."""

    def __init__(
        self, settings: Settings, engine: Engine, cipher: StoreCipher, principal: Principal
    ) -> None:
        self.settings = settings
        self.engine = engine
        self.cipher = cipher
        self.principal = principal

    async def refuse(self, action: str, declaration_id: str | None, why: str) -> HTTPException:
        await self.audit(action, declaration_id, why, outcome="denied")
        return HTTPException(status_code=403, detail=why)

    async def require(self, scope: Scope, action: str, declaration_id: str | None = None) -> None:
        if not self.principal.can(scope):
            raise await self.refuse(
                action, declaration_id, f"This credential does not allow {scope.value}."
            )

    async def require_own_declarant(self, action: str, declarant_personal_id: str) -> None:
        """A citizen files only as themselves."""
        if self.principal.role == "citizen" and self.principal.citizen_id != declarant_personal_id:
            raise await self.refuse(action, None, "A citizen can only declare as themselves.")

    async def require_access(self, action: str, record: DeclarationRecord) -> None:
        """The orchestrator's operators see every declaration, an agency's operators those with
        a step at their agency; the portal sees those it filed; a citizen sees (and acts on)
        only the declarations they are the declarant of."""
        principal = self.principal
        if principal.role == "operator":
            agency = principal.agency_operator
            # An agency's operator reads only the declarations with a step at their agency.
            if agency is None or agency in {
                a.value for a in read_status(record, self.cipher).agencies
            }:
                return
        if principal.role == "portal" and record.client_id == principal.actor:
            return
        # Under every pseudonym key version: a declaration filed before a rotation stays theirs.
        if (
            principal.role == "citizen"
            and principal.citizen_id is not None
            and record.declarant_ref in self.settings.pseudonyms.refs(principal.citizen_id)
        ):
            return
        raise await self.refuse(
            action, record.declaration_id, "This declaration is not yours to see or act on."
        )

    def visible_part(self, view: DeclarationStatusView) -> DeclarationStatusView:
        """The status as this caller may read it: an agency's operator, its own steps only."""
        agency = self.principal.agency_operator
        return view if agency is None else view.part_of(Agency(agency))

    def visible_issuers(self) -> frozenset[str] | None:
        """Whose documents this caller may read; None for every issuer's."""
        agency = self.principal.agency_operator
        return None if agency is None else frozenset({agency})

    async def audit(
        self,
        action: str,
        declaration_id: str | None,
        detail: str | None = None,
        outcome: str = "allowed",
    ) -> None:
        await run_in_threadpool(
            record_audit,
            self.engine,
            self.principal.actor,
            action,
            declaration_id,
            outcome=outcome,
            detail=detail,
        )
