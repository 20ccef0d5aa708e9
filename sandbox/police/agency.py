"""The police as a sandbox agency: the population registry, its lookups and two desks."""

from __future__ import annotations

from sandbox.casebook.agency import SandboxAgency
from sandbox.casebook.desks import ProcedureDesk
from sandbox.police.registry import load_population, registry_routes
from sandbox.police.requests import ResidenceRegistrationIn, ResidenceRemovalIn
from sandbox.police.residence import decide_registration, decide_removal
from sandbox.police.tables import POLICE_TABLES

POLICE = SandboxAgency(
    name="police",
    title="Sandbox police (residence and population registry)",
    tables=POLICE_TABLES,
    load=load_population,
    desks=(
        ProcedureDesk(
            procedure="residence_registration",
            operation="register_residence",
            series="PR",
            body_model=ResidenceRegistrationIn,
            rules=decide_registration,
            subject=lambda body: body.personal_id,
        ),
        ProcedureDesk(
            procedure="residence_removal",
            operation="remove_residence",
            series="PX",
            body_model=ResidenceRemovalIn,
            rules=decide_removal,
            subject=lambda body: body.personal_id,
        ),
    ),
    extra_routes=(registry_routes,),
)
