"""The justice office's registers."""

from __future__ import annotations

from datetime import date

from sqlmodel import Field as SQLField
from sqlmodel import SQLModel


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


class MultipleBirth(SQLModel, table=True):
    """A child's place among twins or more, beside its birth record: what tells apart children
    of one mother born on one date when their names alone do not."""

    __tablename__ = "justice_multiple_births"

    civil_status_record_number: str = SQLField(primary_key=True, max_length=40)
    birth_order: int


class DeathRecord(SQLModel, table=True):
    __tablename__ = "justice_death_records"

    death_record_number: str = SQLField(primary_key=True, max_length=40)
    personal_id: str = SQLField(max_length=12, unique=True)
    date_of_death: date
    commune_code: str = SQLField(max_length=5)
    registered_on: date
    late_registration: bool


JUSTICE_TABLES: tuple[type[SQLModel], ...] = (
    KnownPersonalId,
    BirthRecord,
    MultipleBirth,
    DeathRecord,
)
