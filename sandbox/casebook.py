"""What every sandbox agency has in common: its own database, a book of cases keyed by the
caller's idempotency key, officers who decide cases (or an automatic policy that decides for
them), a feed of decisions for the agency's adapter, and the fault switches tests use to stage
outages."""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import hmac
import json
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any, Generic, Literal, TypeVar

from fastapi import FastAPI, Header, HTTPException, Request, Response
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field
from sqlalchemy import Column, Text, event
from sqlalchemy.engine import Engine
from sqlalchemy.schema import Table
from sqlmodel import Field as SQLField
from sqlmodel import Session, SQLModel, col, create_engine, select

from sandbox.dataset import Dataset, dataset_fingerprint, load_dataset
from security import decision_signatures

OPEN_STATES = frozenset({"pending", "awaiting_supplement"})


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


class Counter(SQLModel, table=True):
    __tablename__ = "counters"

    series: str = SQLField(primary_key=True, max_length=60)
    value: int = 0


class DatasetMark(SQLModel, table=True):
    __tablename__ = "dataset_mark"

    fingerprint: str = SQLField(primary_key=True, max_length=64)
    loaded_at: datetime


class SupplementIn(BaseModel):
    fields: list[str] = Field(default_factory=list)
    documents: list[str] = Field(default_factory=list)
    message: str = Field(min_length=3, max_length=2000)


class CaseView(BaseModel):
    case_number: str
    procedure: str
    declaration_id: str
    # The caller's reference for the case: its case worker finds the case's workflow by it.
    idempotency_key: str
    status: str
    rejection: dict[str, str] | None = None
    record: dict[str, Any] | None = None
    supplement: SupplementIn | None = None
    supersedes: str | None = None
    reminders: int = 0
    escalations: int = 0
    created_at: datetime
    decided_at: datetime | None = None
    decided_by: str | None = None
    signed_decision: str | None = None
    decision_signature: str | None = None


class DecisionView(BaseModel):
    decision_id: int
    case: CaseView
    outcome: str
    decided_at: datetime


@dataclass(frozen=True)
class Approved:
    record: dict[str, Any]


@dataclass(frozen=True)
class Rejected:
    code: str
    reason: str
    record: dict[str, Any] | None = None


@dataclass(frozen=True)
class SupplementNeeded:
    fields: list[str]
    documents: list[str]
    message: str


Decision = Approved | Rejected | SupplementNeeded
# Applies the agency's rules to a case: (session, case number, may_request_supplement). When an
# officer approves, the rules may still refuse but no longer ask the citizen for more.
DecideFn = Callable[[Session, str, bool], Decision]


def now_utc() -> datetime:
    return datetime.now(UTC)


def next_number(session: Session, series: str) -> int:
    counter = session.get(Counter, series) or Counter(series=series, value=0)
    counter.value += 1
    session.add(counter)
    return counter.value


def register_number(session: Session, prefix: str, counter: str, commune: str, on: date) -> str:
    """A civil-status or residence register's number, counted per commune and year:
    PREFIX-YEAR-COMMUNE-NNNNNN."""
    sequence = next_number(session, f"{counter}:{on.year}:{commune}")
    return f"{prefix}-{on.year}-{commune}-{sequence:06d}"


def case_view(case: Case) -> CaseView:
    rejection = None
    if case.status == "rejected":
        rejection = {"code": case.rejection_code or "rejected", "reason": case.reason or ""}
    return CaseView(
        case_number=case.case_number,
        procedure=case.procedure,
        declaration_id=case.declaration_id,
        idempotency_key=case.idempotency_key,
        status=case.status,
        rejection=rejection,
        record=json.loads(case.record_json) if case.record_json else None,
        supplement=SupplementIn.model_validate_json(case.supplement_json)
        if case.supplement_json
        else None,
        supersedes=case.supersedes,
        reminders=case.reminders,
        escalations=case.escalations,
        created_at=case.created_at,
        decided_at=case.decided_at,
        decided_by=case.decided_by,
        signed_decision=case.signed_decision,
        decision_signature=case.decision_signature,
    )


