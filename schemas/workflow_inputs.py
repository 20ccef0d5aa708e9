"""What a declaration workflow starts from. Everything it needs to route and time its steps
travels in the input, so the workflow reads no settings and stays deterministic on replay."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, Field, RootModel, model_validator

from schemas.birth import BirthDeclaration
from schemas.death import DeathDeclaration
from schemas.parties import AGENCY_PARTIES, AgencyParty, endpoint_name


class NexusEndpoints(RootModel[dict[AgencyParty, str]]):
    """The Nexus endpoint of each agency, by its party name, as registered on the orchestrator's
    Temporal cluster."""

    @model_validator(mode="after")
    def _every_agency(self) -> NexusEndpoints:
        missing = [agency for agency in AGENCY_PARTIES if agency not in self.root]
        if missing:
            raise ValueError(f"no Nexus endpoint for {', '.join(missing)}")
        return self

    @classmethod
    def with_prefix(cls, prefix: str) -> NexusEndpoints:
        return cls({agency: endpoint_name(prefix, agency) for agency in AGENCY_PARTIES})

    def of(self, agency: str) -> str:
        return self.root[agency]


def orchestrator_task_queue(prefix: str) -> str:
    return f"{prefix}-orchestrator"


class OrchestrationOptions(BaseModel):
    endpoints: NexusEndpoints
    agency_call_timeout_seconds: float = Field(default=30.0, gt=0)
    # Set only in tests and demos: one working day lasts this many seconds, weekends ignored.
    working_day_seconds: float | None = Field(default=None, gt=0)
    # How often a decision held for want of a trusted key is checked against the trust store.
    decision_recheck_seconds: float = Field(default=3600.0, gt=0)


class StartAttestation(BaseModel):
    """The portal API's signature over a start input (security.start_attestations)."""

    key_id: str
    attested_at: datetime
    signature: str


class AttestedStart(BaseModel):
    declaration_id: str
    received_at: datetime
    options: OrchestrationOptions
    # None on a start the portal API did not file: the workflow refuses it (optional, so that
    # such a start is read and refused rather than failing its workflow task).
    attestation: StartAttestation | None = None

    def attested_content(self) -> str:
        """What the attestation covers: everything the workflow starts from but itself."""
        return self.model_dump_json(exclude={"attestation"})


class BirthWorkflowInput(AttestedStart):
    declaration: BirthDeclaration


class DeathWorkflowInput(AttestedStart):
    declaration: DeathDeclaration
    late_registration: bool
