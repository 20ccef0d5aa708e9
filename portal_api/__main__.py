"""Serve the portal API: `python -m portal_api --port 8000`."""

from __future__ import annotations

import argparse

from observability.http_serving import serve_http
from observability.logging import configure_logging
from portal_api.app import create_app
from portal_api.metrics import serve_metrics
from settings import get_settings
from store.database import engine_for


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8000)
    args = parser.parse_args()
    settings = get_settings()
    configure_logging("portal-api", settings.log_level)
    if settings.api_metrics_bind_address:
        serve_metrics(settings.api_metrics_bind_address, engine_for(settings.database_url))
    serve_http(create_app(settings), args.host, args.port, settings.api_keep_alive_seconds)


if __name__ == "__main__":
    main()
