"""Telling the declarant: one activity per channel. Each notice is sent once: the ledger in the
store turns a retry after a completed send into nothing, and the provider's deduplication (the
SMS gateway's idempotency key, the e-mail's fixed Message-ID) covers a send whose answer was
lost. A notice to a recipient who has had their share (store.notice_limits) is not sent but
suppressed, and the declaration goes on. Recipients are never logged."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy.engine import Engine
from temporalio import activity
from temporalio.exceptions import ApplicationError

from activities.agency_errors import bind_activity_context
from activities.notice_composition import email_message, message_id, sms_text
from adapters.mail_relay import MailRefused, MailRelay
from adapters.sms_gateway import SmsGateway, SmsRefused
from observability.logging import get_logger
from schemas.notifications import Notice
from security.pseudonyms import PseudonymKeys
from security.recipient_limits import RecipientLimits
from settings import Settings
from store.documents import list_documents, read_document
from store.notice_limits import OutgoingNotice, admit_notice
from store.notices import record_sent, sent_reference

NOTICE_REFUSED = "NoticeRefused"
# Not sent: the recipient has had as many notices as the limits allow for now.
NOTICE_SUPPRESSED = "NoticeSuppressed"

log = get_logger(__name__)


class NotificationActivities:
    def __init__(
        self,
        engine: Engine,
        sms: SmsGateway,
        relay: MailRelay,
        sender: str,
        pseudonyms: PseudonymKeys,
        limits: RecipientLimits,
    ) -> None:
        self.engine = engine
        self.sms = sms
        self.relay = relay
        self.sender = sender
        self.pseudonyms = pseudonyms
        self.limits = limits

    @classmethod
    def from_settings(cls, engine: Engine, settings: Settings) -> NotificationActivities:
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
            engine, sms, relay, settings.smtp_sender, settings.pseudonyms, settings.notice_limits
        )

    def _already_sent(self, notice: Notice) -> str | None:
        bind_activity_context(notice.declaration_id)
        sent = sent_reference(self.engine, notice.idempotency_key)
        if sent is not None:
            log.info("notice_already_sent", channel=notice.channel, milestone=notice.milestone.key)
        return sent

    def _admit(self, notice: Notice) -> None:
        """Raise `NoticeSuppressed` when the recipient has had their share of notices."""
        outgoing = OutgoingNotice(
            notice.idempotency_key, notice.declaration_id, notice.channel, notice.recipient
        )
        if admit_notice(self.engine, self.pseudonyms, self.limits, outgoing, datetime.now(UTC)):
            return
        log.warning("notice_suppressed", channel=notice.channel, milestone=notice.milestone.key)
        raise ApplicationError(
            "the recipient has had as many notices as the limits allow",
            type=NOTICE_SUPPRESSED,
            non_retryable=True,
        )

    def _sent(self, notice: Notice, provider_ref: str) -> str:
        record_sent(self.engine, notice, provider_ref)
        log.info(
            "notice_sent",
            channel=notice.channel,
            milestone=notice.milestone.key,
            provider_ref=provider_ref,
        )
        return provider_ref

    @activity.defn(name="notices.send_sms")
    def send_sms(self, notice: Notice) -> str:
        """The provider's message id."""
        if (sent := self._already_sent(notice)) is not None:
            return sent
        self._admit(notice)
        try:
            sid = self.sms.send(notice.recipient, sms_text(notice), notice.idempotency_key)
        except SmsRefused as error:
            raise ApplicationError(str(error), type=NOTICE_REFUSED, non_retryable=True) from error
        return self._sent(notice, sid)

    @activity.defn(name="notices.send_email")
    def send_email(self, notice: Notice) -> str:
        """The e-mail's Message-ID."""
        if (sent := self._already_sent(notice)) is not None:
            return sent
        self._admit(notice)
        documents = []
        if notice.attach_documents:
            for document in list_documents(self.engine, notice.declaration_id):
                pdf = read_document(self.engine, notice.declaration_id, document.document_id)
                if pdf is not None:
                    documents.append((f"{document.kind}.pdf", pdf))
        try:
            self.relay.send(email_message(notice, self.sender, documents))
        except MailRefused as error:
            raise ApplicationError(str(error), type=NOTICE_REFUSED, non_retryable=True) from error
        return self._sent(notice, message_id(notice.idempotency_key, self.sender))
