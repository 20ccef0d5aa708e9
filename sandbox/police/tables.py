"""The police's registers: the national population registry and the residence events."""

from __future__ import annotations

from datetime import date

from sqlmodel import Field as SQLField
from sqlmodel import SQLModel


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


POLICE_TABLES: tuple[type[SQLModel], ...] = (RegistryPerson, ResidenceEvent)
