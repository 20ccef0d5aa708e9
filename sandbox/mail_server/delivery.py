"""Delivery into the mailbox, as a local delivery agent does it: the envelope's sender and
recipients written into the message (`Return-Path`, `Delivered-To`), lines ended the Unix way.

A message whose Message-ID the mailbox already holds is accepted and not stored again: duplicate
suppression at delivery, as Gmail does and Sieve's "duplicate" extension (RFC 7352) offers. The
product gives each notification a deterministic Message-ID, so a resend after a lost reply lands
once. Every transaction is also appended to a JSON-lines log, without addresses or subjects."""

from __future__ import annotations

import asyncio
import json
import mailbox
from datetime import UTC, datetime
from email.parser import BytesHeaderParser
from email.policy import default
from pathlib import Path

from aiosmtpd.smtp import SMTP, Envelope, Session

from observability.logging import get_logger

log = get_logger(__name__)
ACCEPTED = "250 2.0.0 Message accepted for delivery"


def message_id_of(raw: bytes) -> str | None:
    """The message's Message-ID, if it has one."""
    value = BytesHeaderParser(policy=default).parsebytes(raw).get("Message-ID")
    if value is None:
        return None
    return str(value).strip() or None


class MaildirDelivery:
    """The aiosmtpd handler: each message of a transaction into one Maildir."""

    def __init__(self, maildir: Path, transactions: Path, reply_delay_seconds: float = 0.0) -> None:
        maildir.parent.mkdir(parents=True, exist_ok=True)
        self._box = mailbox.Maildir(maildir, factory=None, create=True)
        self._transactions = transactions
        self._reply_delay_seconds = reply_delay_seconds
        # What the mailbox holds, which a restart keeps. Checked and updated with no `await` in
        # between, so two deliveries of one message cannot both find it new.
        self._delivered = {
            found
            for key in self._box.iterkeys()
            if (found := message_id_of(self._box.get_bytes(key)))
        }

    async def handle_DATA(  # noqa: N802 - aiosmtpd's name for the hook
        self, server: SMTP, session: Session, envelope: Envelope
    ) -> str:
        raw = envelope.original_content or b""
        message_id = message_id_of(raw)
        duplicate = message_id is not None and message_id in self._delivered
        if not duplicate:
            self._box.add(_as_delivered(raw, envelope))
            if message_id is not None:
                self._delivered.add(message_id)
        self._record(message_id, len(envelope.rcpt_tos), duplicate)
        log.info(
            "mail_duplicate_suppressed" if duplicate else "mail_delivered",
            recipient_count=len(envelope.rcpt_tos),
            size=len(raw),
        )
        # Stored, and the reply held back: a sender killed now never learns its message landed.
        if self._reply_delay_seconds:
            await asyncio.sleep(self._reply_delay_seconds)
        return ACCEPTED

    def _record(self, message_id: str | None, recipients: int, duplicate: bool) -> None:
        line = {
            "message_id": message_id,
            "recipient_count": recipients,
            "duplicate": duplicate,
            "received_at": datetime.now(UTC).isoformat(),
        }
        with self._transactions.open("a", encoding="utf-8") as transactions:
            transactions.write(json.dumps(line) + "\n")


def _as_delivered(raw: bytes, envelope: Envelope) -> bytes:
    trace = [f"Return-Path: <{envelope.mail_from or ''}>"]
    trace += [f"Delivered-To: {recipient}" for recipient in envelope.rcpt_tos]
    return "\n".join(trace).encode() + b"\n" + raw.replace(b"\r\n", b"\n")