def fingerprint(body: BaseModel) -> str:
    return hashlib.sha256(body.model_dump_json().encode()).hexdigest()


class DecisionPolicy(BaseModel):
    """How cases are decided when no officer acts: at once, after a delay, or only by officers."""

    mode: Literal["immediate", "delayed", "manual"] = "immediate"
    delay_seconds: float = Field(default=0, ge=0)


class FaultPlan(BaseModel):
    """Staged trouble for the next requests to the agency's business endpoints."""

    fail_next: int = Field(default=0, ge=0, description="Answer this many requests with an error.")
    status_code: int = Field(default=503, ge=400, le=599)
    outage_seconds: float = Field(default=0, ge=0, description="Refuse every request this long.")
    delay_seconds: float = Field(default=0, ge=0, description="Hold every request this long.")


@dataclass
class FaultState:
    fail_next: int = 0
    status_code: int = 503
    outage_until: float = 0.0
    delay_seconds: float = 0.0


Body = TypeVar("Body", bound=BaseModel)


@dataclass(frozen=True)
class ProcedureDesk(Generic[Body]):
    """One procedure an agency handles: its case series, request model and rules."""

    procedure: str
    series: str
    body_model: type[Body]
    rules: Callable[[Body], DecideFn]
    subject: Callable[[Body], str | None]


@dataclass
class AgencyCredentials:
    """The agency's own secrets: the key its case worker presents, the key its officers present,
    and the key it signs its decisions with (rotated through `PUT /sandbox/signing-key`)."""

    service_key: str
    officer_key: str
    signing_seed: str
    signing_key_id: str


class SigningKeyIn(BaseModel):
    key_id: str = Field(min_length=1, max_length=60)
    seed: str = Field(min_length=40, max_length=60)


