"""The postal service: accepts a shipment of results and returns an S10 tracking number."""

from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI, Response
from pydantic import BaseModel
from sqlmodel import Session

from sandbox.casebook import (
    AgencyCredentials,
    Approved,
    CaseView,
    DecideFn,
    Decision,
    DecisionPolicy,
    IdempotencyKey,
    ProcedureDesk,
    agency_app,
    next_number,
    now_utc,
    open_agency_database,
)
from sandbox.dataset import Dataset

_S10_WEIGHTS = (8, 6, 4, 2, 3, 5, 9, 7)


def s10_check_digit(serial: str) -> int:
    """The UPU S10 check digit of an 8-digit serial number."""
    remainder = 11 - sum(int(d) * w for d, w in zip(serial, _S10_WEIGHTS, strict=True)) % 11
    return {10: 0, 11: 5}.get(remainder, remainder)


def tracking_number(sequence: int) -> str:
    serial = f"{sequence:08d}"
    return f"EL{serial}{s10_check_digit(serial)}VN"


class AddressIn(BaseModel):
    commune_code: str
    address_line: str
    recipient: str
    phone: str


class ShipmentIn(BaseModel):
    declaration_id: str
    recipient_address: AddressIn
    documents: list[str]


def _load(session: Session, dataset: Dataset) -> None:
    """The postal service keeps no copy of the population."""


def decide_shipment(body: ShipmentIn) -> DecideFn:
    def decide(session: Session, case_number: str, may_request_supplement: bool) -> Decision:
        number = tracking_number(next_number(session, "tracking"))
        return Approved(
            {
                "tracking_number": number,
                "accepted_at": now_utc().isoformat(),
                "documents": body.documents,
            }
        )

    return decide


def create_app(
    state_dir: Path,
    data_dir: Path,
    credentials: AgencyCredentials,
    policy: DecisionPolicy | None = None,
) -> FastAPI:
    # The post office accepts every shipment at the counter, whatever the agencies' policy.
    book = open_agency_database(
        "postal", state_dir, data_dir, (), _load, credentials, DecisionPolicy()
    )
    book.add_desk(
        ProcedureDesk(
            "shipment",
            "PS",
            ShipmentIn,
            decide_shipment,
            lambda body: None,
        )
    )
    app = agency_app("Sandbox postal service", book)

    @app.post("/v1/shipments", response_model=CaseView, status_code=201)
    async def accept_shipment(
        body: ShipmentIn, response: Response, idempotency_key: str = IdempotencyKey
    ) -> CaseView:
        return await book.submit("shipment", body, idempotency_key, response)

    return app
