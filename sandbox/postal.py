"""The postal service: accepts a shipment of results at the counter, numbered by its S10 tracking
number, and reports it delivered some time later (its delivery policy; an officer's approval is
the postman's delivery), in its feed like any agency's decision."""

from __future__ import annotations

from pydantic import BaseModel
from sqlmodel import Session

from sandbox.casebook.agency import SandboxAgency
from sandbox.casebook.clock import now_utc
from sandbox.casebook.decisions import Approved, CaseAtHand, Decision
from sandbox.casebook.desks import ProcedureDesk
from sandbox.casebook.switches import DecisionPolicy
from sandbox.dataset import Dataset
from sandbox.settings import SandboxSettings

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


def deliver_shipment(at_hand: CaseAtHand, body: ShipmentIn) -> Decision:
    """The shipment reaches the recipient; its record is the post's delivery report."""
    return Approved(
        {
            "tracking_number": at_hand.case_number,
            "delivered_at": now_utc().isoformat(),
            "documents": body.documents,
        }
    )


def delivery_policy(settings: SandboxSettings) -> DecisionPolicy:
    """The post delivers every shipment after the same delay, whatever the agencies' policy."""
    return DecisionPolicy(mode="delayed", delay_seconds=settings.postal_delivery_seconds)


POSTAL = SandboxAgency(
    name="postal",
    title="Sandbox postal service",
    tables=(),
    load=_load,
    desks=(
        ProcedureDesk(
            procedure="shipment",
            operation="accept_shipment",
            series="PS",
            body_model=ShipmentIn,
            rules=deliver_shipment,
            subject=lambda body: None,
            numbering=tracking_number,
            own_path="/v1/shipments",
        ),
    ),
    own_policy=delivery_policy,
)
