"""The national population registry: loaded from the dataset, and looked up by other agencies'
callers through `/v1/registry/…`."""

from __future__ import annotations

from datetime import date

from fastapi import APIRouter, HTTPException
from pydantic import BaseModel, Field
from sqlalchemy import insert
from sqlmodel import Session

from sandbox.casebook.service import AgencyBook
from sandbox.dataset import Dataset
from sandbox.police.tables import RegistryPerson


class RegistryLookupIn(BaseModel):
    personal_ids: list[str] = Field(min_length=1, max_length=20)


class RegistryEntry(BaseModel):
    personal_id: str
    full_name: str
    sex: str
    date_of_birth: date
    status: str
    commune_code: str | None
    address_line: str | None = None
    date_of_death: date | None
    # The person's parents, as their birth registered them (a parent who died among them).
    mother_id: str | None = None
    father_id: str | None = None


class RegistryLookupOut(BaseModel):
    people: list[RegistryEntry]


def load_population(session: Session, dataset: Dataset) -> None:
    session.execute(
        insert(RegistryPerson).prefix_with("OR IGNORE"),
        [
            {
                "personal_id": p.personal_id,
                "full_name": p.full_name,
                "sex": p.sex,
                "date_of_birth": p.date_of_birth,
                "commune_code": p.residence.commune_code,
                "address_line": p.residence.address_line,
                "status": p.status,
                "mother_id": p.mother_id,
                "spouse_id": p.spouse_id,
            }
            for p in dataset.people
        ],
    )


def registry_routes(book: AgencyBook) -> APIRouter:
    router = APIRouter()

    @router.post("/v1/registry/lookups", response_model=RegistryLookupOut)
    async def look_up_people(body: RegistryLookupIn) -> RegistryLookupOut:
        """Several people at once: the ones the registry knows."""
        with book.session() as session:
            found = [session.get(RegistryPerson, pid) for pid in dict.fromkeys(body.personal_ids)]
            return RegistryLookupOut(
                people=[
                    RegistryEntry.model_validate(person, from_attributes=True)
                    for person in found
                    if person is not None
                ]
            )

    @router.get("/v1/registry/people/{personal_id}", response_model=RegistryEntry)
    async def look_up_person(personal_id: str) -> RegistryEntry:
        with book.session() as session:
            person = session.get(RegistryPerson, personal_id)
            if person is None:
                raise HTTPException(status_code=404, detail="Not in the population registry.")
            return RegistryEntry.model_validate(person, from_attributes=True)

    return router
