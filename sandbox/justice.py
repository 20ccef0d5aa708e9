"""The justice office's civil-status system: registers births and deaths.

A birth record obtains the child's personal identification number, well formed and unique in the
national population database; a death can be registered once per person.
"""

from __future__ import annotations

import secrets
from datetime import date
from pathlib import Path
from typing import Literal

from fastapi import FastAPI, Response
from pydantic import BaseModel
from sqlalchemy import insert
from sqlmodel import Field as SQLField
from sqlmodel import Session, SQLModel, select

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
    SupplementNeeded,
    agency_app,
    now_utc,
    open_agency_database,
    register_number,
)
from sandbox.dataset import Dataset
from schemas.identifiers import Sex, century_sex_digit


class KnownPersonalId(SQLModel, table=True):
    """Every personal ID in the national population database, so a new one is never reused."""

    __tablename__ = "justice_known_personal_ids"

    personal_id: str = SQLField(primary_key=True, max_length=12)


class BirthRecord(SQLModel, table=True):
    __tablename__ = "justice_birth_records"

    civil_status_record_number: str = SQLField(primary_key=True, max_length=40)
    child_personal_id: str = SQLField(max_length=12, unique=True)
    child_full_name: str
    child_date_of_birth: date
    mother_key: str = SQLField(max_length=20, index=True)
    commune_code: str = SQLField(max_length=5)
    registered_on: date


class DeathRecord(SQLModel, table=True):
    __tablename__ = "justice_death_records"

    death_record_number: str = SQLField(primary_key=True, max_length=40)
    personal_id: str = SQLField(max_length=12, unique=True)
    date_of_death: date
    commune_code: str = SQLField(max_length=5)
    registered_on: date
    late_registration: bool


class ParentIn(BaseModel):
    personal_id: str | None = None
    passport_number: str | None = None
    full_name: str
    date_of_birth: date


class AttachmentIn(BaseModel):
    kind: str
    sha256: str


class BirthRegistrationIn(BaseModel):
    declaration_id: str
    supersedes_case_number: str | None = None
    child_full_name: str
    child_sex: Literal["male", "female"]
    child_date_of_birth: date
    birth_commune_code: str
    birth_facility_name: str | None = None
    ethnicity: str
    nationality: str
    mother: ParentIn
    father: ParentIn | None = None
    declarant_personal_id: str
    declarant_relationship: str
    birth_certificate_number: str | None = None
    attachments: list[AttachmentIn] = []


class PlaceIn(BaseModel):
    commune_code: str
    address_line: str


class DeathRegistrationIn(BaseModel):
    declaration_id: str
    supersedes_case_number: str | None = None
    deceased_personal_id: str
    deceased_full_name: str
    deceased_sex: Literal["male", "female"]
    deceased_date_of_birth: date
    date_of_death: date
    place_of_death: PlaceIn
    cause_of_death: str
    death_notice_number: str | None = None
    declarant_personal_id: str
    declarant_relationship: str
    late_registration: bool = False
    attachments: list[AttachmentIn] = []


def _load(session: Session, dataset: Dataset) -> None:
    session.execute(
        insert(KnownPersonalId).prefix_with("OR IGNORE"),
        [{"personal_id": p.personal_id} for p in dataset.people],
    )


def _deceased_record(session: Session, personal_id: str | None) -> DeathRecord | None:
    if personal_id is None:
        return None
    return session.exec(select(DeathRecord).where(DeathRecord.personal_id == personal_id)).first()


def _new_personal_id(session: Session, province_code: str, sex: Sex, year: int) -> str:
    prefix = f"{province_code}{century_sex_digit(sex, year)}{year % 100:02d}"
    while True:
        candidate = f"{prefix}{secrets.randbelow(1_000_000):06d}"
        if session.get(KnownPersonalId, candidate) is None:
            session.add(KnownPersonalId(personal_id=candidate))
            return candidate


def _birth_province_code(book: AgencyBook, commune_code: str) -> str | None:
    province = book.dataset.commune_province.get(commune_code)
    if province is None:
        return None
    codes = {b.code for b in book.dataset.admin_units.birth_province_codes}
    return f"0{province}" if f"0{province}" in codes else None


BIRTH_PROOFS = frozenset({"birth_certificate", "witness_statement"})