@dataclass
class AgencyBook:
    """One agency's database and the operations every endpoint needs."""

    name: str
    engine: Engine
    dataset: Dataset
    credentials: AgencyCredentials
    policy: DecisionPolicy = field(default_factory=DecisionPolicy)
    faults: FaultState = field(default_factory=FaultState)
    desks: dict[str, ProcedureDesk[Any]] = field(default_factory=dict)
    # Writes are applied one at a time, as a single agency system with one writer would.
    write_lock: asyncio.Lock = field(default_factory=asyncio.Lock)

    def session(self) -> Session:
        return Session(self.engine, expire_on_commit=False)

    def add_desk(self, desk: ProcedureDesk[Any]) -> None:
        self.desks[desk.procedure] = desk

    # --- deciding ---------------------------------------------------------------------------

    def _apply(
        self, session: Session, case: Case, decision: Decision, *, inline: bool, decided_by: str
    ) -> None:
        case.decided_at = now_utc()
        case.decided_by = decided_by
        if isinstance(decision, Approved):
            case.status, case.record_json = "approved", json.dumps(decision.record, default=str)
        elif isinstance(decision, Rejected):
            case.status, case.rejection_code, case.reason = (
                "rejected",
                decision.code,
                decision.reason,
            )
            case.record_json = json.dumps(decision.record, default=str) if decision.record else None
        else:
            case.status = "awaiting_supplement"
            case.supplement_json = SupplementIn(
                fields=decision.fields, documents=decision.documents, message=decision.message
            ).model_dump_json()
        content = {
            "agency": self.name,
            "case_number": case.case_number,
            "declaration_id": case.declaration_id,
            "procedure": case.procedure,
            "outcome": case.status,
            "reason": case.reason,
            "rejection_code": case.rejection_code,
            "record": json.loads(case.record_json) if case.record_json else None,
            "supplement": json.loads(case.supplement_json) if case.supplement_json else None,
            "decided_at": case.decided_at.isoformat(),
            "decided_by": decided_by,
            "key_id": self.credentials.signing_key_id,
        }
        case.signed_decision = decision_signatures.canonical(content)
        case.decision_signature = decision_signatures.sign(
            self.credentials.signing_seed, case.signed_decision
        )
        session.add(case)
        session.add(
            DecisionEvent(
                case_number=case.case_number,
                declaration_id=case.declaration_id,
                procedure=case.procedure,
                outcome=case.status,
                decided_at=case.decided_at,
                # A decision returned in the submission's own answer needs no relaying.
                acknowledged_at=case.decided_at if inline else None,
            )
        )

    def _rules_for(self, case: Case) -> DecideFn:
        desk = self.desks[case.procedure]
        return desk.rules(desk.body_model.model_validate_json(case.request_json))

    async def submit(
        self, procedure: str, body: BaseModel, idempotency_key: str, response: Response
    ) -> CaseView:
        """Open a case for the request, or return the case already opened under its key."""
        desk = self.desks[procedure]
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
                supersedes = getattr(body, "supersedes_case_number", None)
                case = Case(
                    case_number=f"{desk.series}-{next_number(session, 'case:' + desk.series):08d}",
                    procedure=procedure,
                    declaration_id=getattr(body, "declaration_id", ""),
                    idempotency_key=idempotency_key,
                    request_fingerprint=request_fingerprint,
                    request_json=body.model_dump_json(),
                    subject_personal_id=desk.subject(body),
                    status="pending",
                    supersedes=supersedes,
                    created_at=now_utc(),
                )
                if supersedes is not None:
                    earlier = session.get(Case, supersedes)
                    if earlier is not None and earlier.status in OPEN_STATES:
                        earlier.status = "superseded"
                        session.add(earlier)
                if self.policy.mode == "immediate":
                    decision = desk.rules(body)(session, case.case_number, True)
                    self._apply(session, case, decision, inline=True, decided_by="policy:immediate")
                session.add(case)
                session.commit()
                response.status_code = 201
                return case_view(case)

    async def decide_due_cases(self) -> int:
        """The automatic policy: decide the pending cases that have waited long enough."""
        if self.policy.mode != "delayed":
            return 0
        due_before = now_utc() - timedelta(seconds=self.policy.delay_seconds)
        async with self.write_lock:
            with self.session() as session:
                due = session.exec(
                    select(Case)
                    .where(Case.status == "pending", Case.created_at <= due_before)
                    .order_by(col(Case.created_at))
                    .limit(200)
                ).all()
                for case in due:
                    decision = self._rules_for(case)(session, case.case_number, True)
                    self._apply(session, case, decision, inline=False, decided_by="policy:delayed")
                session.commit()
                return len(due)

    async def officer_decides(
        self, case_number: str, decision: OfficerDecisionIn, officer: str
    ) -> CaseView:
        async with self.write_lock:
            with self.session() as session:
                case = session.get(Case, case_number)
                if case is None:
                    raise HTTPException(status_code=404, detail="No such case.")
                if case.status != "pending":
                    raise HTTPException(
                        status_code=409, detail=f"The case is {case.status}, not pending."
                    )
                outcome: Decision
                if decision.outcome == "approve":
                    outcome = self._rules_for(case)(session, case_number, False)
                    if not isinstance(outcome, Approved):
                        session.rollback()
                        reason = (
                            outcome.reason if isinstance(outcome, Rejected) else outcome.message
                        )
                        raise HTTPException(status_code=409, detail=f"Cannot approve: {reason}")
                elif decision.outcome == "reject":
                    outcome = Rejected(
                        "officer_rejected", decision.reason or "Rejected by the officer."
                    )
                else:
                    assert decision.supplement is not None
                    outcome = SupplementNeeded(
                        decision.supplement.fields,
                        decision.supplement.documents,
                        decision.supplement.message,
                    )
                self._apply(session, case, outcome, inline=False, decided_by=f"officer:{officer}")
                session.commit()
                return case_view(case)

    # --- following up ------------------------------------------------------------------------

    async def cancel(self, case_number: str) -> CaseView:
        async with self.write_lock:
            with self.session() as session:
                case = session.get(Case, case_number)
                if case is None:
                    raise HTTPException(status_code=404, detail="No such case.")
                if case.status in OPEN_STATES:
                    case.status, case.decided_at = "cancelled", now_utc()
                    session.add(case)
                    session.commit()
                return case_view(case)

    async def follow_up(self, case_number: str, kind: str) -> CaseView:
        async with self.write_lock:
            with self.session() as session:
                case = session.get(Case, case_number)
                if case is None:
                    raise HTTPException(status_code=404, detail="No such case.")
                if kind == "reminder":
                    case.reminders += 1
                else:
                    case.escalations += 1
                session.add(case)
                session.commit()
                return case_view(case)

    def unacknowledged_decisions(self, limit: int) -> list[DecisionView]:
        with self.session() as session:
            events = session.exec(
                select(DecisionEvent)
                .where(col(DecisionEvent.acknowledged_at).is_(None))
                .order_by(col(DecisionEvent.id))
                .limit(limit)
            ).all()
            views = []
            for event_row in events:
                case = session.get(Case, event_row.case_number)
                assert case is not None
                assert event_row.id is not None
                snapshot = case_view(case)
                # The feed reports the decision as it was made, even if the case moved on.
                snapshot.status = event_row.outcome
                views.append(
                    DecisionView(
                        decision_id=event_row.id,
                        case=snapshot,
                        outcome=event_row.outcome,
                        decided_at=event_row.decided_at,
                    )
                )
            return views

    async def acknowledge(self, decision_id: int) -> None:
        async with self.write_lock:
            with self.session() as session:
                event_row = session.get(DecisionEvent, decision_id)
                if event_row is None:
                    raise HTTPException(status_code=404, detail="No such decision.")
                if event_row.acknowledged_at is None:
                    event_row.acknowledged_at = now_utc()
                    session.add(event_row)
                    session.commit()


