"""What every sandbox agency has in common: its own database, a book of cases keyed by the
caller's idempotency key, numbered records, and the fault switches tests use to stage outages."""

from __future__ import annotations

import asyncio
import hashlib
import json
import time
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from fastapi import FastAPI, Header, HTTPException, Request, Response
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field
from sqlalchemy import Column, Text, event
from sqlalchemy.engine import Engine
from sqlalchemy.schema import Table
from sqlmodel import Field as SQLField
from sqlmodel import Session, SQLModel, create_engine, select

from sandbox_agencies.dataset import Dataset, dataset_fingerprint, load_dataset


class Case(SQLModel, table=True):
    __tablename__ = "cases"

    case_number: str = SQLField(primary_key=True, max_length=40)
    procedure: str = SQLField(max_length=40, index=True)
    declaration_id: str = SQLField(max_length=40, index=True)
    idempotency_key: str = SQLField(max_length=200, unique=True)
    request_fingerprint: str = SQLField(max_length=64)
    subject_personal_id: str | None = SQLField(default=None, max_length=12, index=True)
    status: str = SQLField(max_length=24)
    rejection_code: str | None = SQLField(default=None, max_length=60)
    reason: str | None = SQLField(default=None, sa_column=Column(Text))
    record_json: str | None = SQLField(default=None, sa_column=Column(Text))
    created_at: datetime
    decided_at: datetime | None = None


class Counter(SQLModel, table=True):
    __tablename__ = "counters"

    series: str = SQLField(primary_key=True, max_length=60)
    value: int = 0


class DatasetMark(SQLModel, table=True):
    __tablename__ = "dataset_mark"

    fingerprint: str = SQLField(primary_key=True, max_length=64)
    loaded_at: datetime


class CaseView(BaseModel):
    case_number: str
    procedure: str
    declaration_id: str
    status: str
    rejection: dict[str, str] | None = None
    record: dict[str, Any] | None = None
    created_at: datetime
    decided_at: datetime | None = None


@dataclass(frozen=True)
class Approved:
    record: dict[str, Any]


@dataclass(frozen=True)
class Rejected:
    code: str
    reason: str
    record: dict[str, Any] | None = None


Decision = Approved | Rejected
DecideFn = Callable[[Session, str], Decision]


def now_utc() -> datetime:
    return datetime.now(UTC)


def next_number(session: Session, series: str) -> int:
    counter = session.get(Counter, series) or Counter(series=series, value=0)
    counter.value += 1
    session.add(counter)
    return counter.value


def case_view(case: Case) -> CaseView:
    rejection = None
    if case.status == "rejected":
        rejection = {"code": case.rejection_code or "rejected", "reason": case.reason or ""}
    return CaseView(
        case_number=case.case_number,
        procedure=case.procedure,
        declaration_id=case.declaration_id,
        status=case.status,
        rejection=rejection,
        record=json.loads(case.record_json) if case.record_json else None,
        created_at=case.created_at,
        decided_at=case.decided_at,
    )


def fingerprint(body: BaseModel) -> str:
    return hashlib.sha256(body.model_dump_json().encode()).hexdigest()


class FaultPlan(BaseModel):
    """Staged trouble for the next requests to the agency's business endpoints."""

    fail_next: int = Field(default=0, ge=0, description="Answer this many requests with an error.")
    status_code: int = Field(default=503, ge=500, le=599)
    outage_seconds: float = Field(default=0, ge=0, description="Refuse every request this long.")
    delay_seconds: float = Field(default=0, ge=0, description="Hold every request this long.")


@dataclass
class FaultState:
    fail_next: int = 0
    status_code: int = 503
    outage_until: float = 0.0
    delay_seconds: float = 0.0


