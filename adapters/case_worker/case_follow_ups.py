"""Following up an agency's case: cancelling it on withdrawal, reminding or escalating it."""

from __future__ import annotations

from adapters.case_worker.agency_http import AgencyCase, AgencyHttpClient


class AgencyCaseClient:
    def __init__(self, http: AgencyHttpClient) -> None:
        self.http = http

    async def cancel(self, case_number: str) -> AgencyCase:
        """Cancel the case if it is still open; the answer says what the case is now."""
        return await self.http.post_case(f"/v1/cases/{case_number}/cancel")

    async def follow_up(self, case_number: str, kind: str) -> AgencyCase:
        return await self.http.post_case(f"/v1/cases/{case_number}/follow-ups", {"kind": kind})
