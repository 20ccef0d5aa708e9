"""Run the sandbox SMS gateway: `python -m sandbox.sms_gateway --port 8110`."""

from __future__ import annotations

import argparse

from observability.http_serving import serve_http
from observability.logging import configure_logging
from sandbox.settings import get_sandbox_settings
from sandbox.sms_gateway import OUTBOX_FILE
from sandbox.sms_gateway.app import sms_gateway_app
from sandbox.sms_gateway.outbox import Outbox


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, required=True)
    args = parser.parse_args()
    settings = get_sandbox_settings()
    configure_logging("sandbox-sms-gateway", settings.log_level)
    accounts = {sid: token.get_secret_value() for sid, token in settings.sms_accounts.items()}
    app = sms_gateway_app(
        Outbox(settings.state_dir / OUTBOX_FILE), accounts, settings.sms_response_delay_seconds
    )
    serve_http(app, args.host, args.port, settings.keep_alive_seconds)


if __name__ == "__main__":
    main()
