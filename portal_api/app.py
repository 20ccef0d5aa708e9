"""The portal API application."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI
from fastapi_offline import FastAPIOffline

from portal_api.authentication import RequireBearer
from portal_api.body_limits import BodyLimits, BodySizeLimit
from portal_api.document_checks import CheckLimits, DocumentChecks
from portal_api.errors import install_error_handlers
from portal_api.intake import Intake
from portal_api.metrics import install_metrics
from portal_api.one_event import install_duplicate_handler
from portal_api.request_context import install_request_context
from portal_api.routes import declarations, documents, health, trust
from reference_data.admin_units import official_admin_units
from settings import Settings
from store.database import engine_for
from store.sealing import store_cipher
from store.trust import seed_trust_store
from temporal_connection.client import connect


def create_app(settings: Settings) -> FastAPI:
    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        engine = engine_for(settings.database_url)
        seed_trust_store(engine, settings.trust_store_seed)
        app.state.intake = Intake(
            settings=settings,
            engine=engine,
            cipher=store_cipher(settings),
            client=await connect(settings, lazy=True),
            admin_units=official_admin_units(),
        )
        app.state.document_checks = DocumentChecks(CheckLimits.from_settings(settings))
        try:
            yield
        finally:
            await asyncio.to_thread(app.state.document_checks.close)

    # Swagger UI and ReDoc from the package's own copies: government networks are often closed
    # to the CDNs FastAPI loads them from.
    app = FastAPIOffline(
        title="lienthong portal intake API",
        version="1.0.0",
        description="One declaration from the national portal; birth and death procedures run "
        "at the justice office, the police and social security.",
        lifespan=lifespan,
    )
    install_error_handlers(app)
    install_duplicate_handler(app)
    # Added first, so innermost of the middleware: its 401s are logged and counted like any.
    app.add_middleware(RequireBearer, settings=settings)
    install_request_context(app)
    app.add_middleware(
        BodySizeLimit, routes=app.router.routes, limits=BodyLimits.from_settings(settings)
    )
    # Outermost, so that bodies refused for their size are counted too.
    install_metrics(app)
    app.include_router(declarations.router)
    app.include_router(documents.router)
    app.include_router(health.router)
    app.include_router(trust.router)
    return app
