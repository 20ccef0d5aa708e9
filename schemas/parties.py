"""The parties of a deployment: the orchestrator and the agencies it calls. Each runs in a
Temporal namespace of its own, with its own payload key, and each agency serves one Nexus
endpoint. `AGENCIES` is the one list of the agencies: every other list of them derives from it."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated

from pydantic import AfterValidator


@dataclass(frozen=True)
class AgencyOfRecord:
    # The party's name: its namespace, its Nexus service and endpoint, its settings' prefix.
    name: str
    # The agency as its documents and certificates name it.
    title: str
    # Whether it decides procedures as cases, each with its officers' decision and the signed
    # document of an approved record. The post carries results; it keeps no cases.
    keeps_cases: bool = True


AGENCIES: tuple[AgencyOfRecord, ...] = (
    AgencyOfRecord("justice", "Bộ Tư pháp"),
    AgencyOfRecord("police", "Bộ Công an"),
    AgencyOfRecord("social_security", "Bảo hiểm xã hội Việt Nam"),
    AgencyOfRecord("postal", "Tổng công ty Bưu điện Việt Nam", keeps_cases=False),
)
AGENCY_PARTIES: tuple[str, ...] = tuple(agency.name for agency in AGENCIES)
# The agencies whose procedures are cases: each issues its approved records as signed documents.
CASE_AGENCIES: tuple[str, ...] = tuple(agency.name for agency in AGENCIES if agency.keeps_cases)
AGENCY_TITLES: dict[str, str] = {agency.name: agency.title for agency in AGENCIES}
# Not a namespace of its own: the portal API, whose keys attest what it files and asks, kept in
# the orchestrator's trust store beside the agencies'.
PORTAL_PARTY = "portal"


def _known_agency(name: str) -> str:
    if name not in AGENCY_PARTIES:
        raise ValueError(f"not an agency: {name!r} (one of {', '.join(AGENCY_PARTIES)})")
    return name


# An agency's party name, where a setting or an input names one.
AgencyParty = Annotated[str, AfterValidator(_known_agency)]


def namespace_of(party: str) -> str:
    """The default namespace name of a party (namespace names take no underscore)."""
    return "lienthong" if party == "orchestrator" else party.replace("_", "-")


def settings_prefix(agency: str) -> str:
    """The prefix an agency's worker reads its settings under: `JUSTICE_` for `justice`."""
    return f"{agency.upper()}_"


def endpoint_name(prefix: str, agency: str) -> str:
    """The Nexus endpoint that reaches an agency's case workers."""
    return f"{prefix}-{agency.replace('_', '-')}"


def case_task_queue(prefix: str, agency: str) -> str:
    """The task queue, in the agency's own namespace, of its case workers."""
    return f"{prefix}-{agency.replace('_', '-')}-cases"
