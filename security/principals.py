"""The parties that call the portal API, what each may do, and who may vouch for each."""

from __future__ import annotations

from datetime import timedelta
from enum import StrEnum
from typing import Literal

from pydantic import BaseModel

from schemas.parties import CASE_AGENCIES


class Scope(StrEnum):
    SUBMIT = "declarations:submit"
    READ = "declarations:read"
    ACT = "declarations:act"
    AUDIT = "audit:read"
    # Which agency keys the orchestrator trusts: adding, revoking, and the decisions held.
    TRUST = "trust:manage"
    # An agency places the signed results it issued on a declaration.
    ISSUE = "documents:issue"


Role = Literal["portal", "citizen", "operator", "agency"]
# The party of the orchestrator's own operators (an agency's operators name their agency).
ORCHESTRATOR = "orchestrator"

ROLE_SCOPES: dict[str, frozenset[Scope]] = {
    # The national portal files declarations and follows the ones it filed.
    "portal": frozenset({Scope.SUBMIT, Scope.READ}),
    # A citizen, signed in through the portal: files, follows and acts on their own declarations.
    "citizen": frozenset({Scope.SUBMIT, Scope.READ, Scope.ACT}),
    # An operator reads any declaration and its audit trail.
    "operator": frozenset({Scope.READ, Scope.AUDIT, Scope.TRUST}),
    # An agency's case worker stores the documents it signed, and reads nothing.
    "agency": frozenset({Scope.ISSUE}),
}

# What an agency's operator may not do at the portal API: they read the declarations with a step
# at their agency, and only that step's part; the audit trail and the trust store are the
# orchestrator's operators' alone.
ORCHESTRATOR_OPERATOR_ONLY = frozenset({Scope.AUDIT, Scope.TRUST})

# The longest a token of each role may live, whoever issued it: a token is a credential in
# transit, and a long-lived one outlives the person or session it was issued to. A token that
# claims more is refused when read.
MAX_TOKEN_LIFETIME: dict[str, timedelta] = {
    "portal": timedelta(hours=12),
    "citizen": timedelta(hours=8),
    "operator": timedelta(hours=12),
    "agency": timedelta(hours=1),
}


def scopes_of(role: Role, party: str) -> frozenset[Scope]:
    scopes = ROLE_SCOPES[role]
    if role == "operator" and party != ORCHESTRATOR:
        scopes = scopes - ORCHESTRATOR_OPERATOR_ONLY
    return scopes


# Token issuers, each with its own keys and the only roles it may grant: the national portal
# vouches for itself and the citizens it signs in, and cannot mint an operator; the operators'
# issuer cannot speak for the portal or a citizen.
PORTAL_ISSUER = "lienthong-portal"
OPERATOR_ISSUER = "lienthong-operators"
# Each agency that issues documents vouches for itself alone, with a key no other party holds:
# its tokens name it as their party, whatever else they claim.
AGENCY_ISSUERS: dict[str, str] = {f"lienthong-{agency}": agency for agency in CASE_AGENCIES}
ISSUER_ROLES: dict[str, frozenset[str]] = {
    PORTAL_ISSUER: frozenset({"portal", "citizen"}),
    OPERATOR_ISSUER: frozenset({"operator"}),
    **{issuer: frozenset({"agency"}) for issuer in AGENCY_ISSUERS},
}


def agency_issuer(agency: str) -> str:
    return next(issuer for issuer, own in AGENCY_ISSUERS.items() if own == agency)


def issuer_of(role: Role) -> str:
    """The issuer of a role of the portal's or the operators' (an agency's is its own)."""
    return next(issuer for issuer, roles in ISSUER_ROLES.items() if role in roles)


class Principal(BaseModel):
    # For a citizen, the keyed pseudonym of their personal ID (see security.pseudonyms).
    subject: str
    role: Role
    scopes: frozenset[Scope]
    # For a citizen: their personal ID, which must be the declarant's.
    citizen_id: str | None = None
    # For an operator: the party whose namespace they operate (the orchestrator or an agency);
    # for an agency: the agency.
    party: str = ORCHESTRATOR

    def can(self, scope: Scope) -> bool:
        return scope in self.scopes

    @property
    def agency_operator(self) -> str | None:
        """The agency whose operator this is, or None (the orchestrator's operators, anyone
        else)."""
        return self.party if self.role == "operator" and self.party != ORCHESTRATOR else None

    @property
    def actor(self) -> str:
        """How the audit trail names this party. A citizen's subject is the pseudonym of their
        own personal ID, so two citizens are never one actor and the trail holds no ID."""
        return f"{self.role}:{self.subject}"
