"""Looking up social security's records of the insured."""

from __future__ import annotations

import secrets

from sqlalchemy import insert
from sqlmodel import Session, select

from sandbox.dataset import Dataset, InsuredEntry
from sandbox.social_security.tables import HealthInsuranceCard, InsuredRecord


def load_insured(session: Session, dataset: Dataset) -> None:
    session.execute(
        insert(InsuredRecord).prefix_with("OR IGNORE"),
        [i.model_dump() for i in dataset.insured],
    )


def insured_person(session: Session, personal_id: str) -> InsuredEntry | None:
    row = session.exec(
        select(InsuredRecord).where(InsuredRecord.personal_id == personal_id)
    ).first()
    return None if row is None else InsuredEntry.model_validate(row, from_attributes=True)


def new_social_insurance_number(session: Session, province_code: str) -> str:
    while True:
        candidate = f"{province_code}{secrets.randbelow(100_000_000):08d}"
        taken = (
            session.get(InsuredRecord, candidate)
            or session.exec(
                select(HealthInsuranceCard).where(
                    HealthInsuranceCard.social_insurance_number == candidate
                )
            ).first()
        )
        if taken is None:
            return candidate
