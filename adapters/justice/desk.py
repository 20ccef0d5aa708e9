"""The justice office's desk in its case worker: its cases (the procedure table's birth and death
registrations) and what its extracts print."""

from __future__ import annotations

from adapters.case_worker.agency_desk import AgencyDesk
from adapters.justice.documents import printed

JUSTICE_DESK = AgencyDesk.of_cases("justice", printed)
