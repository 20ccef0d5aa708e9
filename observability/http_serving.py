"""Serving an HTTP service's ASGI app with uvicorn, as every service of the product and its
sandbox does: its logs through the one processor chain (`configure_logging`, so no uvicorn log
config of its own) and no access log, whose lines would carry paths with declaration IDs."""

from __future__ import annotations

import uvicorn
from starlette.types import ASGIApp


def serve_http(app: ASGIApp, host: str, port: int, keep_alive_seconds: int) -> None:
    """Serve until stopped. `keep_alive_seconds` is how long an idle connection is kept: longer
    than the service's clients keep theirs, so that the client always closes first."""
    uvicorn.run(
        app,
        host=host,
        port=port,
        log_config=None,
        access_log=False,
        timeout_keep_alive=keep_alive_seconds,
    )
