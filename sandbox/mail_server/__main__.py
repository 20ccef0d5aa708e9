"""Run the sandbox mail server: `python -m sandbox.mail_server --port 2525`."""

from __future__ import annotations

import argparse
import asyncio

from observability.logging import configure_logging
from sandbox.mail_server import MAILBOX_DIR, TRANSACTIONS_FILE
from sandbox.mail_server.delivery import MaildirDelivery
from sandbox.mail_server.server import serve
from sandbox.settings import get_sandbox_settings


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--port", type=int, required=True)
    args = parser.parse_args()
    settings = get_sandbox_settings()
    configure_logging("sandbox-mail-server", settings.log_level)
    delivery = MaildirDelivery(
        settings.state_dir / MAILBOX_DIR,
        settings.state_dir / TRANSACTIONS_FILE,
        settings.smtp_reply_delay_seconds,
    )
    users = {user: password.get_secret_value() for user, password in settings.smtp_users.items()}
    asyncio.run(serve(args.port, delivery, users))


if __name__ == "__main__":
    main()
