"""The declarant is told of each milestone in Vietnamese, by SMS through the sandbox gateway and
by e-mail through the loopback mail server, once each: through a worker killed mid-send, and
with a channel down, which delays its messages and never the declaration."""

from __future__ import annotations

import asyncio
import secrets
import time
from collections.abc import Awaitable, Callable, Sized
from datetime import datetime
from email.message import EmailMessage
from pathlib import Path
from typing import Any

import pytest

from devstack.declaration_factory import DeclarationFactory
from tests.harness.notices import (
    mail_text,
    mail_to,
    own_channels,
    sms_outbox,
    unique_phone,
    wait_for_notices,
)
from tests.harness.portal import submit
from tests.harness.session_services import SessionServices
from tests.harness.stack import Stack, StackFactory
from tests.harness.waiting import wait_for_status
from workflows.milestones import day

DOCUMENTS_READY = (
    "Bản điện tử có chữ ký số của kết quả đã có trong tài khoản của bạn trên Cổng Dịch vụ công "
    "quốc gia."
)
COMPLETED = "Đã hoàn thành cả 3 thủ tục."
STEPS_GRANTED = (
    "Thủ tục đăng ký khai sinh đã được giải quyết.",
    "Thủ tục đăng ký thường trú đã được giải quyết.",
    "Thủ tục cấp thẻ bảo hiểm y tế đã được giải quyết.",
)


def _told_by_both(factory: DeclarationFactory) -> tuple[dict[str, Any], str, str]:
    """A birth whose declarant is told by SMS and e-mail, at a number and address of its own."""
    body = factory.birth(next(factory.couples()), delivery="electronic")
    phone = unique_phone()
    email = f"family-{secrets.token_hex(4)}@example.vn"
    body["declarant"].update(phone=phone, email=email, notify=["sms", "email"])
    return body, phone, email


def _each_once(sms: list[dict[str, Any]], mail: list[EmailMessage], received: str) -> None:
    """Received first, on its own; then the steps and the outcome, the steps that settle with
    the outcome in its message: every milestone told once on each channel, in order, in at most
    three messages a channel."""
    bodies, texts = [m["body"] for m in sms], [mail_text(m) for m in mail]
    for told in (bodies, texts):
        assert 2 <= len(told) <= 3, told
        assert received in told[0]
        assert COMPLETED in told[-1] and DOCUMENTS_READY in told[-1]
        for text in (received, COMPLETED, DOCUMENTS_READY):
            assert sum(t.count(text) for t in told) == 1, (text, told)
        # No step told twice; an SMS leaves the granted steps to the outcome's summary.
        for text in STEPS_GRANTED:
            assert sum(t.count(text) for t in told) <= 1, (text, told)
    # The e-mail, not paid for by the segment, names every step granted.
    for text in STEPS_GRANTED:
        assert sum(t.count(text) for t in texts) == 1, (text, texts)
    assert len({m["Message-ID"] for m in mail}) == len(mail)


async def test_each_milestone_reaches_the_declarant_once_by_sms_and_email(
    stack: Stack, services: SessionServices, factory: DeclarationFactory
) -> None:
    body, phone, email = _told_by_both(factory)
    accepted = await submit(stack.api, "birth", body)
    declaration_id = accepted["declaration_id"]
    view = await wait_for_status(stack.api, declaration_id)
    assert view["status"] == "completed", view
    sms, mail = await wait_for_notices(
        stack.settings, services.mailbox_dir, phone, email, DOCUMENTS_READY
    )
    received = f"Đã tiếp nhận hồ sơ khai sinh. Hạn giải quyết: {_day(view['deadline'])}."
    _each_once(sms, mail, received)
    assert all(m["body"].startswith(f"Hồ sơ {declaration_id}: ") for m in sms)
    # The SMS come from the registered sender name; Vietnamese takes the UCS-2 alphabet.
    assert {m["from"] for m in sms} == {stack.settings.sms_sender}
    subjects = [str(m["Subject"]).split("] ", 1)[1] for m in mail]
    assert subjects[0] == "Đã tiếp nhận hồ sơ"
    assert subjects[-1] == "Hồ sơ đã hoàn thành"
    # Electronic results also go to the e-mail address: the three signed documents, held by the
    # portal before the message announcing them went.
    documents = (await stack.api.get(f"/v1/declarations/{declaration_id}/documents")).json()
    attached = list(mail[-1].iter_attachments())
    assert sorted(str(a.get_filename()) for a in attached) == sorted(
        f"{d['kind']}.pdf" for d in documents
    )
    assert len(attached) == 3
    assert all(a.get_content().startswith(b"%PDF") for a in attached)


