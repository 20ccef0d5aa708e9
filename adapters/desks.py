"""Each agency's desk, which its case worker is built from: one line per agency."""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType

from temporalio.client import Client

from adapters.case_worker.agency_desk import AgencyDesk
from adapters.case_worker.printing import Printer
from adapters.case_worker.worker import desk_worker
from adapters.justice.desk import JUSTICE_DESK
from adapters.police.desk import POLICE_DESK
from adapters.postal.desk import POSTAL_DESK
from adapters.social_security.desk import SOCIAL_SECURITY_DESK
from settings import AgencyWorkerSettings
from temporal_connection.role_worker import RoleWorker

AGENCY_DESKS: Mapping[str, AgencyDesk] = MappingProxyType(
    {
        desk.agency: desk
        for desk in (
            JUSTICE_DESK,
            POLICE_DESK,
            SOCIAL_SECURITY_DESK,
            POSTAL_DESK,
        )
    }
)
# How each agency that issues documents prints its records on them.
PRINTERS: Mapping[str, Printer] = MappingProxyType(
    {agency: desk.printed for agency, desk in AGENCY_DESKS.items() if desk.printed is not None}
)


def agency_worker(client: Client, settings: AgencyWorkerSettings) -> RoleWorker:
    """The agency's case worker, built from its desk."""
    return desk_worker(AGENCY_DESKS[settings.agency], client, settings)
