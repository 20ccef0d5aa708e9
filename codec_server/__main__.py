"""Serve the codec server: `python -m codec_server --port 8091`."""

from __future__ import annotations

import argparse

from codec_server.app import create_codec_app
from observability.http_serving import serve_http
from observability.logging import configure_logging
from settings import get_settings


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8091)
    args = parser.parse_args()
    settings = get_settings()
    configure_logging("codec-server", settings.log_level)
    serve_http(create_codec_app(settings), args.host, args.port, settings.api_keep_alive_seconds)


if __name__ == "__main__":
    main()