class OfficerDecisionIn(BaseModel):
    outcome: Literal["approve", "reject", "request_supplement"]
    reason: str | None = Field(default=None, max_length=2000)
    supplement: SupplementIn | None = None


class FollowUpIn(BaseModel):
    kind: Literal["reminder", "escalation"]


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
    credentials: AgencyCredentials,
    policy: DecisionPolicy | None = None,
) -> AgencyBook:
    """Open (or create) the agency's own database and load the dataset into it once."""
    state_dir.mkdir(parents=True, exist_ok=True)
    engine = create_engine(
        f"sqlite:///{state_dir / f'{name}.db'}", connect_args={"check_same_thread": False}
    )
    event.listen(engine, "connect", _tune_sqlite)
    all_tables: list[Table] = [
        m.__table__  # type: ignore[attr-defined]
        for m in (Case, DecisionEvent, Counter, DatasetMark, *tables)
    ]
    SQLModel.metadata.create_all(engine, tables=all_tables)
    dataset = load_dataset(data_dir)
    with Session(engine) as session:
        if session.get(DatasetMark, dataset_fingerprint(data_dir)) is None:
            load(session, dataset)
            session.add(DatasetMark(fingerprint=dataset.fingerprint, loaded_at=now_utc()))
            session.commit()
    return AgencyBook(
        name=name,
        engine=engine,
        dataset=dataset,
        credentials=credentials,
        policy=policy or DecisionPolicy(),
    )


def agency_app(title: str, book: AgencyBook) -> FastAPI:
    """The agency's HTTP service with what every agency offers: case lookup, the officer desk,
    the decision feed, follow-ups, health, and the sandbox switches."""

    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        async def decide_continuously() -> None:
            while True:
                await book.decide_due_cases()
                await asyncio.sleep(0.1)

        task = asyncio.create_task(decide_continuously())
        yield
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task

    app = FastAPI(title=title, lifespan=lifespan)
    _install_case_routes(app, book)
    _install_sandbox_routes(app, book)
    _install_authentication(app, book)
    return app


