"""What the routes depend on, as `Annotated` dependencies resolved from the app's state."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Header, Request
from sqlalchemy.engine import Engine
from temporalio.client import Client

from portal_api.citizen_actions import CitizenActions
from portal_api.intake import Intake


def get_intake(request: Request) -> Intake:
    intake: Intake = request.app.state.intake
    return intake


def get_engine(request: Request) -> Engine:
    engine: Engine = request.app.state.intake.engine
    return engine


def get_client(request: Request) -> Client:
    client: Client = request.app.state.intake.client
    return client


def get_citizen_actions(request: Request) -> CitizenActions:
    return CitizenActions(request.app.state.intake)


IntakeDep = Annotated[Intake, Depends(get_intake)]
CitizenActionsDep = Annotated[CitizenActions, Depends(get_citizen_actions)]
EngineDep = Annotated[Engine, Depends(get_engine)]
ClientDep = Annotated[Client, Depends(get_client)]
IdempotencyKeyHeader = Annotated[
    str | None,
    Header(
        alias="Idempotency-Key",
        min_length=8,
        max_length=200,
        description="The same key with the same body returns the same declaration.",
    ),
]
