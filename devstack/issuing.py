"""Issuing tokens with the keys a process's settings hold: the CLI, the tests and the demos.
The role decides the issuer (the portal's for the portal and citizens, the operators' for
operators); a process configured to verify only holds no signing key and cannot issue."""

from __future__ import annotations

from datetime import timedelta

from security.principals import Role, issuer_of
from security.tokens import issue_token
from settings import Settings


def issue_from_settings(
    settings: Settings,
    role: Role,
    subject: str | None = None,
    *,
    citizen_id: str | None = None,
    audience: str = "portal-api",
    lifetime: timedelta = timedelta(hours=1),
    party: str = "orchestrator",
) -> str:
    return issue_token(
        settings.token_signing_key(issuer_of(role)),
        role,
        None if role == "citizen" else subject,
        citizen_id=citizen_id,
        pseudonyms=settings.pseudonyms,
        audience=audience,
        lifetime=lifetime,
        party=party,
    )
