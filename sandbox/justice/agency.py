"""The justice office as a sandbox agency: its registers and its two desks."""

from __future__ import annotations

from sandbox.casebook.agency import SandboxAgency
from sandbox.casebook.desks import ProcedureDesk
from sandbox.justice.births import birth_subject, decide_birth
from sandbox.justice.deaths import decide_death
from sandbox.justice.registers import load_population
from sandbox.justice.requests import BirthRegistrationIn, DeathRegistrationIn
from sandbox.justice.tables import JUSTICE_TABLES

JUSTICE = SandboxAgency(
    name="justice",
    title="Sandbox justice office (civil status)",
    tables=JUSTICE_TABLES,
    load=load_population,
    desks=(
        ProcedureDesk(
            procedure="birth_registration",
            operation="register_birth",
            series="JB",
            body_model=BirthRegistrationIn,
            rules=decide_birth,
            subject=birth_subject,
        ),
        ProcedureDesk(
            procedure="death_registration",
            operation="register_death",
            series="JD",
            body_model=DeathRegistrationIn,
            rules=decide_death,
            subject=lambda body: body.deceased_personal_id,
        ),
    ),
)
