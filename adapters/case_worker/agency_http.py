"""The HTTP client every agency adapter is built on.

Transport faults and an agency's 5xx answers are retried a few times here (tenacity); if the agency
is still out, `AgencyUnavailable` lets Temporal retry the activity later. An agency's decision to
reject is final: `AgencyRejected` carries its typed reason.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, TypeVar

import httpx
from pydantic import BaseModel, ValidationError
from tenacity import (
    AsyncRetrying,
    retry_if_exception_type,
    stop_after_attempt,
    wait_exponential_jitter,
)

from agency_contracts.requests import AgencyRequest
from observability.logging import get_logger

log = get_logger(__name__)

Answer = TypeVar("Answer", bound=BaseModel)

_RETRYABLE_STATUS = frozenset({429, 500, 502, 503, 504})
# A refused credential or an unknown path says the link to the agency is broken (a key rotated on
# one side only, a route moved), not that the agency decided anything: an outage, retried and
# alerted until an operator mends it.
_OUTAGE_STATUS = frozenset({401, 403, 404, 405})


class AgencyError(Exception):
    """Base of the errors an agency call can end in."""


class AgencyUnavailable(AgencyError):
    """The agency could not be reached or answered with a server error; try again later."""

    def __init__(self, message: str, status_code: int | None = None) -> None:
        super().__init__(message)
        # The agency's answer when it gave one (a refused credential, a route moved), else None.
        self.status_code = status_code


class AgencyRequestRefused(AgencyError):
    """The agency refused the request itself (malformed, or a reused idempotency key). Retrying
    the same request cannot help."""


class AgencyRejected(AgencyError):
    """The agency decided against the step, for a reason the citizen can read."""

    def __init__(self, agency: str, case: AgencyCase) -> None:
        rejection = case.rejection or Rejection(code="rejected", reason="Rejected.")
        super().__init__(f"{agency} rejected case {case.case_number}: {rejection.code}")
        self.agency = agency
        self.case = case
        self.code = rejection.code
        self.reason = rejection.reason


class _RetryableStatus(Exception):
    def __init__(self, status_code: int) -> None:
        super().__init__(f"agency answered {status_code}")
        self.status_code = status_code


class Rejection(BaseModel):
    code: str
    reason: str


class SupplementWanted(BaseModel):
    fields: list[str] = []
    documents: list[str] = []
    message: str


class AgencyCase(BaseModel):
    """An agency's case, as every sandbox agency reports it."""

    case_number: str
    procedure: str
    declaration_id: str
    idempotency_key: str | None = None
    status: str
    rejection: Rejection | None = None
    record: dict[str, Any] | None = None
    supplement: SupplementWanted | None = None
    decided_at: datetime | None = None
    decided_by: str | None = None
    signed_decision: str | None = None
    decision_signature: str | None = None


class AgencyHttpClient:
    def __init__(
        self,
        agency: str,
        base_url: str,
        *,
        timeout_seconds: float,
        transport_attempts: int,
        api_key: str | None = None,
        transport: httpx.AsyncBaseTransport | None = None,
    ) -> None:
        """`transport` replaces the network (an agency's app in the same process, say)."""
        self.agency = agency
        headers = {"Authorization": f"Bearer {api_key}"} if api_key else {}
        self._http = httpx.AsyncClient(
            base_url=base_url,
            timeout=httpx.Timeout(timeout_seconds),
            headers=headers,
            limits=httpx.Limits(max_connections=50, max_keepalive_connections=20),
            transport=transport,
        )
        self._attempts = transport_attempts

    async def aclose(self) -> None:
        await self._http.aclose()

    async def _send(self, method: str, path: str, **kwargs: Any) -> httpx.Response:
        try:
            async for attempt in AsyncRetrying(
                stop=stop_after_attempt(self._attempts),
                wait=wait_exponential_jitter(multiplier=0.2, max=2.0),
                retry=retry_if_exception_type((httpx.TransportError, _RetryableStatus)),
                reraise=True,
            ):
                with attempt:
                    response = await self._http.request(method, path, **kwargs)
                    if response.status_code in _RETRYABLE_STATUS:
                        raise _RetryableStatus(response.status_code)
                    if response.status_code in _OUTAGE_STATUS:
                        log.warning(
                            "agency_link_broken",
                            agency=self.agency,
                            path=path,
                            status_code=response.status_code,
                        )
                        raise AgencyUnavailable(
                            f"{self.agency} answered {path} with {response.status_code}",
                            status_code=response.status_code,
                        )
                    return response
        except (httpx.TransportError, _RetryableStatus) as error:
            log.warning(
                "agency_unavailable", agency=self.agency, path=path, error=type(error).__name__
            )
            raise AgencyUnavailable(f"{self.agency} is unavailable: {error}") from error
        raise AssertionError("unreachable: tenacity either returns or re-raises")

    async def submit(self, path: str, request: AgencyRequest) -> AgencyCase:
        """Open a case at the agency; the idempotency key makes a repeat return the first case."""
        body = request.model_dump(mode="json", exclude={"idempotency_key"})
        response = await self._send(
            "POST", path, json=body, headers={"Idempotency-Key": request.idempotency_key}
        )
        case = self._parse_case(path, response)
        log.info(
            "agency_case",
            agency=self.agency,
            path=path,
            case_number=case.case_number,
            case_status=case.status,
            replayed=response.status_code == 200,
        )
        if case.status == "rejected":
            raise AgencyRejected(self.agency, case)
        return case

    async def get(self, path: str, **params: Any) -> httpx.Response:
        return await self._send("GET", path, params=params)

    async def post_case(self, path: str, body: dict[str, Any] | None = None) -> AgencyCase:
        """A follow-up on an existing case (cancel, reminder): answers with the case."""
        return self._parse_case(path, await self._send("POST", path, json=body or {}))

    async def post(self, path: str) -> httpx.Response:
        return await self._send("POST", path)

    async def post_json(self, path: str, body: dict[str, Any]) -> httpx.Response:
        return await self._send("POST", path, json=body)

    async def post_for(self, path: str, body: dict[str, Any], answer: type[Answer]) -> Answer:
        """A request the agency answers at once, read as `answer`; a request it refuses, or an
        answer that is not one, is `AgencyRequestRefused`."""
        return self._parse(path, await self._send("POST", path, json=body), answer)

    def _parse_case(self, path: str, response: httpx.Response) -> AgencyCase:
        return self._parse(path, response, AgencyCase)

    def _parse(self, path: str, response: httpx.Response, answer: type[Answer]) -> Answer:
        if response.status_code not in (200, 201):
            log.error(
                "agency_refused_request",
                agency=self.agency,
                path=path,
                status_code=response.status_code,
            )
            raise AgencyRequestRefused(
                f"{self.agency} refused the request to {path} with {response.status_code}"
            )
        try:
            return answer.model_validate_json(response.content)
        except ValidationError as error:
            log.error(
                "agency_answer_unreadable",
                agency=self.agency,
                path=path,
                problems=[".".join(map(str, e["loc"])) for e in error.errors()][:10],
            )
            raise AgencyRequestRefused(
                f"{self.agency} answered {path} with a body that is not {answer.__name__}"
            ) from error
