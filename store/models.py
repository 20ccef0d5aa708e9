"""The store's tables."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Column, Index, LargeBinary, MetaData, Text, UniqueConstraint
from sqlmodel import Field, SQLModel

DECLARATION_ID_LENGTH = 40
# A keyed reference (security.pseudonyms): the key's version, a colon, an HMAC in hex.
KEYED_REF_LENGTH = 100
ACTOR_LENGTH = 120
ACTION_LENGTH = 40
OUTCOME_LENGTH = 20


class DeclarationRecord(SQLModel, table=True):
    __tablename__ = "declarations"
    __table_args__ = (UniqueConstraint("client_id", "idempotency_key"),)

    declaration_id: str = Field(primary_key=True, max_length=DECLARATION_ID_LENGTH)
    procedure: str = Field(max_length=10, index=True)
    status: str = Field(max_length=24, index=True)
    workflow_id: str = Field(max_length=80)
    client_id: str = Field(default="portal", max_length=80)
    # A keyed hash of the declarant's personal ID, prefixed by the key's version
    # (security.pseudonyms): enough to tell a citizen their own declarations, without keeping
    # the ID itself in this column.
    declarant_ref: str = Field(default="", max_length=100, index=True)
    idempotency_key: str | None = Field(default=None, max_length=200)
    request_fingerprint: str = Field(max_length=64)
    received_at: datetime
    deadline: datetime | None = None
    province_code: str | None = Field(default=None, max_length=2, index=True)
    commune_code: str | None = Field(default=None, max_length=5)
    workflow_started: bool = False
    # The run that took this declaration's attested start: a start is acted on once, so a copy
    # of its input started again (under the same workflow ID, after it ended) is refused.
    started_run_id: str | None = Field(default=None, max_length=64)
    # The portal API's key that attested the start: the workflow checks its updates with the
    # keys it trusted then, so the API signs them with the same key while it holds it.
    attested_by_key: str | None = Field(default=None, max_length=60)
    # The latest status view, so status stays readable after Temporal has let the workflow go;
    # sealed (store.at_rest), as it names people and what the agencies issued them.
    status_sealed: bytes = Field(sa_column=Column(LargeBinary, nullable=False))
    updated_at: datetime
    # When the declaration reached a terminal state: the attachments' retention counts from it.
    closed_at: datetime | None = None


class StepEventRecord(SQLModel, table=True):
    """The audit trail of step events; `sequence` is assigned by the workflow, so a retried write
    of the same event is recognised and not recorded twice."""

    __tablename__ = "step_events"

    declaration_id: str = Field(primary_key=True, max_length=40)
    sequence: int = Field(primary_key=True)
    agency: str | None = Field(default=None, max_length=20)
    procedure: str | None = Field(default=None, max_length=30)
    # Step and declaration states, and delivery ones prefixed (`delivery_ready_for_pickup`).
    status: str = Field(max_length=40)
    # Sealed: an agency's or a citizen's reason may name people.
    reason_sealed: bytes | None = Field(default=None, sa_column=Column(LargeBinary))
    case_number: str | None = Field(default=None, max_length=60)
    occurred_at: datetime


class StepResultRecord(SQLModel, table=True):
    __tablename__ = "step_results"

    declaration_id: str = Field(primary_key=True, max_length=40)
    procedure: str = Field(primary_key=True, max_length=30)
    agency: str = Field(max_length=20)
    # Sealed: results hold personal IDs, social-insurance numbers and card codes.
    result_sealed: bytes = Field(sa_column=Column(LargeBinary, nullable=False))
    recorded_at: datetime


class AttachmentBlob(SQLModel, table=True):
    """Attachments are stored once by content hash; workflows carry only the hash."""

    __tablename__ = "attachments"

    sha256: str = Field(primary_key=True, max_length=64)
    media_type: str = Field(max_length=60)
    size_bytes: int
    # Sealed, bound to the hash: the hash check opens it and hashes what it holds.
    content: bytes = Field(sa_column=Column(LargeBinary, nullable=False))
    # Renewed whenever the same content is stored again, so the sweep's grace period counts from
    # the latest upload, not the first.
    stored_at: datetime = Field(index=True)


class AttachmentUse(SQLModel, table=True):
    """Which declaration references which attachment: an attachment none references, past a
    grace period, is swept; a closed declaration's references go when its retention ends."""

    __tablename__ = "attachment_uses"

    declaration_id: str = Field(primary_key=True, max_length=DECLARATION_ID_LENGTH)
    sha256: str = Field(primary_key=True, max_length=64, index=True)


class EscalationRecord(SQLModel, table=True):
    """A missed legal deadline, escalated for a supervisor to act on."""

    __tablename__ = "escalations"

    declaration_id: str = Field(primary_key=True, max_length=40)
    scope: str = Field(primary_key=True, max_length=40)
    agency: str | None = Field(default=None, max_length=20)
    case_number: str | None = Field(default=None, max_length=60)
    deadline: datetime
    escalated_at: datetime
    reason: str = Field(sa_column=Column(Text, nullable=False))


class AuditEntry(SQLModel, table=True):
    """Who did what to which declaration, and when: submissions, status reads, officer
    decisions, supplements, withdrawals and codec decodes."""

    __tablename__ = "audit_trail"

    id: int | None = Field(default=None, primary_key=True)
    at: datetime = Field(index=True)
    actor: str = Field(max_length=ACTOR_LENGTH)
    action: str = Field(max_length=ACTION_LENGTH)
    declaration_id: str | None = Field(default=None, max_length=DECLARATION_ID_LENGTH, index=True)
    outcome: str = Field(default="allowed", max_length=OUTCOME_LENGTH)
    detail: str | None = Field(default=None, sa_column=Column(Text))


