"""What is particular to one agency in the case worker it runs: its Nexus service handler, the
workflows that handler starts, how its approved records print on its documents, and what relays
its feed. Every agency folder declares its desk; the rest of the case worker is the same for all,
its activities included (one submission per procedure of the agency's in the procedure table)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from adapters.case_worker.agency_case import AgencyCaseWorkflow
from adapters.case_worker.agency_http import AgencyHttpClient
from adapters.case_worker.case_desk import CaseDesk, case_handler
from adapters.case_worker.decision_feed import DecisionRelay
from adapters.case_worker.printing import Printer
from adapters.case_worker.result_document import ResultDocumentWorkflow


@dataclass(frozen=True)
class AgencyDesk:
    agency: str
    # The agency's Nexus service handler, given its system's client and how long one call to
    # the system may take.
    handler: Callable[[AgencyHttpClient, float], object]
    # What its approved records print on its signed documents; None for an agency that issues
    # none.
    printed: Printer | None = None
    # A case, and the signed result it issues once approved.
    workflows: tuple[type, ...] = (AgencyCaseWorkflow, ResultDocumentWorkflow)
    # What carries the agency's feed to the workflows waiting for it.
    relay: type[DecisionRelay] = DecisionRelay

    @classmethod
    def of_cases(cls, agency: str, printed: Printer) -> AgencyDesk:
        """The desk of an agency whose operations are its cases alone."""
        handler = case_handler(agency, CaseDesk)
        return cls(agency, lambda http, call_timeout: handler(call_timeout), printed)
