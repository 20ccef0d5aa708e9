"""The police's residence system and the national population registry.

Registers a newborn's permanent residence (the parents must be living people in the registry and
the commune must exist), removes a deceased person's registration and marks them deceased.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Literal

from fastapi import FastAPI, HTTPException, Response
from pydantic import BaseModel, Field
from sqlalchemy import insert
from sqlmodel import Field as SQLField
from sqlmodel import Session, SQLModel

from sandbox.casebook import (
    AgencyBook,
    AgencyCredentials,
    Approved,
    CaseView,
    DecideFn,
    Decision,
    DecisionPolicy,
    IdempotencyKey,
    ProcedureDesk,
    Rejected,
    agency_app,
    now_utc,
    open_agency_database,
    register_number,
)
from sandbox.dataset import Dataset


class RegistryPerson(SQLModel, table=True):
    __tablename__ = "police_population_registry"

    personal_id: str = SQLField(primary_key=True, max_length=12)
    full_name: str
    sex: str = SQLField(max_length=6)
    date_of_birth: date
    commune_code: str | None = SQLField(default=None, max_length=5)
    address_line: str | None = None
    status: str = SQLField(default="alive", max_length=10)
    date_of_death: date | None = None
    mother_id: str | None = SQLField(default=None, max_length=12)
    father_id: str | None = SQLField(default=None, max_length=12)
    spouse_id: str | None = SQLField(default=None, max_length=12)


class ResidenceEvent(SQLModel, table=True):
    __tablename__ = "police_residence_events"

    record_number: str = SQLField(primary_key=True, max_length=40)
    kind: str = SQLField(max_length=12)
    personal_id: str = SQLField(max_length=12, index=True)
    commune_code: str = SQLField(max_length=5)
    recorded_on: date


class PlaceIn(BaseModel):
    commune_code: str
    address_line: str


class ResidenceRegistrationIn(BaseModel):
    declaration_id: str
    supersedes_case_number: str | None = None
    personal_id: str
    full_name: str
    sex: Literal["male", "female"]
    date_of_birth: date
    residence: PlaceIn
    mother_personal_id: str | None = None
    father_personal_id: str | None = None
    civil_status_record_number: str


class ResidenceRemovalIn(BaseModel):
    declaration_id: str
    supersedes_case_number: str | None = None
    personal_id: str
    date_of_death: date
    death_record_number: str


class RegistryLookupIn(BaseModel):
    personal_ids: list[str] = Field(min_length=1, max_length=20)


class RegistryEntry(BaseModel):
    personal_id: str
    full_name: str
    sex: str
    date_of_birth: date
    status: str
    commune_code: str | None
    date_of_death: date | None


class RegistryLookupOut(BaseModel):
    people: list[RegistryEntry]


def _load(session: Session, dataset: Dataset) -> None:
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


def _check_parent(session: Session, role: str, personal_id: str | None) -> Rejected | None:
    if personal_id is None:
        return None
    person = session.get(RegistryPerson, personal_id)
    if person is None:
        return Rejected(
            f"{role}_not_in_registry",
            f"The {role}'s personal ID is not in the national population registry.",
        )
    if person.status != "alive":
        return Rejected(
            f"{role}_deceased", f"The {role} is recorded as deceased in the population registry."
        )
    return None


def decide_registration(book: AgencyBook, body: ResidenceRegistrationIn) -> DecideFn:
    def decide(session: Session, case_number: str, may_request_supplement: bool) -> Decision:
        commune = body.residence.commune_code
        if commune not in book.dataset.commune_province:
            return Rejected("commune_unknown", f"Commune {commune} does not exist.")
        for role, pid in (("mother", body.mother_personal_id), ("father", body.father_personal_id)):
            problem = _check_parent(session, role, pid)
            if problem is not None:
                return problem
        if session.get(RegistryPerson, body.personal_id) is not None:
            return Rejected(
                "already_registered", "This person already has a permanent residence registration."
            )
        today = now_utc().date()
        number = register_number(session, "TT", "reg", commune, today)
        session.add(
            RegistryPerson(
                personal_id=body.personal_id,
                full_name=body.full_name,
                sex=body.sex,
                date_of_birth=body.date_of_birth,
                commune_code=commune,
                address_line=body.residence.address_line,
                mother_id=body.mother_personal_id,
                father_id=body.father_personal_id,
            )
        )
        session.add(
            ResidenceEvent(
                record_number=number,
                kind="registration",
                personal_id=body.personal_id,
                commune_code=commune,
                recorded_on=today,
            )
        )
        return Approved(
            {
                "residence_registration_number": number,
                "commune_code": commune,
                "registered_on": today.isoformat(),
            }
        )

    return decide


def decide_removal(body: ResidenceRemovalIn) -> DecideFn:
    def decide(session: Session, case_number: str, may_request_supplement: bool) -> Decision:
        person = session.get(RegistryPerson, body.personal_id)
        if person is None:
            return Rejected(
                "person_unknown", "This personal ID is not in the national population registry."
            )
        if person.status == "deceased":
            return Rejected(
                "already_deceased",
                "This person is already recorded as deceased and their residence "
                "registration was removed.",
            )
        today = now_utc().date()
        commune = person.commune_code or "00000"
        number = register_number(session, "XTT", "rem", commune, today)
        person.status = "deceased"
        person.date_of_death = body.date_of_death
        session.add(person)
        session.add(
            ResidenceEvent(
                record_number=number,
                kind="removal",
                personal_id=body.personal_id,
                commune_code=commune,
                recorded_on=today,
            )
        )
        return Approved(
            {
                "residence_removal_number": number,
                "commune_code": commune,
                "removed_on": today.isoformat(),
            }
        )

    return decide


def create_app(
    state_dir: Path,
    data_dir: Path,
    credentials: AgencyCredentials,
    policy: DecisionPolicy | None = None,
) -> FastAPI:
    book = open_agency_database(
        "police", state_dir, data_dir, (RegistryPerson, ResidenceEvent), _load, credentials, policy
    )
    book.add_desk(
        ProcedureDesk(
            "residence_registration",
            "PR",
            ResidenceRegistrationIn,
            lambda body: decide_registration(book, body),
            lambda body: body.personal_id,
        )
    )
    book.add_desk(
        ProcedureDesk(
            "residence_removal",
            "PX",
            ResidenceRemovalIn,
            decide_removal,
            lambda body: body.personal_id,
        )
    )
    app = agency_app("Sandbox police (residence and population registry)", book)

    @app.post("/v1/residence-registrations", response_model=CaseView, status_code=201)
    async def register_residence(
        body: ResidenceRegistrationIn, response: Response, idempotency_key: str = IdempotencyKey
    ) -> CaseView:
        return await book.submit("residence_registration", body, idempotency_key, response)

    @app.post("/v1/residence-removals", response_model=CaseView, status_code=201)
    async def remove_residence(
        body: ResidenceRemovalIn, response: Response, idempotency_key: str = IdempotencyKey
    ) -> CaseView:
        return await book.submit("residence_removal", body, idempotency_key, response)

    @app.post("/v1/registry/lookups", response_model=RegistryLookupOut)
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

    @app.get("/v1/registry/people/{personal_id}", response_model=RegistryEntry)
    async def look_up_person(personal_id: str) -> RegistryEntry:
        with book.session() as session:
            person = session.get(RegistryPerson, personal_id)
            if person is None:
                raise HTTPException(status_code=404, detail="Not in the population registry.")
            return RegistryEntry.model_validate(person, from_attributes=True)

    return app
