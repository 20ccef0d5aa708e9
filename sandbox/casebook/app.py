"""An agency's HTTP service, assembled from its book of cases and its desks."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator, Callable, Sequence
from contextlib import asynccontextmanager

from fastapi import APIRouter, FastAPI

from sandbox.casebook.authentication import install_authentication
from sandbox.casebook.case_routes import case_routes
from sandbox.casebook.desk_routes import desk_routes
from sandbox.casebook.http_errors import install_error_translation
from sandbox.casebook.service import AgencyBook
from sandbox.casebook.switch_routes import install_staged_faults, switch_routes

# Routes an agency offers beyond its cases (the police's registry lookups, say).
ExtraRoutes = Callable[[AgencyBook], APIRouter]


def agency_app(title: str, book: AgencyBook, extra_routes: Sequence[ExtraRoutes] = ()) -> FastAPI:
    """The agency's HTTP service: what every agency offers (case lookup, the officer desk, the
    decision feed, follow-ups, health, the sandbox switches), a route per procedure desk, and
    the agency's own extra routes."""

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
    app.include_router(case_routes(book))
    app.include_router(switch_routes(book))
    app.include_router(desk_routes(book, book.desks.values()))
    for routes in extra_routes:
        app.include_router(routes(book))
    install_error_translation(app)
    # The last middleware installed runs first: a caller is authenticated before any staged
    # fault answers it.
    install_staged_faults(app, book)
    install_authentication(app, book.name, book.credentials)
    return app
