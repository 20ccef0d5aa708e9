"""The population registry the police keep: the people a declaration names, compared with what it
records of them before any agency is engaged."""

from __future__ import annotations

from datetime import date

from pydantic import BaseModel

from adapters.case_worker.agency_http import AgencyHttpClient
from agency_contracts.decisions import IdentityClaim, IdentityProblem
from messages import Message
from schemas.names import same_name
from schemas.parenthood import PATERNITY_AFTER_DEATH_DAYS, parent_death_conflict


class RegistryPerson(BaseModel):
    """A person as the population registry answers for them (what the comparison reads)."""

    personal_id: str
    full_name: str
    date_of_birth: date
    status: str | None = None
    date_of_death: date | None = None


class RegistryAnswer(BaseModel):
    # The people the registry knows among those asked for.
    people: list[RegistryPerson]


class PopulationRegistry:
    def __init__(self, http: AgencyHttpClient) -> None:
        self.http = http

    async def verify_identities(self, claims: list[IdentityClaim]) -> list[IdentityProblem]:
        """Compare the people as declared with the population registry (ID, name, date of
        birth), all in one request."""
        if not claims:
            return []
        # A lookup the registry refuses, or an answer that is not one, is the request's fault
        # (AgencyRequestRefused), not an outage to retry for ever.
        answer = await self.http.post_for(
            "/v1/registry/lookups",
            {"personal_ids": [c.personal_id for c in claims]},
            RegistryAnswer,
        )
        registry = {p.personal_id: p for p in answer.people}
        return [
            problem
            for claim in claims
            for problem in (
                _compare(claim, registry.get(claim.personal_id))
                or _death_before_birth(claim, registry.get(claim.personal_id))
            )
        ]


# The people a declaration names, as the registry's answer calls them.
_PEOPLE = {
    "mother": Message.of("person.mother"),
    "father": Message.of("person.father"),
    "deceased": Message.of("person.deceased"),
}


def _beneficiary(field: str) -> Message | None:
    """`survivor_benefit.beneficiaries.2` is the third beneficiary, as the family counts."""
    prefix = "survivor_benefit.beneficiaries."
    if not field.startswith(prefix) or not field.removeprefix(prefix).isdigit():
        return None
    return Message.of("person.beneficiary", number=int(field.removeprefix(prefix)) + 1)


def _compare(claim: IdentityClaim, person: RegistryPerson | None) -> list[IdentityProblem]:
    """What differs from the registry. About the declarant, each detail is named; about anyone
    else, one plain answer names all the details to check and reveals none of the registry's."""
    mismatched = registry_mismatches(claim, person)
    if not mismatched:
        return []
    if claim.field != "declarant":
        details = ["personal_id", "full_name"] + (["date_of_birth"] if claim.date_of_birth else [])
        person_named = _PEOPLE.get(claim.field) or _beneficiary(claim.field)
        message = Message.of(
            "registry.person_mismatch",
            person=person_named if person_named is not None else claim.field.replace("_", " "),
        )
        return [
            IdentityProblem(field=f"{claim.field}.{detail}", message=message) for detail in details
        ]
    messages = {
        "personal_id": Message.of("registry.declarant_id_unknown"),
        "full_name": Message.of("registry.declarant_name_mismatch"),
        "date_of_birth": Message.of("registry.declarant_birth_date_mismatch"),
    }
    return [IdentityProblem(field=f"declarant.{d}", message=messages[d]) for d in mismatched]


def _death_before_birth(
    claim: IdentityClaim, person: RegistryPerson | None
) -> list[IdentityProblem]:
    """A parent the registry records as dead is still the child's parent (a father who died
    during the pregnancy, a mother who died in childbirth); a death too early to fit the birth
    refuses the declaration."""
    if (
        person is None
        or claim.child_born_on is None
        or claim.field not in ("mother", "father")
        or person.status != "deceased"
        or person.date_of_death is None
    ):
        return []
    conflict = parent_death_conflict(
        "mother" if claim.field == "mother" else "father",
        person.date_of_death,
        claim.child_born_on,
    )
    if conflict is None:
        return []
    return [
        IdentityProblem(
            field=f"{claim.field}.personal_id",
            message=Message.of(conflict, days=PATERNITY_AFTER_DEATH_DAYS),
            refuses=True,
        )
    ]


def registry_mismatches(claim: IdentityClaim, person: RegistryPerson | None) -> list[str]:
    """The details of a claim the registry holds otherwise (`personal_id` when it does not
    know the person)."""
    if person is None:
        return ["personal_id"]
    mismatched = []
    # One name in either Unicode form, case, spacing or tone placement ("Thủy", "Thuỷ").
    if not same_name(person.full_name, claim.full_name):
        mismatched.append("full_name")
    if claim.date_of_birth is not None and person.date_of_birth != claim.date_of_birth:
        mismatched.append("date_of_birth")
    return mismatched
