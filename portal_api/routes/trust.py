"""The trust store, for operators: the keys each agency's decisions are verified with, rotated
and revoked while declarations are open, and the decisions held because no trusted key verifies
them."""

from __future__ import annotations

import base64
import binascii
from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, HTTPException, Path, status
from pydantic import BaseModel, Field, field_validator
from starlette.concurrency import run_in_threadpool

from portal_api.dependencies import AccessDep, EngineDep
from schemas.parties import AGENCY_PARTIES
from security.principals import Scope
from store.trust import add_key, held_decisions, list_keys, revoke_key

router = APIRouter(prefix="/v1/trust", tags=["trust"])

AgencyName = Annotated[str, Path(pattern="^(" + "|".join(AGENCY_PARTIES) + ")$")]
KeyId = Annotated[str, Path(min_length=1, max_length=60, pattern=r"^[A-Za-z0-9._-]+$")]


class AgencyKey(BaseModel):
    agency: str
    key_id: str
    public_key: str
    added_at: datetime
    added_by: str
    revoked_at: datetime | None
    revoked_by: str | None


class NewAgencyKey(BaseModel):
    public_key: str = Field(description="The agency's Ed25519 public key, base64 of 32 bytes.")

    @field_validator("public_key")
    @classmethod
    def _ed25519(cls, value: str) -> str:
        try:
            raw = base64.b64decode(value, validate=True)
        except (binascii.Error, ValueError):
            raise ValueError("not base64") from None
        if len(raw) != 32:
            raise ValueError("an Ed25519 public key is 32 bytes")
        return value


class HeldDecision(BaseModel):
    declaration_id: str
    procedure: str
    agency: str
    case_number: str
    key_id: str | None
    problem: str
    held_at: datetime


_CONFLICT: dict[int | str, dict[str, Any]] = {
    409: {"description": "The key id is taken; a key id is never reused."}
}


@router.get("/agency-keys", response_model=list[AgencyKey])
async def get_agency_keys(engine: EngineDep, access: AccessDep) -> list[AgencyKey]:
    await access.require(Scope.TRUST, "read_trust_store")
    records = await run_in_threadpool(list_keys, engine)
    return [AgencyKey.model_validate(r, from_attributes=True) for r in records]


@router.put(
    "/agency-keys/{agency}/{key_id}", status_code=status.HTTP_201_CREATED, responses=_CONFLICT
)
async def trust_agency_key(
    agency: AgencyName, key_id: KeyId, key: NewAgencyKey, engine: EngineDep, access: AccessDep
) -> dict[str, str]:
    """Trust a new key of the agency (a rotation): decisions held for want of it are released
    at their next check."""
    await access.require(Scope.TRUST, "trust_agency_key")
    actor = access.principal.actor
    if not await run_in_threadpool(add_key, engine, agency, key_id, key.public_key, actor):
        raise HTTPException(status_code=409, detail="This key id is already in the trust store.")
    await access.audit("trust_agency_key", None, f"{agency}/{key_id}")
    return {"agency": agency, "key_id": key_id}


@router.post(
    "/agency-keys/{agency}/{key_id}/revoke",
    responses={404: {"description": "No such key in the trust store."}},
)
async def revoke_agency_key(
    agency: AgencyName, key_id: KeyId, engine: EngineDep, access: AccessDep
) -> dict[str, str]:
    """Stop trusting a key: decisions signed with it from now on are held, not acted on."""
    await access.require(Scope.TRUST, "revoke_agency_key")
    if not await run_in_threadpool(revoke_key, engine, agency, key_id, access.principal.actor):
        raise HTTPException(status_code=404, detail="No such key in the trust store.")
    await access.audit("revoke_agency_key", None, f"{agency}/{key_id}")
    return {"agency": agency, "key_id": key_id, "status": "revoked"}


@router.get("/held-decisions", response_model=list[HeldDecision])
async def get_held_decisions(engine: EngineDep, access: AccessDep) -> list[HeldDecision]:
    """Agency decisions that no trusted key verifies, kept for an operator to act on."""
    await access.require(Scope.TRUST, "read_held_decisions")
    records = await run_in_threadpool(held_decisions, engine)
    return [HeldDecision.model_validate(r, from_attributes=True) for r in records]
