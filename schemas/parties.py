"""The parties of a deployment: the orchestrator and the agencies it calls. Each runs in a
Temporal namespace of its own, with its own payload key, and each agency serves one Nexus
endpoint."""

from __future__ import annotations

from typing import Literal, get_args

AgencyParty = Literal["justice", "police", "social_security", "postal"]
Party = Literal["orchestrator", AgencyParty]

AGENCY_PARTIES: tuple[AgencyParty, ...] = get_args(AgencyParty)
# Not a namespace of its own: the portal API, whose keys attest what it files and asks, kept in
# the orchestrator's trust store beside the agencies'.
PORTAL_PARTY = "portal"


def namespace_of(party: str) -> str:
    """The default namespace name of a party (namespace names take no underscore)."""
    return "lienthong" if party == "orchestrator" else party.replace("_", "-")


def endpoint_name(prefix: str, agency: str) -> str:
    """The Nexus endpoint that reaches an agency's case workers."""
    return f"{prefix}-{agency.replace('_', '-')}"


def case_task_queue(prefix: str, agency: str) -> str:
    """The task queue, in the agency's own namespace, of its case workers."""
    return f"{prefix}-{agency.replace('_', '-')}-cases"
