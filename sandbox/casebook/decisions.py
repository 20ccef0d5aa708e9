"""The decisions an agency's rules reach on a case, and what the rules see while deciding."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlmodel import Session

from sandbox.dataset import Dataset


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


@dataclass(frozen=True)
class CaseAtHand:
    """The case being decided, as the agency's rules see it: the agency's database (in the
    transaction that records the decision), the case's number and the agency's dataset."""

    session: Session
    case_number: str
    dataset: Dataset
    # When an officer approves, the rules may still refuse but no longer ask the citizen for more.
    may_request_supplement: bool
