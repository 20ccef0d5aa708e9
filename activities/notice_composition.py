"""A notice in words: the SMS text, and the e-mail with its subject, body and attachments.
Families read Vietnamese, so notices are composed in Vietnamese."""

from __future__ import annotations

import hashlib
from email.message import EmailMessage
from email.policy import SMTP
from email.utils import formatdate, parseaddr

from messages import Language, Message
from schemas.notifications import Notice

NOTICE_LANGUAGE: Language = "vi"
# Headers written unfolded (up to SMTP's own line limit): the standard library's folding of a
# long Vietnamese subject into several encoded words drops the space at each fold ("có kết"
# reads "cókết"). One encoded word keeps it. The body is encoded before that, at 76 a line.
UNFOLDED_HEADERS = SMTP.clone(max_line_length=998)
# MIME's limit for encoded lines (RFC 2045), which the standard library takes from the policy.
MIME_BODY = SMTP.clone(max_line_length=76)


def sms_text(notice: Notice) -> str:
    return Message.of(
        "notice.sms", declaration_id=notice.declaration_id, text=notice.milestone.text
    ).text(NOTICE_LANGUAGE)


def message_id(idempotency_key: str, sender: str) -> str:
    """The same for every attempt at one notice, so that a mailbox receiving it twice (a lost
    reply, then a resend) keeps one."""
    domain = parseaddr(sender)[1].rpartition("@")[2] or "localhost"
    return f"<{hashlib.sha256(idempotency_key.encode()).hexdigest()[:40]}@{domain}>"


def email_message(notice: Notice, sender: str, documents: list[tuple[str, bytes]]) -> EmailMessage:
    """The e-mail of a notice; `documents` are (file name, PDF) pairs to attach."""
    milestone = notice.milestone
    text = (
        Message.of("notice.documents_attached", text=milestone.text)
        if documents
        else milestone.text
    )
    message = EmailMessage(policy=MIME_BODY)
    message["From"] = sender
    message["To"] = notice.recipient
    message["Subject"] = Message.of(
        "notice.email_subject", declaration_id=notice.declaration_id, title=milestone.title
    ).text(NOTICE_LANGUAGE)
    message["Message-ID"] = message_id(notice.idempotency_key, sender)
    message["Date"] = formatdate(localtime=False)
    message["Content-Language"] = NOTICE_LANGUAGE
    body = Message.of("notice.email_body", declaration_id=notice.declaration_id, text=text)
    # Quoted-printable keeps the body's lines short and 7-bit, whatever relay it crosses.
    message.set_content(body.text(NOTICE_LANGUAGE), cte="quoted-printable")
    for filename, pdf in documents:
        message.add_attachment(pdf, maintype="application", subtype="pdf", filename=filename)
    message.policy = UNFOLDED_HEADERS
    return message
