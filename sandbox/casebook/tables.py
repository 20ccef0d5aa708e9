"""The tables every agency's database holds next to its own registers."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Column, Text
from sqlmodel import Field as SQLField
from sqlmodel import SQLModel

# A case in one of these states can still be decided, superseded or cancelled.
OPEN_STATES = frozenset({"pending", "awaiting_supplement"})
DATASET_SOURCE_ROW = 1


class Case(SQLModel, table=True):
    __tablename__ = "cases"

    case_number: str = SQLField(primary_key=True, max_length=40)
    procedure: str = SQLField(max_length=40, index=True)
    declaration_id: str = SQLField(max_length=40, index=True)
    idempotency_key: str = SQLField(max_length=200, unique=True)
    request_fingerprint: str = SQLField(max_length=64)
    request_json: str = SQLField(sa_column=Column(Text, nullable=False))
    subject_personal_id: str | None = SQLField(default=None, max_length=12, index=True)
    status: str = SQLField(max_length=24, index=True)
    supersedes: str | None = SQLField(default=None, max_length=40)
    rejection_code: str | None = SQLField(default=None, max_length=60)
    reason: str | None = SQLField(default=None, sa_column=Column(Text))
    record_json: str | None = SQLField(default=None, sa_column=Column(Text))
    supplement_json: str | None = SQLField(default=None, sa_column=Column(Text))
    decided_by: str | None = SQLField(default=None, max_length=80)
    # The decision as the agency signed it, and its signature: the orchestrator acts on a decision
    # only when the agency's public key verifies it.
    signed_decision: str | None = SQLField(default=None, sa_column=Column(Text))
    decision_signature: str | None = SQLField(default=None, max_length=120)
    reminders: int = 0
    escalations: int = 0
    created_at: datetime
    decided_at: datetime | None = None


class DecisionEvent(SQLModel, table=True):
    """The agency's outbox of decisions, read and acknowledged by its adapter."""

    __tablename__ = "decision_events"

    id: int | None = SQLField(default=None, primary_key=True)
    case_number: str = SQLField(max_length=40, index=True)
    declaration_id: str = SQLField(max_length=40)
    procedure: str = SQLField(max_length=40)
    outcome: str = SQLField(max_length=24)
    decided_at: datetime
    acknowledged_at: datetime | None = SQLField(default=None, index=True)


class DeadLetter(SQLModel, table=True):
    """A decision the adapter could not carry to its case: taken off the feed, and kept here
    with the adapter's reason for the agency's operators to look into."""

    __tablename__ = "dead_lettered_decisions"

    decision_id: int = SQLField(primary_key=True)
    reason: str = SQLField(sa_column=Column(Text, nullable=False))
    dead_lettered_at: datetime


class Counter(SQLModel, table=True):
    __tablename__ = "counters"

    series: str = SQLField(primary_key=True, max_length=60)
    value: int = 0


class DatasetSource(SQLModel, table=True):
    """The dataset the agency's registers hold: where it was read, and the SHA-256 of its files
    (`sandbox.dataset.dataset_fingerprint`). One row."""

    __tablename__ = "dataset_source"

    id: int = SQLField(default=DATASET_SOURCE_ROW, primary_key=True)
    path: str = SQLField(max_length=1000)
    fingerprint: str = SQLField(max_length=64)
    loaded_at: datetime


CASEBOOK_TABLES: tuple[type[SQLModel], ...] = (
    Case,
    DecisionEvent,
    DeadLetter,
    Counter,
    DatasetSource,
)
