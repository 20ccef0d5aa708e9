"""A message in words, from the notices it carries: the SMS text, and the e-mail with its
subject, body and attachments. Families read Vietnamese, so messages are composed in
Vietnamese."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from email.message import EmailMessage
from email.policy import SMTP
from email.utils import formatdate, parseaddr

from messages import Language, Message, sentences
from schemas.notifications import Milestone, Notice

NOTICE_LANGUAGE: Language = "vi"
# Headers written unfolded (up to SMTP's own line limit): the standard library's folding of a
# long Vietnamese subject into several encoded words drops the space at each fold ("có kết"
# reads "cókết"). One encoded word keeps it. The body is encoded before that, at 76 a line.
UNFOLDED_HEADERS = SMTP.clone(max_line_length=998)
# MIME's limit for encoded lines (RFC 2045), which the standard library takes from the policy.
MIME_BODY = SMTP.clone(max_line_length=76)


def milestones_of(notices: Sequence[Notice]) -> list[Milestone]:
    """The milestones of notices sent as one message, each once, in order."""
    seen: dict[str, Milestone] = {}
    for notice in notices:
        for milestone in notice.milestones:
            seen.setdefault(milestone.key, milestone)
    return list(seen.values())


def sms_text(declaration_id: str, milestones: Sequence[Milestone]) -> str:
    """An SMS is paid for by the segment: with the outcome, the steps it approved are in its
    summary and the portal, and only the others are spelled out."""
    closing = any(m.closes for m in milestones)
    said = [m for m in milestones if not (closing and m.approves_a_step)]
    return Message.of(
        "notice.sms", declaration_id=declaration_id, text=sentences([m.text for m in said])
    ).text(NOTICE_LANGUAGE)


def message_id(idempotency_key: str, sender: str) -> str:
    """The same for every attempt at one notice, so that a mailbox receiving it twice (a lost
    reply, then a resend) keeps one."""
    domain = parseaddr(sender)[1].rpartition("@")[2] or "localhost"
    return f"<{hashlib.sha256(idempotency_key.encode()).hexdigest()[:40]}@{domain}>"


def email_message(
    declaration_id: str,
    milestones: Sequence[Milestone],
    recipient: str,
    message_key: str,
    sender: str,
    documents: list[tuple[str, bytes]],
) -> EmailMessage:
    """The e-mail of a message's milestones; `documents` are (file name, PDF) pairs to
    attach."""
    text = sentences([m.text for m in milestones])
    if documents:
        text = Message.of("notice.documents_attached", text=text)
    # The subject is the news that matters most: the outcome when there is one.
    headline = next((m for m in milestones if m.closes), milestones[-1])
    message = EmailMessage(policy=MIME_BODY)
    message["From"] = sender
    message["To"] = recipient
    message["Subject"] = Message.of(
        "notice.email_subject", declaration_id=declaration_id, title=headline.title
    ).text(NOTICE_LANGUAGE)
    message["Message-ID"] = message_id(message_key, sender)
    message["Date"] = formatdate(localtime=False)
    message["Content-Language"] = NOTICE_LANGUAGE
    body = Message.of("notice.email_body", declaration_id=declaration_id, text=text)
    # Quoted-printable keeps the body's lines short and 7-bit, whatever relay it crosses.
    message.set_content(body.text(NOTICE_LANGUAGE), cte="quoted-printable")
    for filename, pdf in documents:
        message.add_attachment(pdf, maintype="application", subtype="pdf", filename=filename)
    message.policy = UNFOLDED_HEADERS
    return message
