"""What the citizen is asked to supplement, and by whom."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, Field

from messages import Text

# The requester when the orchestrator's own cross-check, not an agency, finds a mismatch.
POPULATION_REGISTRY = "population_registry"


class SupplementNeed(BaseModel):
    """What an officer (or the registry cross-check) wants from the citizen."""

    fields: list[str] = Field(default_factory=list)
    documents: list[str] = Field(default_factory=list)
    # An officer's own words, or the product's (the registry cross-check).
    message: Text


class SupplementRequest(SupplementNeed):
    # Names the request an answer answers: the portal API attests it, and an answer to a
    # request that is no longer open (a copy of an earlier answer) is refused.
    request_id: str = ""
    requested_by: str
    requested_at: datetime
    respond_by: datetime
