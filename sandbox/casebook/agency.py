"""A sandbox agency as it declares itself: its name, its own registers, how it loads them from the
dataset, its procedure desks and any routes of its own. The HTTP service is built from that."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from fastapi import FastAPI
from sqlmodel import Session, SQLModel

from sandbox.casebook.app import ExtraRoutes, agency_app
from sandbox.casebook.credentials import AgencyCredentials
from sandbox.casebook.database import load_dataset_once, open_agency_database
from sandbox.casebook.desks import ProcedureDesk
from sandbox.casebook.service import AgencyBook
from sandbox.casebook.switches import DecisionPolicy
from sandbox.dataset import Dataset

if TYPE_CHECKING:
    from sandbox.settings import SandboxSettings


@dataclass(frozen=True)
class SandboxAgency:
    name: str
    title: str
    tables: Sequence[type[SQLModel]]
    load: Callable[[Session, Dataset], None]
    desks: Sequence[ProcedureDesk[Any]]
    extra_routes: Sequence[ExtraRoutes] = ()
    # A policy of the agency's own, from the sandbox's settings, instead of the officers'.
    own_policy: Callable[[SandboxSettings], DecisionPolicy] | None = None

    def policy(self, settings: SandboxSettings) -> DecisionPolicy:
        if self.own_policy is not None:
            return self.own_policy(settings)
        return DecisionPolicy(
            mode=settings.decision_mode, delay_seconds=settings.decision_delay_seconds
        )

    def create_app(
        self,
        state_dir: Path,
        data_dir: Path,
        credentials: AgencyCredentials,
        policy: DecisionPolicy | None = None,
    ) -> FastAPI:
        engine = open_agency_database(self.name, state_dir, self.tables)
        book = AgencyBook(
            name=self.name,
            engine=engine,
            dataset=load_dataset_once(engine, data_dir, self.load, self.name),
            credentials=credentials,
            desks={desk.procedure: desk for desk in self.desks},
            policy=policy or DecisionPolicy(),
        )
        return agency_app(self.title, book, self.extra_routes)
