"""What the declarant was told: the SMS gateway's outbox and the mail server's mailbox, and
channels of a test's own (slow, or stopped and started again) beside the session's."""

from __future__ import annotations

import asyncio
import secrets
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from email.message import EmailMessage
from pathlib import Path
from typing import Any

import httpx

from devstack.launcher import LocalStack
from devstack.processes import free_port, http_ok, port_open, python_module
from sandbox.mail_server.mailbox_reader import read_mailbox, read_transactions
from security.dev_credentials import DEV_SMS_ACCOUNT_SID, dev_sms_auth_token
from settings import Settings

Outbox = list[dict[str, Any]]


async def sms_outbox(gateway_url: str, phone: str) -> Outbox:
    """The messages the gateway sent to `phone` (national form), oldest first."""
    async with httpx.AsyncClient(
        base_url=gateway_url, auth=(DEV_SMS_ACCOUNT_SID, dev_sms_auth_token()), timeout=10
    ) as http:
        response = await http.get(
            f"/2010-04-01/Accounts/{DEV_SMS_ACCOUNT_SID}/Messages.json",
            params={"To": "+84" + phone[1:]},
        )
    response.raise_for_status()
    messages: Outbox = response.json()["messages"]
    return messages


async def wait_for_sms(gateway_url: str, phone: str, text: str, timeout: float = 30) -> Outbox:
    """The outbox of `phone` once a message containing `text` is in it."""
    deadline = time.monotonic() + timeout
    while True:
        outbox = await sms_outbox(gateway_url, phone)
        if any(text in m["body"] for m in outbox):
            return outbox
        if time.monotonic() > deadline:
            raise AssertionError(f"no SMS with {text!r}: {[m['body'] for m in outbox]}")
        await asyncio.sleep(0.2)


def unique_phone() -> str:
    """A phone number of one test's own, so that its outbox holds only its messages."""
    return "09" + "".join(secrets.choice("0123456789") for _ in range(8))


def mail_to(maildir: Path, address: str) -> list[EmailMessage]:
    return [m for m in read_mailbox(maildir) if m["To"] == address]


def mail_text(message: EmailMessage) -> str:
    body = message.get_body(preferencelist=("plain",))
    return str(body.get_content()) if body is not None else ""


async def wait_for_notices(
    settings: Settings, maildir: Path, phone: str, email: str, last: str, timeout: float = 60
) -> tuple[Outbox, list[EmailMessage]]:
    """The SMS and e-mails once a message holding `last` arrived on each channel, and a moment
    more, so that a duplicate on its way arrives too."""
    deadline = time.monotonic() + timeout
    while True:
        sms = await sms_outbox(settings.sms_gateway_url, phone)
        mail = mail_to(maildir, email)
        if any(last in m["body"] for m in sms) and any(last in mail_text(m) for m in mail):
            await asyncio.sleep(1.0)
            return await sms_outbox(settings.sms_gateway_url, phone), mail_to(maildir, email)
        if time.monotonic() > deadline:
            raise AssertionError(f"{len(sms)} SMS and {len(mail)} e-mails, none yet with {last!r}")
        await asyncio.sleep(0.2)


@dataclass
class OwnChannels:
    """An SMS gateway and a mail server of a test's own, with settings of its own."""

    launcher: LocalStack
    state_dir: Path
    env: dict[str, str]
    sms_port: int
    smtp_port: int

    @property
    def sms_gateway_url(self) -> str:
        return f"http://127.0.0.1:{self.sms_port}"

    @property
    def maildir(self) -> Path:
        return self.state_dir / "mailbox"

    @property
    def sms_log(self) -> Path:
        return self.launcher.layout.log_dir / f"sms-{self.sms_port}.log"

    def transactions(self) -> list[dict[str, Any]]:
        return read_transactions(self.state_dir / "mailbox-transactions.jsonl")

    def start_sms(self) -> None:
        command = python_module("sandbox.sms_gateway", "--port", str(self.sms_port))
        process = self.launcher.spawn(
            f"sms:{self.sms_port}", f"sms-{self.sms_port}", command, self.env
        )
        self.launcher.await_ready(process, lambda: http_ok(f"{self.sms_gateway_url}/healthz"), 60)

    def stop_sms(self) -> None:
        self.launcher.stop(f"sms:{self.sms_port}")

    def start_mail(self) -> None:
        command = python_module("sandbox.mail_server", "--port", str(self.smtp_port))
        process = self.launcher.spawn(
            f"mail:{self.smtp_port}", f"mail-{self.smtp_port}", command, self.env
        )
        self.launcher.await_ready(process, lambda: port_open(self.smtp_port), 60)

    def stop_mail(self) -> None:
        self.launcher.stop(f"mail:{self.smtp_port}")


@contextmanager
def own_channels(
    launcher: LocalStack, state_dir: Path, **sandbox_settings: str
) -> Iterator[OwnChannels]:
    """Started, and stopped at the end; `sandbox_settings` are `SANDBOX_…` variables."""
    env = {**launcher.env, "SANDBOX_STATE_DIR": str(state_dir), **sandbox_settings}
    channels = OwnChannels(launcher, state_dir, env, free_port(), free_port())
    channels.start_sms()
    channels.start_mail()
    try:
        yield channels
    finally:
        for key in (f"sms:{channels.sms_port}", f"mail:{channels.smtp_port}"):
            if launcher.running(key):
                launcher.stop(key)
