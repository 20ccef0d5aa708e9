"""What follows a declaration's decisions, checked once it is all in: the post delivers posted
results, each approved record's signed document is stored once at the portal, and the
declarant's notices are settled and each message reaches the SMS gateway once.

Pure functions of what the portal serves and what the store and the gateway recorded (see
`portal_records`); the suite waits for what is still due (`still_due`) before it calls them."""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from agency_contracts.procedures import DOCUMENT_KINDS
from devstack.faults.portal_records import GatewayMessage, NoticeRow, StoredDocument
from schemas.common import Procedure
from schemas.status import DeliveryState, StepState
from store.notice_outbox import SENT, SETTLED

View = dict[str, Any]


def posted_not_delivered(views: Mapping[str, View | None]) -> list[str]:
    """Declarations whose results the post holds and has not yet reported delivered."""
    return sorted(
        declaration_id
        for declaration_id, view in views.items()
        if view is not None
        and view["delivery"]["method"] == "post"
        and view["delivery"]["status"] == DeliveryState.POSTED
    )


@dataclass
class PostFindings:
    # Declarations whose results the post reported delivered.
    delivered: int = 0
    not_delivered: list[str] = field(default_factory=list)


def check_posts(views: Mapping[str, View | None]) -> PostFindings:
    """Every posted result reported delivered by the post."""
    delivered = sum(
        1
        for view in views.values()
        if view is not None
        and view["delivery"]["method"] == "post"
        and view["delivery"]["status"] == DeliveryState.DELIVERED
    )
    return PostFindings(delivered, posted_not_delivered(views))


def documents_due(view: View) -> set[str]:
    """The kinds of signed document the declaration's approved records each issue: an agency
    issues one for every record it approved with a result."""
    return {
        DOCUMENT_KINDS[Procedure(step["procedure"])]
        for step in view["steps"]
        if step["status"] == StepState.APPROVED and step.get("result")
    }


def documents_not_stored(
    views: Mapping[str, View | None], stored: Iterable[StoredDocument]
) -> dict[str, list[str]]:
    """By declaration, the kinds due that the portal does not hold yet."""
    held: dict[str, set[str]] = defaultdict(set)
    for document in stored:
        held[document.declaration_id].add(document.kind)
    missing = {
        declaration_id: sorted(documents_due(view) - held[declaration_id])
        for declaration_id, view in views.items()
        if view is not None
    }
    return {declaration_id: kinds for declaration_id, kinds in missing.items() if kinds}


@dataclass
class DocumentFindings:
    due: int = 0
    # Documents due that the portal holds exactly once.
    stored_once: int = 0
    missing: list[str] = field(default_factory=list)
    duplicated: list[str] = field(default_factory=list)
    # Held for a record the declaration does not show approved.
    unexpected: list[str] = field(default_factory=list)


def check_documents(
    views: Mapping[str, View | None], stored: Iterable[StoredDocument]
) -> DocumentFindings:
    """Each approved record's document stored once, and nothing else stored."""
    held: dict[str, Counter[str]] = defaultdict(Counter)
    for document in stored:
        held[document.declaration_id][document.kind] += 1
    findings = DocumentFindings()
    for declaration_id, view in sorted(views.items()):
        due = documents_due(view) if view is not None else set()
        kept = held.pop(declaration_id, Counter())
        findings.due += len(due)
        for kind in sorted(due):
            if kept[kind] == 0:
                findings.missing.append(f"{declaration_id}: no {kind}")
            elif kept[kind] > 1:
                findings.duplicated.append(f"{declaration_id}: {kept[kind]}× {kind}")
            else:
                findings.stored_once += 1
        findings.unexpected += [
            f"{declaration_id}: {kind} ({n}×)"
            for kind, n in sorted(kept.items())
            if kind not in due
        ]
    # Documents of declarations the portal never gave an ID are phantoms (`sweeps`).
    return findings


def notices_unsettled(notices: Iterable[NoticeRow]) -> dict[str, int]:
    """By declaration, how many of its notices are still to be sent (pending, or being sent)."""
    waiting = Counter(n.declaration_id for n in notices if n.state not in SETTLED)
    return dict(sorted(waiting.items()))


@dataclass
class NoticeFindings:
    notices: int = 0
    states: dict[str, int] = field(default_factory=dict)
    unsettled: list[str] = field(default_factory=list)
    sms_messages: int = 0
    # Keys under which the gateway holds more than one message: a message sent twice.
    sent_twice: list[str] = field(default_factory=list)
    # Messages the gateway holds without a key, which no resend could have been matched to.
    without_key: list[str] = field(default_factory=list)
    # Messages the store recorded as sent that the gateway does not hold.
    not_at_gateway: list[str] = field(default_factory=list)
    # Messages at the gateway under a key the store never gave a message.
    unknown_at_gateway: list[str] = field(default_factory=list)


def check_notices(
    notices: Iterable[NoticeRow], messages: Iterable[GatewayMessage]
) -> NoticeFindings:
    """Every notice settled, and every SMS message the store sent at the gateway exactly once."""
    rows = list(notices)
    at_gateway = list(messages)
    findings = NoticeFindings(
        notices=len(rows),
        states=dict(sorted(Counter(n.state for n in rows).items())),
        unsettled=[f"{d}: {n} notice(s) not settled" for d, n in notices_unsettled(rows).items()],
        sms_messages=len(at_gateway),
    )
    keyed = Counter(m.idempotency_key for m in at_gateway if m.idempotency_key is not None)
    findings.sent_twice = [f"{key}: {n} messages" for key, n in sorted(keyed.items()) if n > 1]
    findings.without_key = sorted(m.sid for m in at_gateway if m.idempotency_key is None)
    sms = [n for n in rows if n.channel == "sms" and n.message_key is not None]
    sent = {n.message_key for n in sms if n.state == SENT}
    given = {n.message_key for n in sms}
    findings.not_at_gateway = sorted(str(key) for key in sent - keyed.keys())
    findings.unknown_at_gateway = sorted(str(key) for key in keyed.keys() - given)
    return findings
