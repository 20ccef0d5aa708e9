"""Notice outbox and limits, one declaration per event, starts acted on once.

`sent_notices` is dropped with its rows. They recorded that a notice had gone (its key, its
milestone, the provider's reference) so that the sender of release e094eee would not send it
twice; today's sender keeps that in `notice_outbox`, under keys of another shape, with the
notice's sealed content, recipient and place among the declaration's reports, none of which a
`sent_notices` row holds. Nothing reads them any more, and the providers keep their own record
of what they delivered.

`declared_events` starts empty: what identifies a declaration's event is in the workflow's
input, not in the store, so a declaration filed before this revision does not stand for its
event. `started_run_id` and `attested_by_key` start empty too: the first run to claim a start
takes it, and the portal API signs with its active key a declaration it recorded no key for.

Revision ID: da4cb8b75e0f
Revises: 7c1d4f0a9e21
Create Date: 2026-12-07 02:18:31
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "da4cb8b75e0f"
down_revision: str | Sequence[str] | None = "7c1d4f0a9e21"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "declared_events",
        sa.Column("event_key", sa.String(length=100), nullable=False),
        sa.Column("declaration_id", sa.String(length=40), nullable=False),
        sa.Column("declared_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("event_key"),
        sa.UniqueConstraint("declaration_id"),
    )
    op.create_table(
        "notice_admissions",
        sa.Column("idempotency_key", sa.String(length=200), nullable=False),
        sa.Column("recipient_ref", sa.String(length=100), nullable=False),
        sa.Column("declaration_id", sa.String(length=40), nullable=False),
        sa.Column("channel", sa.String(length=10), nullable=False),
        sa.Column("outcome", sa.String(length=20), nullable=False),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("idempotency_key"),
    )
    with op.batch_alter_table("notice_admissions", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_notice_admissions_declaration_id"), ["declaration_id"], unique=False
        )
        batch_op.create_index(
            "ix_notice_admissions_recipient_time", ["recipient_ref", "decided_at"], unique=False
        )

    op.create_table(
        "notice_outbox",
        sa.Column("idempotency_key", sa.String(length=200), nullable=False),
        sa.Column("declaration_id", sa.String(length=40), nullable=False),
        sa.Column("channel", sa.String(length=10), nullable=False),
        sa.Column("sequence", sa.Integer(), nullable=False),
        sa.Column("milestones", sa.String(length=600), nullable=False),
        sa.Column("holds", sa.Boolean(), nullable=False),
        sa.Column("closes", sa.Boolean(), nullable=False),
        sa.Column("content_sealed", sa.LargeBinary(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("state", sa.String(length=12), nullable=False),
        sa.Column("message_key", sa.String(length=120), nullable=True),
        sa.Column("claimed_until", sa.DateTime(timezone=True), nullable=True),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("next_attempt_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("provider_ref", sa.String(length=200), nullable=True),
        sa.Column("settled_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("idempotency_key"),
    )
    with op.batch_alter_table("notice_outbox", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_notice_outbox_declaration_id"), ["declaration_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_notice_outbox_message_key"), ["message_key"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_notice_outbox_next_attempt_at"), ["next_attempt_at"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_notice_outbox_state"), ["state"], unique=False)

    op.create_table(
        "notice_recipients",
        sa.Column("recipient_ref", sa.String(length=100), nullable=False),
        sa.Column("last_decided_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("recipient_ref"),
    )
    with op.batch_alter_table("sent_notices", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_sent_notices_declaration_id"))

    op.drop_table("sent_notices")
    with op.batch_alter_table("declarations", schema=None) as batch_op:
        batch_op.add_column(sa.Column("started_run_id", sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column("attested_by_key", sa.String(length=60), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("declarations", schema=None) as batch_op:
        batch_op.drop_column("attested_by_key")
        batch_op.drop_column("started_run_id")

    op.create_table(
        "sent_notices",
        sa.Column("idempotency_key", sa.String(length=200), nullable=False),
        sa.Column("declaration_id", sa.String(length=40), nullable=False),
        sa.Column("channel", sa.String(length=10), nullable=False),
        sa.Column("milestone", sa.String(length=120), nullable=False),
        sa.Column("provider_ref", sa.String(length=200), nullable=False),
        sa.Column("sent_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("idempotency_key"),
    )
    with op.batch_alter_table("sent_notices", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_sent_notices_declaration_id"), ["declaration_id"], unique=False
        )

    op.drop_table("notice_recipients")
    with op.batch_alter_table("notice_outbox", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_notice_outbox_state"))
        batch_op.drop_index(batch_op.f("ix_notice_outbox_next_attempt_at"))
        batch_op.drop_index(batch_op.f("ix_notice_outbox_message_key"))
        batch_op.drop_index(batch_op.f("ix_notice_outbox_declaration_id"))

    op.drop_table("notice_outbox")
    with op.batch_alter_table("notice_admissions", schema=None) as batch_op:
        batch_op.drop_index("ix_notice_admissions_recipient_time")
        batch_op.drop_index(batch_op.f("ix_notice_admissions_declaration_id"))

    op.drop_table("notice_admissions")
    op.drop_table("declared_events")
