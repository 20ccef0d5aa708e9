"""The sandbox's switches on an agency, for its officers' key only: the decision policy, the
signing key, and staged faults on the business endpoints."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable

from fastapi import APIRouter, FastAPI, HTTPException, Request, Response
from fastapi.responses import JSONResponse

from sandbox.casebook.service import AgencyBook
from sandbox.casebook.signing import is_signing_seed
from sandbox.casebook.switches import DecisionPolicy, FaultPlan, SigningKeyIn


def switch_routes(book: AgencyBook) -> APIRouter:
    router = APIRouter()

    @router.put("/sandbox/policy", response_model=DecisionPolicy)
    async def set_policy(policy: DecisionPolicy) -> DecisionPolicy:
        book.policy = policy
        return policy

    @router.get("/sandbox/policy", response_model=DecisionPolicy)
    async def get_policy() -> DecisionPolicy:
        return book.policy

    @router.put("/sandbox/signing-key", status_code=204)
    async def rotate_signing_key(key: SigningKeyIn) -> None:
        """The agency starts signing its decisions with a new key, as after a rotation."""
        if not is_signing_seed(key.seed):
            raise HTTPException(status_code=422, detail="The seed is not an Ed25519 key.")
        book.credentials.signing_seed = key.seed
        book.credentials.signing_key_id = key.key_id

    @router.put("/sandbox/faults", response_model=FaultPlan)
    async def stage_faults(plan: FaultPlan) -> FaultPlan:
        book.faults.fail_next = plan.fail_next
        book.faults.status_code = plan.status_code
        book.faults.outage_until = time.monotonic() + plan.outage_seconds
        book.faults.delay_seconds = plan.delay_seconds
        return plan

    @router.delete("/sandbox/faults", status_code=204)
    async def clear_faults() -> None:
        book.faults.fail_next = 0
        book.faults.outage_until = 0.0
        book.faults.delay_seconds = 0.0

    return router


def install_staged_faults(app: FastAPI, book: AgencyBook) -> None:
    """Hold or refuse requests to the business endpoints as the staged faults say."""

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