@dataclass
class AgencyBook:
    """One agency's database and the operations every endpoint needs."""

    name: str
    engine: Engine
    dataset: Dataset
    faults: FaultState = field(default_factory=FaultState)
    # Writes are applied one at a time, as a single agency system with one writer would.
    write_lock: asyncio.Lock = field(default_factory=asyncio.Lock)

    def session(self) -> Session:
        return Session(self.engine, expire_on_commit=False)

    async def submit(
        self,
        *,
        procedure: str,
        series: str,
        body: BaseModel,
        declaration_id: str,
        idempotency_key: str,
        subject_personal_id: str | None,
        decide: DecideFn,
        response: Response,
    ) -> CaseView:
        """Open a case for the request, or return the case already opened under its key."""
        request_fingerprint = fingerprint(body)
        async with self.write_lock:
            with self.session() as session:
                existing = session.exec(
                    select(Case).where(Case.idempotency_key == idempotency_key)
                ).first()
                if existing is not None:
                    if existing.request_fingerprint != request_fingerprint:
                        raise HTTPException(
                            status_code=409,
                            detail="This idempotency key was already used for a different request.",
                        )
                    response.status_code = 200
                    return case_view(existing)
                case_number = f"{series}-{next_number(session, 'case:' + series):08d}"
                decision = decide(session, case_number)
                case = Case(
                    case_number=case_number,
                    procedure=procedure,
                    declaration_id=declaration_id,
                    idempotency_key=idempotency_key,
                    request_fingerprint=request_fingerprint,
                    subject_personal_id=subject_personal_id,
                    status="approved" if isinstance(decision, Approved) else "rejected",
                    rejection_code=decision.code if isinstance(decision, Rejected) else None,
                    reason=decision.reason if isinstance(decision, Rejected) else None,
                    record_json=json.dumps(decision.record, default=str)
                    if decision.record is not None
                    else None,
                    created_at=now_utc(),
                    decided_at=now_utc(),
                )
                session.add(case)
                session.commit()
                response.status_code = 201
                return case_view(case)


def _tune_sqlite(dbapi_connection: Any, _: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA busy_timeout=10000")
    cursor.close()


def open_agency_database(
    name: str,
    state_dir: Path,
    data_dir: Path,
    tables: Sequence[type[SQLModel]],
    load: Callable[[Session, Dataset], None],
) -> AgencyBook:
    """Open (or create) the agency's own database and load the dataset into it once."""
    state_dir.mkdir(parents=True, exist_ok=True)
    engine = create_engine(
        f"sqlite:///{state_dir / f'{name}.db'}", connect_args={"check_same_thread": False}
    )
    event.listen(engine, "connect", _tune_sqlite)
    all_tables: list[Table] = [
        m.__table__  # type: ignore[attr-defined]
        for m in (Case, Counter, DatasetMark, *tables)
    ]
    SQLModel.metadata.create_all(engine, tables=all_tables)
    dataset = load_dataset(data_dir)
    with Session(engine) as session:
        if session.get(DatasetMark, dataset_fingerprint(data_dir)) is None:
            load(session, dataset)
            session.add(DatasetMark(fingerprint=dataset.fingerprint, loaded_at=now_utc()))
            session.commit()
    return AgencyBook(name=name, engine=engine, dataset=dataset)


def install_common_routes(app: FastAPI, book: AgencyBook) -> None:
    """Health, case lookup, and the fault switches."""

    @app.get("/healthz")
    async def healthz() -> dict[str, str]:
        return {"status": "ok", "agency": book.name}

    @app.get("/v1/cases/{case_number}", response_model=CaseView)
    async def get_case(case_number: str) -> CaseView:
        with book.session() as session:
            case = session.get(Case, case_number)
            if case is None:
                raise HTTPException(status_code=404, detail="No such case.")
            return case_view(case)

    @app.get("/v1/cases", response_model=list[CaseView])
    async def list_cases(
        declaration_id: str | None = None, idempotency_key: str | None = None
    ) -> list[CaseView]:
        with book.session() as session:
            statement = select(Case)
            if declaration_id is not None:
                statement = statement.where(Case.declaration_id == declaration_id)
            if idempotency_key is not None:
                statement = statement.where(Case.idempotency_key == idempotency_key)
            return [case_view(c) for c in session.exec(statement.limit(1000))]

    @app.put("/sandbox/faults", response_model=FaultPlan)
    async def stage_faults(plan: FaultPlan) -> FaultPlan:
        book.faults.fail_next = plan.fail_next
        book.faults.status_code = plan.status_code
        book.faults.outage_until = time.monotonic() + plan.outage_seconds
        book.faults.delay_seconds = plan.delay_seconds
        return plan

    @app.delete("/sandbox/faults", status_code=204)
    async def clear_faults() -> None:
        book.faults.fail_next = 0
        book.faults.outage_until = 0.0
        book.faults.delay_seconds = 0.0

    @app.middleware("http")
    async def apply_faults(
        request: Request, call_next: Callable[[Request], Awaitable[Response]]
    ) -> Response:
        if not request.url.path.startswith("/v1/"):
            return await call_next(request)
        faults = book.faults
        if faults.delay_seconds:
            await asyncio.sleep(faults.delay_seconds)
        if faults.fail_next > 0 or time.monotonic() < faults.outage_until:
            faults.fail_next = max(0, faults.fail_next - 1)
            return JSONResponse(
                status_code=faults.status_code,
                content={"detail": f"{book.name} is temporarily unavailable."},
            )
        return await call_next(request)


IdempotencyKey = Header(alias="Idempotency-Key", min_length=8, max_length=200)
