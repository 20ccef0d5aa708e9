"""Looking up and extending the justice office's registers."""

from __future__ import annotations

import secrets

from sqlalchemy import insert
from sqlmodel import Session, select

from sandbox.dataset import Dataset
from sandbox.justice.tables import DeathRecord, KnownPersonalId
from sandbox.places import province_of
from schemas.identifiers import Sex, century_sex_digit


def load_population(session: Session, dataset: Dataset) -> None:
    session.execute(
        insert(KnownPersonalId).prefix_with("OR IGNORE"),
        [{"personal_id": p.personal_id} for p in dataset.people],
    )


def death_record_of(session: Session, personal_id: str | None) -> DeathRecord | None:
    if personal_id is None:
        return None
    return session.exec(select(DeathRecord).where(DeathRecord.personal_id == personal_id)).first()


def new_personal_id(session: Session, province_code: str, sex: Sex, year: int) -> str:
    prefix = f"{province_code}{century_sex_digit(sex, year)}{year % 100:02d}"
    while True:
        candidate = f"{prefix}{secrets.randbelow(1_000_000):06d}"
        if session.get(KnownPersonalId, candidate) is None:
            session.add(KnownPersonalId(personal_id=candidate))
            return candidate


def birth_province_code(dataset: Dataset, commune_code: str) -> str | None:
    """The code that opens the personal IDs of children born in the commune's province (any
    official commune, not only the dataset's)."""
    province = province_of(commune_code)
    if province is None:
        return None
    codes = {b.code for b in dataset.admin_units.birth_province_codes}
    return f"0{province}" if f"0{province}" in codes else None
