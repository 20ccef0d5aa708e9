"""The sandbox mail server is real SMTP: it takes mail from authenticated senders only, delivers
it into a Maildir the tests read, stores a message whose Message-ID it already holds once (and
says so in its transactions), and logs no address. Against the session's server, except where a
test needs a slow one of its own."""

from __future__ import annotations

import secrets
import smtplib
from collections.abc import Callable
from email.message import EmailMessage
from pathlib import Path

import pytest

from devstack.launcher import LocalStack
from devstack.stack_layout import StackLayout, StackOptions, StackPorts
from sandbox.mail_server.mailbox_reader import read_mailbox, read_transactions
from security.dev_credentials import DEV_SMTP_USERNAME, dev_smtp_password
from tests.harness.session_services import SessionServices

pytestmark = pytest.mark.store_free

SENDER = "thongbao@lienthong.gov.vn"


def message(message_id: str | None = None) -> EmailMessage:
    """A notification to an address no other test sends to: the session's mailbox is shared."""
    mail = EmailMessage()
    mail["From"] = f"Dịch vụ công liên thông <{SENDER}>"
    mail["To"] = f"citizen-{secrets.token_hex(6)}@example.vn"
    mail["Subject"] = f"Hồ sơ khai sinh {secrets.token_hex(4)} đã hoàn thành"
    if message_id is not None:
        mail["Message-ID"] = message_id
    mail.set_content("Kính gửi ông/bà,\nGiấy khai sinh của bé đã được cấp.\n.\nTrân trọng.")
    return mail


def unique_message_id() -> str:
    return f"<notification-{secrets.token_hex(8)}@lienthong.gov.vn>"


def send(port: int, mail: EmailMessage, mechanism: str = "PLAIN", timeout: float = 10) -> None:
    with smtplib.SMTP("127.0.0.1", port, timeout=timeout) as smtp:
        smtp.ehlo()
        smtp.user, smtp.password = DEV_SMTP_USERNAME, dev_smtp_password()
        authenticate: Callable[..., str] = getattr(smtp, f"auth_{mechanism.lower()}")
        code, _ = smtp.auth(mechanism, authenticate)
        assert code == 235
        smtp.send_message(mail)


def delivered(maildir: Path, message_id: str) -> list[EmailMessage]:
    return [m for m in read_mailbox(maildir) if m["Message-ID"] == message_id]


def test_mail_is_refused_before_authentication(services: SessionServices) -> None:
    with smtplib.SMTP("127.0.0.1", services.smtp_port, timeout=10) as smtp:
        smtp.ehlo()
        assert {"LOGIN", "PLAIN"} <= set(smtp.esmtp_features["auth"].split())
        assert smtp.mail(SENDER)[0] == 530
        assert smtp.rcpt("an@example.vn")[0] == 530


@pytest.mark.parametrize(
    ("user", "password"),
    [
        pytest.param(DEV_SMTP_USERNAME, "wrong", id="wrong-password"),
        pytest.param("someone", dev_smtp_password(), id="unknown-user"),
    ],
)
def test_wrong_credentials_are_refused(services: SessionServices, user: str, password: str) -> None:
    with smtplib.SMTP("127.0.0.1", services.smtp_port, timeout=10) as smtp:
        with pytest.raises(smtplib.SMTPAuthenticationError) as refused:
            smtp.login(user, password)
        assert refused.value.smtp_code == 535
        assert smtp.mail(SENDER)[0] == 530


@pytest.mark.parametrize("mechanism", ["PLAIN", "LOGIN"])
def test_mail_is_delivered_into_the_maildir(services: SessionServices, mechanism: str) -> None:
    message_id = unique_message_id()
    sent = message(message_id)
    send(services.smtp_port, sent, mechanism)
    [received] = delivered(services.mailbox_dir, message_id)
    assert received["Subject"] == sent["Subject"]
    assert received["To"] == sent["To"]
    assert received["Delivered-To"] == sent["To"]
    assert received["Return-Path"] == f"<{SENDER}>"
    body = received.get_body(("plain",))
    assert body is not None
    assert body.get_content() == sent.get_content()


def test_a_message_id_already_delivered_is_stored_once_and_logged_twice(
    services: SessionServices,
) -> None:
    message_id = unique_message_id()
    sent = message(message_id)
    send(services.smtp_port, sent)
    # The resend after a lost reply: the same message, on a new connection.
    send(services.smtp_port, sent, "LOGIN")
    assert len(delivered(services.mailbox_dir, message_id)) == 1
    transactions = read_transactions(services.launcher.layout.mailbox_transactions)
    mine = [t for t in transactions if t["message_id"] == message_id]
    assert [t["duplicate"] for t in mine] == [False, True]
    assert all(t["recipient_count"] == 1 and t["received_at"] for t in mine)
    assert set(mine[0]) == {"message_id", "recipient_count", "duplicate", "received_at"}


def test_a_message_without_a_message_id_is_stored_every_time(services: SessionServices) -> None:
    sent = message()
    send(services.smtp_port, sent)
    send(services.smtp_port, sent)
    stored = [m for m in read_mailbox(services.mailbox_dir) if m["Subject"] == sent["Subject"]]
    assert len(stored) == 2
    assert all(m["Message-ID"] is None for m in stored)


def test_no_address_or_subject_reaches_the_mail_servers_log(services: SessionServices) -> None:
    message_id = unique_message_id()
    sent = message(message_id)
    send(services.smtp_port, sent)
    assert delivered(services.mailbox_dir, message_id)
    log = (services.log_dir / "sandbox-mail-server.log").read_text()
    assert "mail_delivered" in log
    local_part = str(sent["To"]).split("@")[0]
    assert local_part not in log and "example.vn" not in log and SENDER not in log
    subject_marker = str(sent["Subject"]).split()[4]  # the hex that makes it unique
    assert subject_marker not in log
    transactions = services.launcher.layout.mailbox_transactions.read_text()
    assert local_part not in transactions and "khai sinh" not in transactions


@pytest.mark.slow
def test_a_slow_reply_comes_after_the_message_is_stored(tmp_path: Path) -> None:
    """The sender gives up before the 250; the message is in the mailbox all the same, and the
    resend, across a restart of the server too, is not stored again."""
    options = StackOptions(smtp_reply_delay_seconds=2.0)
    with LocalStack(StackLayout(tmp_path), StackPorts.pick(), options) as stack:
        stack.start_mail_server()
        maildir, message_id = stack.layout.mailbox_dir, unique_message_id()
        sent = message(message_id)
        with pytest.raises((TimeoutError, smtplib.SMTPServerDisconnected)):
            send(stack.ports.smtp, sent, timeout=0.5)
        assert len(delivered(maildir, message_id)) == 1
        stack.stop_mail_server()
        stack.start_mail_server()
        send(stack.ports.smtp, sent)
        assert len(delivered(maildir, message_id)) == 1
        transactions = read_transactions(stack.layout.mailbox_transactions)
        assert [t["duplicate"] for t in transactions] == [False, True]