def decide_birth(book: AgencyBook, body: BirthRegistrationIn) -> DecideFn:
    def decide(session: Session, case_number: str, may_request_supplement: bool) -> Decision:
        province_code = _birth_province_code(book, body.birth_commune_code)
        if province_code is None:
            return Rejected(
                "commune_unknown",
                f"Commune {body.birth_commune_code} is not in the civil-status register.",
            )
        for role, pid in (
            ("mother", body.mother.personal_id),
            ("father", body.father.personal_id if body.father else None),
            ("declarant", body.declarant_personal_id),
        ):
            death = _deceased_record(session, pid)
            if death is not None:
                return Rejected(
                    f"{role}_deceased",
                    f"The {role} is recorded as deceased (death record "
                    f"{death.death_record_number}) and cannot appear on a new birth declaration.",
                )
        kinds = {a.kind for a in body.attachments}
        if may_request_supplement and body.birth_facility_name is None and not kinds & BIRTH_PROOFS:
            return SupplementNeeded(
                fields=[],
                documents=["witness_statement"],
                message="The birth took place outside a health facility and rests on the "
                "declarant's undertaking alone: attach a witness statement.",
            )
        mother_key = body.mother.personal_id or body.mother.passport_number or ""
        duplicate = session.exec(
            select(BirthRecord).where(
                BirthRecord.mother_key == mother_key,
                BirthRecord.child_full_name == body.child_full_name,
                BirthRecord.child_date_of_birth == body.child_date_of_birth,
            )
        ).first()
        if duplicate is not None:
            return Rejected(
                "already_registered",
                "This birth is already registered under civil-status record "
                f"{duplicate.civil_status_record_number}.",
            )
        today = now_utc().date()
        record_number = register_number(session, "KS", "birth", body.birth_commune_code, today)
        child_id = _new_personal_id(
            session, province_code, body.child_sex, body.child_date_of_birth.year
        )
        session.add(
            BirthRecord(
                civil_status_record_number=record_number,
                child_personal_id=child_id,
                child_full_name=body.child_full_name,
                child_date_of_birth=body.child_date_of_birth,
                mother_key=mother_key,
                commune_code=body.birth_commune_code,
                registered_on=today,
            )
        )
        return Approved(
            {
                "civil_status_record_number": record_number,
                "child_personal_id": child_id,
                "registered_on": today.isoformat(),
            }
        )

    return decide


def decide_death(book: AgencyBook, body: DeathRegistrationIn) -> DecideFn:
    def decide(session: Session, case_number: str, may_request_supplement: bool) -> Decision:
        commune = body.place_of_death.commune_code
        if commune not in book.dataset.commune_province:
            return Rejected(
                "commune_unknown", f"Commune {commune} is not in the civil-status register."
            )
        if body.date_of_death <= body.deceased_date_of_birth:
            return Rejected(
                "dates_inconsistent", "The date of death is not after the date of birth."
            )
        if session.get(KnownPersonalId, body.deceased_personal_id) is None:
            return Rejected(
                "person_unknown",
                "The deceased's personal ID is not in the national population database.",
            )
        earlier = _deceased_record(session, body.deceased_personal_id)
        if earlier is not None:
            return Rejected(
                "already_deceased",
                "A death is already registered for this person under record "
                f"{earlier.death_record_number}; a person cannot be declared dead twice.",
            )
        declarant_death = _deceased_record(session, body.declarant_personal_id)
        if declarant_death is not None:
            return Rejected(
                "declarant_deceased",
                "The declarant is recorded as deceased and cannot make a declaration.",
            )
        today = now_utc().date()
        record_number = register_number(session, "KT", "death", commune, today)
        session.add(
            DeathRecord(
                death_record_number=record_number,
                personal_id=body.deceased_personal_id,
                date_of_death=body.date_of_death,
                commune_code=commune,
                registered_on=today,
                late_registration=body.late_registration,
            )
        )
        return Approved(
            {
                "death_record_number": record_number,
                "registered_on": today.isoformat(),
                "late_registration": body.late_registration,
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
        "justice",
        state_dir,
        data_dir,
        (KnownPersonalId, BirthRecord, DeathRecord),
        _load,
        credentials,
        policy,
    )
    book.add_desk(
        ProcedureDesk(
            "birth_registration",
            "JB",
            BirthRegistrationIn,
            lambda body: decide_birth(book, body),
            lambda body: body.mother.personal_id,
        )
    )
    book.add_desk(
        ProcedureDesk(
            "death_registration",
            "JD",
            DeathRegistrationIn,
            lambda body: decide_death(book, body),
            lambda body: body.deceased_personal_id,
        )
    )
    app = agency_app("Sandbox justice office (civil status)", book)

    @app.post("/v1/birth-registrations", response_model=CaseView, status_code=201)
    async def register_birth(
        body: BirthRegistrationIn, response: Response, idempotency_key: str = IdempotencyKey
    ) -> CaseView:
        return await book.submit("birth_registration", body, idempotency_key, response)

    @app.post("/v1/death-registrations", response_model=CaseView, status_code=201)
    async def register_death(
        body: DeathRegistrationIn, response: Response, idempotency_key: str = IdempotencyKey
    ) -> CaseView:
        return await book.submit("death_registration", body, idempotency_key, response)

    return app
