"""What the routes depend on, as `Annotated` dependencies: the portal's resources, held by its
`Intake` on the app's state, and the caller, from their bearer token."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Header, HTTPException, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from sqlalchemy.engine import Engine
from temporalio.client import Client

from messages import Language, negotiate_language
from portal_api.authentication import MISSING, NotAuthenticated, principal_of
from portal_api.authorization import Access
from portal_api.citizen_actions import CitizenActions
from portal_api.document_checks import DocumentChecks
from portal_api.intake import Intake
from security.principals import Principal
from settings import Settings
from store.at_rest import StoreCipher


def get_intake(request: Request) -> Intake:
    intake: Intake = request.app.state.intake
    return intake


IntakeDep = Annotated[Intake, Depends(get_intake)]


def get_settings(intake: IntakeDep) -> Settings:
    return intake.settings


def get_engine(intake: IntakeDep) -> Engine:
    return intake.engine


def get_cipher(intake: IntakeDep) -> StoreCipher:
    return intake.cipher


def get_client(intake: IntakeDep) -> Client:
    return intake.client


def get_document_checks(request: Request) -> DocumentChecks:
    checks: DocumentChecks = request.app.state.document_checks
    return checks


SettingsDep = Annotated[Settings, Depends(get_settings)]
DocumentChecksDep = Annotated[DocumentChecks, Depends(get_document_checks)]
EngineDep = Annotated[Engine, Depends(get_engine)]
CipherDep = Annotated[StoreCipher, Depends(get_cipher)]
ClientDep = Annotated[Client, Depends(get_client)]

_bearer = HTTPBearer(
    auto_error=False,
    description="A token issued to the portal, a citizen signed in through it, or an operator.",
)


async def current_principal(
    settings: SettingsDep,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
) -> Principal:
    """The caller a valid bearer token names; 401 without one (see portal_api.authorization)."""
    try:
        if credentials is None:
            raise NotAuthenticated(MISSING)
        return principal_of(settings, credentials.credentials)
    except NotAuthenticated as refused:
        raise HTTPException(
            status_code=401, detail=str(refused), headers={"WWW-Authenticate": "Bearer"}
        ) from None


PrincipalDep = Annotated[Principal, Depends(current_principal)]


def get_access(
    settings: SettingsDep, engine: EngineDep, cipher: CipherDep, principal: PrincipalDep
) -> Access:
    return Access(settings, engine, cipher, principal)


def get_citizen_actions(intake: IntakeDep) -> CitizenActions:
    return CitizenActions(intake)


AccessDep = Annotated[Access, Depends(get_access)]
CitizenActionsDep = Annotated[CitizenActions, Depends(get_citizen_actions)]


def accepted_language(
    accept_language: Annotated[
        str | None,
        Header(
            alias="Accept-Language",
            description="`vi` (the default) or `en`: the language of every message answered.",
        ),
    ] = None,
) -> Language:
    return negotiate_language(accept_language)


LanguageDep = Annotated[Language, Depends(accepted_language)]
IdempotencyKeyHeader = Annotated[
    str | None,
    Header(
        alias="Idempotency-Key",
        min_length=8,
        max_length=200,
        description="The same key with the same body returns the same declaration.",
    ),
]
