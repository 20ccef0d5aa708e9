"""Who is calling the portal API, and whether they may do this to that declaration.

Callers present a signed bearer token (see security.tokens). A missing or invalid token is a
401, answered before the body is read (portal_api.authentication) and again here; a valid token
without the scope, or a citizen reaching for someone else's declaration, is a 403. Either way
nothing changes, and the refusal goes to the audit trail.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, HTTPException, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from starlette.concurrency import run_in_threadpool

from portal_api.authentication import MISSING, NotAuthenticated, principal_of
from security.principals import Principal, Scope
from settings import Settings
from store.audit import record_audit
from store.models import DeclarationRecord

_bearer = HTTPBearer(
    auto_error=False,
    description="A token issued to the portal, a citizen signed in through it, or an operator.",
)


def _settings(request: Request) -> Settings:
    settings: Settings = request.app.state.intake.settings
    return settings


async def current_principal(
    request: Request,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
) -> Principal:
    try:
        if credentials is None:
            raise NotAuthenticated(MISSING)
        return principal_of(_settings(request), credentials.credentials)
    except NotAuthenticated as refused:
        raise HTTPException(
            status_code=401, detail=str(refused), headers={"WWW-Authenticate": "Bearer"}
        ) from None


PrincipalDep = Annotated[Principal, Depends(current_principal)]


class Access:
    """Authorisation decisions, each refusal recorded in the audit trail."""

    def __init__(self, request: Request, principal: Principal) -> None:
        self.intake = request.app.state.intake
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
        """Operators see every declaration; the portal sees those it filed; a citizen sees
        (and acts on) only the declarations they are the declarant of."""
        principal = self.principal
        if principal.role == "operator":
            return
        if principal.role == "portal" and record.client_id == principal.actor:
            return
        # Under every pseudonym key version: a declaration filed before a rotation stays theirs.
        if (
            principal.role == "citizen"
            and principal.citizen_id is not None
            and record.declarant_ref in self.intake.settings.pseudonyms.refs(principal.citizen_id)
        ):
            return
        raise await self.refuse(
            action, record.declaration_id, "This declaration is not yours to see or act on."
        )

    async def audit(
        self,
        action: str,
        declaration_id: str | None,
        detail: str | None = None,
        outcome: str = "allowed",
    ) -> None:
        await run_in_threadpool(
            record_audit,
            self.intake.engine,
            self.principal.actor,
            action,
            declaration_id,
            outcome=outcome,
            detail=detail,
        )


def get_access(request: Request, principal: PrincipalDep) -> Access:
    return Access(request, principal)


AccessDep = Annotated[Access, Depends(get_access)]
