"""Serve the codec server: `python -m codec_server --port 8091`."""

from __future__ import annotations

import argparse

import uvicorn

from codec_server.app import create_codec_app
from observability.logging import configure_logging
from settings import get_settings


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8091)
    args = parser.parse_args()
    settings = get_settings()
    configure_logging("codec-server", settings.log_level)
    uvicorn.run(
        create_codec_app(settings),
        host=args.host,
        port=args.port,
        log_config=None,
        access_log=False,
        timeout_keep_alive=settings.api_keep_alive_seconds,
    )


if __name__ == "__main__":
    main()
