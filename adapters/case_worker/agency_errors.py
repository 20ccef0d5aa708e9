"""How an agency call's outcome is told to Temporal: a rejection is final, an outage is retried."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from pydantic import BaseModel
from temporalio import activity
from temporalio.exceptions import ApplicationError

from adapters.case_worker.agency_http import AgencyRejected, AgencyRequestRefused, AgencyUnavailable
from observability.logging import get_logger
from observability.outages import agency_outage

AGENCY_REJECTED = "AgencyRejected"
AGENCY_REQUEST_REFUSED = "AgencyRequestRefused"
AGENCY_UNAVAILABLE = "AgencyUnavailable"
NON_RETRYABLE_AGENCY_ERRORS = [AGENCY_REJECTED, AGENCY_REQUEST_REFUSED]

log = get_logger(__name__)


class RejectionDetails(BaseModel):
    """Carried in the error's details so the workflow can report the agency's reasoning, and
    verify the agency's signature on it."""

    code: str
    reason: str
    case_number: str | None = None
    record: dict[str, object] | None = None
    signed: str | None = None
    signature: str | None = None


@contextmanager
def agency_outcomes_for_temporal() -> Iterator[None]:
    try:
        yield
    except AgencyRejected as rejection:
        case = rejection.case
        log.info(
            "agency_rejected",
            agency=rejection.agency,
            case_number=case.case_number,
            rejection_code=rejection.code,
        )
        raise ApplicationError(
            rejection.reason,
            RejectionDetails(
                code=rejection.code,
                reason=rejection.reason,
                case_number=case.case_number,
                record=case.record,
                signed=case.signed_decision,
                signature=case.decision_signature,
            ),
            type=AGENCY_REJECTED,
            non_retryable=True,
        ) from None
    except AgencyRequestRefused as refusal:
        raise ApplicationError(
            str(refusal), type=AGENCY_REQUEST_REFUSED, non_retryable=True
        ) from None
    except AgencyUnavailable as outage:
        agency_outage(activity.info().namespace, outage)
        raise ApplicationError(str(outage), type=AGENCY_UNAVAILABLE) from None