def _install_authentication(app: FastAPI, book: AgencyBook) -> None:
    """The agency answers its own adapter (service key) and its own officers (officer key); no
    one else, another agency included."""

    @app.middleware("http")
    async def authenticate(
        request: Request, call_next: Callable[[Request], Awaitable[Response]]
    ) -> Response:
        path = request.url.path
        if not path.startswith(("/v1/", "/sandbox/")):
            return await call_next(request)
        officer_area = path.startswith(("/v1/officer/", "/sandbox/"))
        expected = book.credentials.officer_key if officer_area else book.credentials.service_key
        presented = request.headers.get("Authorization", "").removeprefix("Bearer ").strip()
        if not presented:
            return _refusal(401, f"Authenticate as the {book.name} office.")
        if hmac.compare_digest(presented, expected):
            return await call_next(request)
        other = book.credentials.service_key if officer_area else book.credentials.officer_key
        if hmac.compare_digest(presented, other):
            return _refusal(403, "This credential does not allow that here.")
        return _refusal(401, "Unknown credential.")


def _refusal(status_code: int, detail: str) -> JSONResponse:
    headers = {"WWW-Authenticate": "Bearer"} if status_code == 401 else None
    return JSONResponse(status_code=status_code, content={"detail": detail}, headers=headers)


def _install_case_routes(app: FastAPI, book: AgencyBook) -> None:
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
        declaration_id: str | None = None, status: str | None = None
    ) -> list[CaseView]:
        with book.session() as session:
            statement = select(Case).order_by(col(Case.created_at))
            if declaration_id is not None:
                statement = statement.where(Case.declaration_id == declaration_id)
            if status is not None:
                statement = statement.where(Case.status == status)
            return [case_view(c) for c in session.exec(statement.limit(1000))]

    @app.post("/v1/cases/{case_number}/cancel", response_model=CaseView)
    async def cancel_case(case_number: str) -> CaseView:
        return await book.cancel(case_number)

    @app.post("/v1/cases/{case_number}/follow-ups", response_model=CaseView)
    async def follow_up(case_number: str, body: FollowUpIn) -> CaseView:
        return await book.follow_up(case_number, body.kind)

    @app.get("/v1/officer/cases", response_model=list[CaseView])
    async def officer_queue(status: str = "pending") -> list[CaseView]:
        return await list_cases(status=status)

    @app.post("/v1/officer/cases/{case_number}/decision", response_model=CaseView)
    async def officer_decision(
        case_number: str,
        body: OfficerDecisionIn,
        officer: str = Header(default="officer", alias="X-Officer-Id", max_length=60),
    ) -> CaseView:
        if body.outcome == "request_supplement" and body.supplement is None:
            raise HTTPException(status_code=422, detail="Say what the citizen must supplement.")
        return await book.officer_decides(case_number, body, officer)

    @app.get("/v1/decisions", response_model=list[DecisionView])
    async def decision_feed(limit: int = 100) -> list[DecisionView]:
        return book.unacknowledged_decisions(min(max(limit, 1), 500))

    @app.post("/v1/decisions/{decision_id}/ack", status_code=204)
    async def acknowledge(decision_id: int) -> None:
        await book.acknowledge(decision_id)


def _install_sandbox_routes(app: FastAPI, book: AgencyBook) -> None:
    @app.put("/sandbox/policy", response_model=DecisionPolicy)
    async def set_policy(policy: DecisionPolicy) -> DecisionPolicy:
        book.policy = policy
        return policy

    @app.get("/sandbox/policy", response_model=DecisionPolicy)
    async def get_policy() -> DecisionPolicy:
        return book.policy

    @app.put("/sandbox/signing-key", status_code=204)
    async def rotate_signing_key(key: SigningKeyIn) -> None:
        """The agency starts signing its decisions with a new key, as after a rotation."""
        try:
            decision_signatures.public_key_b64(key.seed)
        except ValueError:
            raise HTTPException(status_code=422, detail="The seed is not an Ed25519 key.") from None
        book.credentials.signing_seed = key.seed
        book.credentials.signing_key_id = key.key_id

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
