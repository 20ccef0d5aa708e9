"""The sender of the notices declarations keep in the store (store.notice_outbox): it runs
beside the orchestrator's worker, takes each message when it is due, and sends it once.

- **Once.** A message's key is fixed when its notices are taken; it goes to the SMS provider as
  `Idempotency-Key` and makes the e-mail's `Message-ID`, so a resend after a crash (or a lease
  that ran out) is the same message to the provider and the receiving mailbox.
- **A channel down** holds back only its own messages, tried again less often as the outage
  lasts and given up after `NOTICE_GIVE_UP_HOURS`; the declarations never wait.
- **Results ready** goes only once the portal holds the signed documents it announces (they are
  issued after the decisions): the message waits for them, and past `DOCUMENTS_WAIT` goes
  without them rather than never.
- **Limits.** Each message is let through by the recipient's limits (store.notice_limits) or
  suppressed, once whatever its retries.

Recipients are never logged.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy.engine import Engine

from notice_sending.composition import email_message, message_id, milestones_of, sms_text
from notice_sending.mail_relay import MailRefused, MailRelay
from notice_sending.sms_gateway import SmsGateway, SmsRefused
from observability.logging import bind_boundary_context, get_logger
from security.pseudonyms import PseudonymKeys
from security.recipient_limits import RecipientLimits
from settings import Settings
from store.at_rest import StoreCipher
from store.documents import list_documents, read_document
from store.notice_limits import OutgoingNotice, admit_notice
from store.notice_outbox import (
    GIVEN_UP,
    REFUSED,
    SENT,
    SUPPRESSED,
    Taken,
    next_attempt,
    settle,
    take,
    try_again,
    waiting_groups,
)

# How long a message announcing results waits for the portal to hold their documents.
DOCUMENTS_WAIT = timedelta(minutes=30)
DOCUMENTS_RECHECK = timedelta(milliseconds=250)
# A channel that is down is tried again after 2 s, then twice as long each time, up to 5 min.
FIRST_RETRY = timedelta(seconds=2)
LAST_RETRY = timedelta(minutes=5)
# Messages of different declarations go out side by side, a few at a time.
SENDING_AT_ONCE = 8

log = get_logger(__name__)

Counter = Callable[[str, str], None]


@dataclass(frozen=True)
class SenderPolicy:
    settle: timedelta
    lease: timedelta
    give_up: timedelta
    poll: timedelta

    @classmethod
    def of(cls, settings: Settings) -> SenderPolicy:
        return cls(
            settle=timedelta(seconds=settings.notice_settle_seconds),
            # Twice what one send may take: a sender that died mid-send leaves the message to
            # another after that.
            lease=timedelta(seconds=2 * settings.notice_send_timeout_seconds),
            give_up=timedelta(hours=settings.notice_give_up_hours),
            poll=timedelta(seconds=settings.notice_poll_seconds),
        )


class NoticeSender:
    def __init__(
        self,
        engine: Engine,
        cipher: StoreCipher,
        sms: SmsGateway,
        relay: MailRelay,
        sender_address: str,
        pseudonyms: PseudonymKeys,
        limits: RecipientLimits,
        policy: SenderPolicy,
        count: Counter,
    ) -> None:
        self.engine = engine
        self.cipher = cipher
        self.sms = sms
        self.relay = relay
        self.sender_address = sender_address
        self.pseudonyms = pseudonyms
        self.limits = limits
        self.policy = policy
        self.count = count
        self._wake = asyncio.Event()
        self._loop: asyncio.AbstractEventLoop | None = None

    @classmethod
    def from_settings(
        cls, engine: Engine, cipher: StoreCipher, settings: Settings, count: Counter
    ) -> NoticeSender:
        timeout = settings.notice_send_timeout_seconds
        sms = SmsGateway(
            settings.sms_gateway_url,
            settings.sms_account_sid,
            settings.sms_auth_token.get_secret_value(),
            settings.sms_sender,
            timeout,
        )
        relay = MailRelay(
            settings.smtp_host,
            settings.smtp_port,
            settings.smtp_username,
            settings.smtp_password.get_secret_value(),
            settings.smtp_security,
            timeout,
        )
        return cls(
            engine,
            cipher,
            sms,
            relay,
            settings.smtp_sender,
            settings.pseudonyms,
            settings.notice_limits,
            SenderPolicy.of(settings),
            count,
        )

    def wake(self) -> None:
        """New notices were recorded: look now. Safe to call from any thread."""
        if self._loop is not None:
            self._loop.call_soon_threadsafe(self._wake.set)

    async def run(self, stop: asyncio.Event) -> None:
        """Send what is due until `stop`; a round that fails (the store busy or down) is logged
        and tried again after the poll interval, never ending the sender."""
        self._loop = asyncio.get_running_loop()
        while not stop.is_set():
            self._wake.clear()
            try:
                wait = await self._send_round()
            except Exception:
                log.exception("notice_round_failed")
                wait = self.policy.poll.total_seconds()
            if wait <= 0:
                continue
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(_first(self._wake, stop), timeout=wait)

    async def _send_round(self) -> float:
        """Send each message due; how long until the next is."""
        slots = asyncio.Semaphore(SENDING_AT_ONCE)
        groups = await asyncio.to_thread(waiting_groups, self.engine, _now(), self.policy.settle)

        async def one(group: tuple[str, str]) -> None:
            async with slots:
                try:
                    await asyncio.to_thread(self.send_next, *group)
                except Exception:
                    log.exception("notice_not_sent_this_round", declaration_id=group[0])

        await asyncio.gather(*(one(g) for g in groups))
        upcoming = await asyncio.to_thread(next_attempt, self.engine, self.policy.settle)
        wait = self.policy.poll.total_seconds()
        if upcoming is not None:
            wait = min(wait, max((upcoming - _now()).total_seconds(), 0))
        return wait

    def send_next(self, declaration_id: str, channel: str) -> None:
        """Send the declaration's next message on the channel, if it is due."""
        bind_boundary_context(declaration_id=declaration_id, channel=channel)
        now = _now()
        taken = take(
            self.engine,
            self.cipher,
            declaration_id,
            channel,
            now,
            settle=self.policy.settle,
            lease=self.policy.lease,
        )
        if taken is None:
            return
        documents = self._documents(taken, now)
        if documents is None:
            try_again(self.engine, taken, now + DOCUMENTS_RECHECK, attempted=False)
            return
        notice = taken.notices[0]
        admitted = admit_notice(
            self.engine,
            self.pseudonyms,
            self.limits,
            OutgoingNotice(taken.message_key, declaration_id, notice.channel, notice.recipient),
            now,
        )
        if not admitted:
            self._settle(taken, SUPPRESSED)
            return
        try:
            reference = self._send(taken, documents)
        except (SmsRefused, MailRefused) as refusal:
            log.warning("notice_refused", error=str(refusal))
            self._settle(taken, REFUSED)
        except Exception as outage:  # noqa: BLE001 - any failure to send is a channel down: retried
            if now - taken.first_recorded_at >= self.policy.give_up:
                log.warning("notice_given_up", error=type(outage).__name__)
                self._settle(taken, GIVEN_UP)
                return
            delay = min(FIRST_RETRY * 2 ** (taken.attempts - 1), LAST_RETRY)
            log.info("notice_retry", error=type(outage).__name__, in_seconds=delay.seconds)
            try_again(self.engine, taken, now + delay)
        else:
            log.info("notice_sent", notices=len(taken.notices), provider_ref=reference)
            self._settle(taken, SENT, reference)

    def _settle(self, taken: Taken, state: str, reference: str = "") -> None:
        if settle(self.engine, taken, state, _now(), reference):
            self.count(taken.channel, state)

    def _documents(self, taken: Taken, now: datetime) -> list[tuple[str, bytes]] | None:
        """The documents to attach, once the portal holds every one the message announces;
        None while it waits for them."""
        expected = {kind for n in taken.notices for kind in n.expected_documents}
        held = list_documents(self.engine, taken.declaration_id)
        waited = now - taken.first_recorded_at
        if not expected <= {d.kind for d in held} and waited < DOCUMENTS_WAIT:
            return None
        if not any(n.attach_documents for n in taken.notices):
            return []
        return [
            (f"{document.kind}.pdf", pdf)
            for document in held
            if (
                pdf := read_document(
                    self.engine, self.cipher, taken.declaration_id, document.document_id
                )
            )
        ]

    def _send(self, taken: Taken, documents: list[tuple[str, bytes]]) -> str:
        """The provider's reference of the message sent."""
        milestones = milestones_of(taken.notices)
        recipient = taken.notices[0].recipient
        if taken.channel == "sms":
            text = sms_text(taken.declaration_id, milestones)
            return self.sms.send(recipient, text, taken.message_key)
        self.relay.send(
            email_message(
                taken.declaration_id,
                milestones,
                recipient,
                taken.message_key,
                self.sender_address,
                documents,
            )
        )
        return message_id(taken.message_key, self.sender_address)


def _now() -> datetime:
    return datetime.now(UTC)


async def _first(*events: asyncio.Event) -> None:
    waits = [asyncio.ensure_future(e.wait()) for e in events]
    try:
        await asyncio.wait(waits, return_when=asyncio.FIRST_COMPLETED)
    finally:
        for wait in waits:
            wait.cancel()
