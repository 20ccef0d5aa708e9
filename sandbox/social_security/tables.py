"""Social security's records: the insured, the cards it issued, the benefits it settled."""

from __future__ import annotations

from datetime import date

from sqlmodel import Field as SQLField
from sqlmodel import SQLModel


class InsuredRecord(SQLModel, table=True):
    __tablename__ = "vss_insured"

    social_insurance_number: str = SQLField(primary_key=True, max_length=10)
    personal_id: str = SQLField(max_length=12, unique=True)
    status: str = SQLField(max_length=12)
    contribution_years: float
    contribution_years_before_2014: float
    average_monthly_salary_vnd: int
    monthly_pension_vnd: int | None = None
    pension_start_date: date | None = None
    occupational_incident_kind: str | None = SQLField(default=None, max_length=24)
    occupational_incident_on: date | None = None
    occupational_incapacity_percent: int | None = None


class HealthInsuranceCard(SQLModel, table=True):
    __tablename__ = "vss_health_insurance_cards"

    card_code: str = SQLField(primary_key=True, max_length=15)
    social_insurance_number: str = SQLField(max_length=10, unique=True)
    personal_id: str = SQLField(max_length=12, unique=True)
    valid_from: date
    valid_to: date
    issued_on: date


class BenefitSettlement(SQLModel, table=True):
    __tablename__ = "vss_benefit_settlements"

    id: int | None = SQLField(default=None, primary_key=True)
    benefit: str = SQLField(max_length=20)
    deceased_personal_id: str = SQLField(max_length=12, index=True)
    case_number: str = SQLField(max_length=40)
    amount_vnd: int
    settled_on: date


SOCIAL_SECURITY_TABLES: tuple[type[SQLModel], ...] = (
    InsuredRecord,
    HealthInsuranceCard,
    BenefitSettlement,
)
