"""Social security as a sandbox agency: its records of the insured and three desks."""

from __future__ import annotations

from sandbox.casebook.agency import SandboxAgency
from sandbox.casebook.desks import ProcedureDesk
from sandbox.social_security.benefits import decide_funeral, decide_survivor
from sandbox.social_security.cards import decide_card
from sandbox.social_security.records import load_insured
from sandbox.social_security.requests import (
    FuneralAllowanceIn,
    HealthInsuranceCardIn,
    SurvivorBenefitIn,
)
from sandbox.social_security.tables import SOCIAL_SECURITY_TABLES

SOCIAL_SECURITY = SandboxAgency(
    name="social_security",
    title="Sandbox social security (VSS)",
    tables=SOCIAL_SECURITY_TABLES,
    load=load_insured,
    desks=(
        ProcedureDesk(
            procedure="health_insurance_card",
            operation="issue_card",
            series="SC",
            body_model=HealthInsuranceCardIn,
            rules=decide_card,
            subject=lambda body: body.personal_id,
        ),
        ProcedureDesk(
            procedure="funeral_allowance",
            operation="claim_funeral_allowance",
            series="SF",
            body_model=FuneralAllowanceIn,
            rules=decide_funeral,
            subject=lambda body: body.deceased_personal_id,
        ),
        ProcedureDesk(
            procedure="survivor_benefit",
            operation="claim_survivor_benefit",
            series="SS",
            body_model=SurvivorBenefitIn,
            rules=decide_survivor,
            subject=lambda body: body.deceased_personal_id,
        ),
    ),
)
