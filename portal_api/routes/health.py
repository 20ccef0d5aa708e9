"""Health: ready once the API reaches both Temporal and its store."""

from __future__ import annotations

import asyncio

from fastapi import APIRouter
from fastapi.responses import JSONResponse
from sqlalchemy import text
from starlette.concurrency import run_in_threadpool

from portal_api.dependencies import ClientDep, EngineDep

router = APIRouter(tags=["health"])


@router.get("/healthz", responses={503: {"description": "Temporal or the store is unreachable."}})
async def healthz(client: ClientDep, engine: EngineDep) -> JSONResponse:
    checks: dict[str, str] = {}
    try:
        await asyncio.wait_for(client.service_client.check_health(), timeout=3)
        checks["temporal"] = "ok"
    except Exception as error:  # noqa: BLE001 - any failure to reach Temporal is "not ready"
        checks["temporal"] = f"unreachable ({type(error).__name__})"

    def ping_store() -> None:
        with engine.connect() as connection:
            connection.execute(text("SELECT 1"))

    try:
        await run_in_threadpool(ping_store)
        checks["store"] = "ok"
    except Exception as error:  # noqa: BLE001 - any failure to reach the store is "not ready"
        checks["store"] = f"unreachable ({type(error).__name__})"
    healthy = all(value == "ok" for value in checks.values())
    return JSONResponse(
        status_code=200 if healthy else 503,
        content={"status": "ok" if healthy else "unavailable", "checks": checks},
    )