class AuditEntryPublic(SQLModel):
    at: datetime
    actor: str
    action: str
    declaration_id: str | None
    outcome: str
    detail: str | None


class AgencyKeyRecord(SQLModel, table=True):
    """A public key the orchestrator trusts for one agency's decisions, until it is revoked."""

    __tablename__ = "agency_verify_keys"

    agency: str = Field(primary_key=True, max_length=20)
    key_id: str = Field(primary_key=True, max_length=60)
    public_key: str = Field(max_length=60)
    added_at: datetime
    added_by: str = Field(max_length=ACTOR_LENGTH)
    revoked_at: datetime | None = None
    revoked_by: str | None = Field(default=None, max_length=ACTOR_LENGTH)


class HeldDecisionRecord(SQLModel, table=True):
    """An agency decision that no trusted key verifies: kept for an operator, never dropped."""

    __tablename__ = "held_decisions"

    declaration_id: str = Field(primary_key=True, max_length=DECLARATION_ID_LENGTH)
    procedure: str = Field(primary_key=True, max_length=30)
    agency: str = Field(max_length=20)
    case_number: str = Field(max_length=60)
    key_id: str | None = Field(default=None, max_length=60)
    problem: str = Field(max_length=30)
    held_at: datetime
    released_at: datetime | None = None


class IssuedDocument(SQLModel, table=True):
    """An agency's signed electronic result for a declaration. Its content is stored like an
    attachment, by the hash that names it; only that hash travels through workflows."""

    __tablename__ = "issued_documents"

    declaration_id: str = Field(primary_key=True, max_length=DECLARATION_ID_LENGTH)
    document_id: str = Field(primary_key=True, max_length=64)
    kind: str = Field(max_length=30)
    issuer: str = Field(max_length=20)
    procedure: str = Field(max_length=30)
    issued_at: datetime


class NoticeOutboxRecord(SQLModel, table=True):
    """A notice the declarant is to be sent (store.notice_outbox): kept with the progress it
    tells of, then taken by the sender, alone or with the notices pending beside it, as one
    message under one key. What it says and to whom is sealed."""

    __tablename__ = "notice_outbox"

    # The workflow, the report's place among the declaration's reports, the channel.
    idempotency_key: str = Field(primary_key=True, max_length=200)
    declaration_id: str = Field(max_length=DECLARATION_ID_LENGTH, index=True)
    channel: str = Field(max_length=10)
    sequence: int
    # What it tells of, by milestone key (`received`, `closed:completed`): no personal data.
    milestones: str = Field(default="", max_length=600)
    holds: bool = False
    closes: bool = False
    content_sealed: bytes = Field(sa_column=Column(LargeBinary, nullable=False))
    created_at: datetime
    state: str = Field(default="pending", max_length=12, index=True)
    # The message it went in (or is going in), fixed when it was taken.
    message_key: str | None = Field(default=None, max_length=120, index=True)
    claimed_until: datetime | None = None
    attempts: int = 0
    next_attempt_at: datetime = Field(index=True)
    # The provider's reference: the SMS gateway's message id, or the e-mail's Message-ID.
    provider_ref: str | None = Field(default=None, max_length=200)
    settled_at: datetime | None = None


class DeclaredEvent(SQLModel, table=True):
    """The birth or death each standing declaration reports, by a keyed hash of what identifies
    it (schemas.rules.one_event): one row per event, so that however many declarations of it
    arrive at once only one is recorded. A declaration that ends rejected, withdrawn or failed
    gives its row up."""

    __tablename__ = "declared_events"

    event_key: str = Field(primary_key=True, max_length=KEYED_REF_LENGTH)
    declaration_id: str = Field(max_length=DECLARATION_ID_LENGTH, unique=True)
    declared_at: datetime


class NoticeRecipient(SQLModel, table=True):
    """A phone number or e-mail address notices went to, by keyed hash: the row every decision
    on a notice to it locks first, so that concurrent notices to one recipient are counted one
    after the other."""

    __tablename__ = "notice_recipients"

    recipient_ref: str = Field(primary_key=True, max_length=KEYED_REF_LENGTH)
    last_decided_at: datetime


class NoticeAdmission(SQLModel, table=True):
    """Whether a notice (by its idempotency key) was let through to its recipient or suppressed
    because the recipient had had their share of notices: the notices let through are what the
    limits count. No recipient is kept, only its keyed hash."""

    __tablename__ = "notice_admissions"
    __table_args__ = (Index("ix_notice_admissions_recipient_time", "recipient_ref", "decided_at"),)

    idempotency_key: str = Field(primary_key=True, max_length=200)
    recipient_ref: str = Field(max_length=KEYED_REF_LENGTH)
    declaration_id: str = Field(max_length=DECLARATION_ID_LENGTH, index=True)
    channel: str = Field(max_length=10)
    # `admitted` or `suppressed`.
    outcome: str = Field(max_length=OUTCOME_LENGTH)
    decided_at: datetime


def _store_metadata() -> MetaData:
    """The store's own tables, apart: SQLModel's metadata also holds whatever other table models
    a process imported (the sandbox agencies', beside the store in the tests), which the store's
    migrations neither make nor compare."""
    own = MetaData()
    for model in list(globals().values()):
        table = getattr(model, "__table__", None)
        if isinstance(model, type) and model.__module__ == __name__ and table is not None:
            table.to_metadata(own)
    return own


STORE_METADATA = _store_metadata()
