"""The SMTP server: aiosmtpd on an asyncio loop, bound to loopback and nothing else, every sender
authenticated (AUTH PLAIN or LOGIN) before MAIL is taken, until SIGTERM or SIGINT."""

from __future__ import annotations

import asyncio
import hmac
import logging
import signal
import warnings
from collections.abc import Mapping
from typing import Any

from aiosmtpd.smtp import SMTP, AuthenticatorType, AuthResult, Envelope, LoginPassword, Session

from observability.logging import get_logger
from sandbox.mail_server.delivery import MaildirDelivery

log = get_logger(__name__)
HOSTNAME = "mail.sandbox.localhost"
# Not configurable: AUTH without TLS is acceptable on loopback only (see `serve`).
LOOPBACK = "127.0.0.1"
# Compared against when the user is unknown, so an unknown user takes as long as a wrong password.
_NO_PASSWORD = b"\0" * 32


def password_check(users: Mapping[str, str]) -> AuthenticatorType:
    def authenticate(
        server: SMTP, session: Session, envelope: Envelope, mechanism: str, data: Any
    ) -> AuthResult:
        if not isinstance(data, LoginPassword):
            return AuthResult(success=False, handled=False)
        expected = users.get(data.login.decode(errors="replace"))
        matches = hmac.compare_digest(
            data.password, expected.encode() if expected is not None else _NO_PASSWORD
        )
        # Not handled: aiosmtpd answers a failure with its own 535.
        return AuthResult(success=expected is not None and matches, handled=False)

    return authenticate


async def serve(port: int, delivery: MaildirDelivery, users: Mapping[str, str]) -> None:
    loop = asyncio.get_running_loop()
    # aiosmtpd logs every command line it reads, the envelope's addresses among them, and
    # restates at each connection that AUTH is allowed without TLS: its errors are enough.
    logging.getLogger("mail.log").setLevel(logging.ERROR)
    warnings.filterwarnings("ignore", "Requiring AUTH while not requiring TLS", UserWarning)

    def session() -> SMTP:
        return SMTP(
            delivery,
            hostname=HOSTNAME,
            enable_SMTPUTF8=True,
            auth_required=True,
            # Credentials cross loopback only (the server binds 127.0.0.1 and nothing else),
            # where no one can listen who could not read the mailbox itself: TLS would protect
            # nothing here.
            auth_require_tls=False,
            authenticator=password_check(users),
            loop=loop,
        )

    server = await loop.create_server(session, host=LOOPBACK, port=port)
    stop = asyncio.Event()
    for stop_signal in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(stop_signal, stop.set)
    log.info("mail_server_started", port=port)
    await stop.wait()
    server.close()
    await server.wait_closed()
    log.info("mail_server_stopped")