@pytest.mark.slow
@pytest.mark.usefixtures("own_store")  # its schema, made before the stack starts
async def test_a_worker_killed_mid_send_tells_each_milestone_once(
    stack_factory: StackFactory,
    services: SessionServices,
    factory: DeclarationFactory,
    tmp_path: Path,
    own_store_url: str,
) -> None:
    # The providers keep each message, then take three seconds to answer: a worker killed in
    # that time never hears that its message went.
    slow = {
        "SANDBOX_SMS_RESPONSE_DELAY_SECONDS": "3",
        "SANDBOX_SMTP_REPLY_DELAY_SECONDS": "3",
    }
    with own_channels(services.launcher, tmp_path / "channels", **slow) as channels:
        # A store of the test's own: every sender sends what its store holds, and the session's
        # other workers would send this declaration's notices through the session's channels.
        stack = await stack_factory(
            with_workers=False,
            database_url=own_store_url,
            sms_gateway_url=channels.sms_gateway_url,
            smtp_port=channels.smtp_port,
            notice_send_timeout_seconds=4.0,
        )
        env = stack.worker_env()
        first = services.launcher.spawn_worker(["all"], "worker-told-then-killed", env=env)[0]
        body, phone, email = _told_by_both(factory)
        try:
            accepted = await submit(stack.api, "birth", body)
            # The first SMS is with the provider, its answer not yet back.
            await _until(lambda: sms_outbox(channels.sms_gateway_url, phone), 1)
            first.kill()
            restarted = services.launcher.spawn_worker(["all"], "worker-restarted", env=env)[0]
            try:
                view = await wait_for_status(stack.api, accepted["declaration_id"], timeout=90)
                sms, mail = await wait_for_notices(
                    stack.settings, channels.maildir, phone, email, DOCUMENTS_READY, timeout=120
                )
            finally:
                restarted.stop()
        finally:
            first.kill()
    assert view["status"] == "completed", view
    _each_once(sms, mail, "Đã tiếp nhận hồ sơ khai sinh")
    # The killed worker's send was sent again, and the gateway answered it with the first.
    assert "sms_replayed" in channels.sms_log.read_text(encoding="utf-8")
    # What the mail server saw: each notice accepted under one Message-ID, a resend after the
    # lost reply under the same one.
    accepted_ids = {t["message_id"] for t in channels.transactions()}
    assert accepted_ids >= {m["Message-ID"] for m in mail}
    # Neither the phone number nor the address is in any log the workers wrote.
    for log in (first.log_path, restarted.log_path):
        text = log.read_text(encoding="utf-8")
        assert phone not in text and phone[1:] not in text and email not in text


@pytest.mark.slow
@pytest.mark.usefixtures("own_store")  # its schema, made before the stack starts
async def test_a_channel_down_delays_its_messages_and_never_the_declaration(
    stack_factory: StackFactory,
    services: SessionServices,
    factory: DeclarationFactory,
    tmp_path: Path,
    own_store_url: str,
) -> None:
    with own_channels(services.launcher, tmp_path / "channels") as channels:
        # A store of the test's own: every sender sends what its store holds, and the session's
        # other workers would send this declaration's notices through the session's channels.
        stack = await stack_factory(
            with_workers=False,
            database_url=own_store_url,
            sms_gateway_url=channels.sms_gateway_url,
            smtp_port=channels.smtp_port,
        )
        worker = services.launcher.spawn_worker(["all"], "worker-sms-down", env=stack.worker_env())[
            0
        ]
        body, phone, email = _told_by_both(factory)
        try:
            channels.stop_sms()
            accepted = await submit(stack.api, "birth", body)
            view = await wait_for_status(stack.api, accepted["declaration_id"], timeout=90)
            assert view["status"] == "completed", view
            # E-mail is not held up by the SMS gateway being down.
            await _until_mail(channels.maildir, email, DOCUMENTS_READY)
            channels.start_sms()
            sms, mail = await wait_for_notices(
                stack.settings, channels.maildir, phone, email, DOCUMENTS_READY, timeout=120
            )
        finally:
            worker.stop()
    # Sent in the order the milestones happened, once each.
    _each_once(sms, mail, "Đã tiếp nhận hồ sơ khai sinh")


def _day(iso: str) -> str:
    return day(datetime.fromisoformat(iso))


async def _until(read: Callable[[], Awaitable[Sized]], count: int, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while len(await read()) < count:
        if time.monotonic() > deadline:
            raise AssertionError(f"fewer than {count} arrived")
        await asyncio.sleep(0.05)


async def _until_mail(maildir: Path, email: str, last: str, timeout: float = 60) -> None:
    async def read() -> list[EmailMessage]:
        return [m for m in mail_to(maildir, email) if last in mail_text(m)]

    await _until(read, 1, timeout)
