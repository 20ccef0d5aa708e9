"""Social security's desk in its case worker: its cases (the procedure table's health-insurance
card and benefits) and what its card and decisions print."""

from __future__ import annotations

from adapters.case_worker.agency_desk import AgencyDesk
from adapters.social_security.documents import printed

SOCIAL_SECURITY_DESK = AgencyDesk.of_cases("social_security", printed)
