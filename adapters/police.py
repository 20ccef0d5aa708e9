"""The police's residence system and population registry."""

from __future__ import annotations

import unicodedata

from adapters.agency_http import AgencyHttpClient
from adapters.case_decisions import receipt_from_case
from schemas.agency_requests import ResidenceRegistrationRequest, ResidenceRemovalRequest
from schemas.common import Agency
from schemas.decisions import AgencyReceipt, IdentityClaim, IdentityProblem


def _same_name(a: str, b: str) -> bool:
    def normal(name: str) -> str:
        return " ".join(unicodedata.normalize("NFC", name).casefold().split())

    return normal(a) == normal(b)


class PoliceClient:
    def __init__(self, http: AgencyHttpClient) -> None:
        self.http = http

    async def register_residence(self, request: ResidenceRegistrationRequest) -> AgencyReceipt:
        case = await self.http.submit("/v1/residence-registrations", request)
        return receipt_from_case(Agency.POLICE, case)

    async def remove_residence(self, request: ResidenceRemovalRequest) -> AgencyReceipt:
        case = await self.http.submit("/v1/residence-removals", request)
        return receipt_from_case(Agency.POLICE, case)

    async def verify_identity(self, claim: IdentityClaim) -> list[IdentityProblem]:
        """Compare a person as declared with the population registry: ID, name, date of birth."""
        response = await self.http.get(f"/v1/registry/people/{claim.personal_id}")
        role = claim.field.replace("_", " ")
        if response.status_code == 404:
            return [
                IdentityProblem(
                    field=f"{claim.field}.personal_id",
                    message=f"The {role}'s personal ID is not in the national population registry; "
                    "check the number.",
                )
            ]
        response.raise_for_status()
        person = response.json()
        problems = []
        if not _same_name(person["full_name"], claim.full_name):
            problems.append(
                IdentityProblem(
                    field=f"{claim.field}.full_name",
                    message=f"The {role}'s name does not match the population registry for this "
                    "personal ID; write it exactly as on the identity card.",
                )
            )
        if (
            claim.date_of_birth is not None
            and person["date_of_birth"] != claim.date_of_birth.isoformat()
        ):
            problems.append(
                IdentityProblem(
                    field=f"{claim.field}.date_of_birth",
                    message=f"The {role}'s date of birth does not match the population registry; "
                    "check it against the identity card.",
                )
            )
        return problems
