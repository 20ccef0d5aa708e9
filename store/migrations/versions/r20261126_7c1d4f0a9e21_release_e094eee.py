"""The store as release e094eee made it, with `create_all`, before it had migrations.

Revision ID: 7c1d4f0a9e21
Revises:
Create Date: 2026-11-26 13:42:11
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "7c1d4f0a9e21"
down_revision: str | Sequence[str] | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "agency_verify_keys",
        sa.Column("agency", sa.String(length=20), nullable=False),
        sa.Column("key_id", sa.String(length=60), nullable=False),
        sa.Column("public_key", sa.String(length=60), nullable=False),
        sa.Column("added_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("added_by", sa.String(length=120), nullable=False),
        sa.Column("revoked_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("revoked_by", sa.String(length=120), nullable=True),
        sa.PrimaryKeyConstraint("agency", "key_id"),
    )
    op.create_table(
        "attachment_uses",
        sa.Column("declaration_id", sa.String(length=40), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.PrimaryKeyConstraint("declaration_id", "sha256"),
    )
    with op.batch_alter_table("attachment_uses", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_attachment_uses_sha256"), ["sha256"], unique=False)

    op.create_table(
        "attachments",
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("media_type", sa.String(length=60), nullable=False),
        sa.Column("size_bytes", sa.Integer(), nullable=False),
        sa.Column("content", sa.LargeBinary(), nullable=False),
        sa.Column("stored_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("sha256"),
    )
    with op.batch_alter_table("attachments", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_attachments_stored_at"), ["stored_at"], unique=False)

    op.create_table(
        "audit_trail",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("actor", sa.String(length=120), nullable=False),
        sa.Column("action", sa.String(length=40), nullable=False),
        sa.Column("declaration_id", sa.String(length=40), nullable=True),
        sa.Column("outcome", sa.String(length=20), nullable=False),
        sa.Column("detail", sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("audit_trail", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_audit_trail_at"), ["at"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_audit_trail_declaration_id"), ["declaration_id"], unique=False
        )

    op.create_table(
        "declarations",
        sa.Column("declaration_id", sa.String(length=40), nullable=False),
        sa.Column("procedure", sa.String(length=10), nullable=False),
        sa.Column("status", sa.String(length=24), nullable=False),
        sa.Column("workflow_id", sa.String(length=80), nullable=False),
        sa.Column("client_id", sa.String(length=80), nullable=False),
        sa.Column("declarant_ref", sa.String(length=100), nullable=False),
        sa.Column("idempotency_key", sa.String(length=200), nullable=True),
        sa.Column("request_fingerprint", sa.String(length=64), nullable=False),
        sa.Column("received_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("deadline", sa.DateTime(timezone=True), nullable=True),
        sa.Column("province_code", sa.String(length=2), nullable=True),
        sa.Column("commune_code", sa.String(length=5), nullable=True),
        sa.Column("workflow_started", sa.Boolean(), nullable=False),
        sa.Column("status_sealed", sa.LargeBinary(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("closed_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("declaration_id"),
        sa.UniqueConstraint("client_id", "idempotency_key"),
    )
    with op.batch_alter_table("declarations", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_declarations_declarant_ref"), ["declarant_ref"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_declarations_procedure"), ["procedure"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_declarations_province_code"), ["province_code"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_declarations_status"), ["status"], unique=False)

    op.create_table(
        "escalations",
        sa.Column("declaration_id", sa.String(length=40), nullable=False),
        sa.Column("scope", sa.String(length=40), nullable=False),
        sa.Column("agency", sa.String(length=20), nullable=True),
        sa.Column("case_number", sa.String(length=60), nullable=True),
        sa.Column("deadline", sa.DateTime(timezone=True), nullable=False),
        sa.Column("escalated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("declaration_id", "scope"),
    )
    op.create_table(
        "held_decisions",
        sa.Column("declaration_id", sa.String(length=40), nullable=False),
        sa.Column("procedure", sa.String(length=30), nullable=False),
        sa.Column("agency", sa.String(length=20), nullable=False),
        sa.Column("case_number", sa.String(length=60), nullable=False),
        sa.Column("key_id", sa.String(length=60), nullable=True),
        sa.Column("problem", sa.String(length=30), nullable=False),
        sa.Column("held_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("released_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("declaration_id", "procedure"),
    )
    op.create_table(
        "issued_documents",
        sa.Column("declaration_id", sa.String(length=40), nullable=False),
        sa.Column("document_id", sa.String(length=64), nullable=False),
        sa.Column("kind", sa.String(length=30), nullable=False),
        sa.Column("issuer", sa.String(length=20), nullable=False),
        sa.Column("procedure", sa.String(length=30), nullable=False),
        sa.Column("issued_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("declaration_id", "document_id"),
    )
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

    op.create_table(
        "step_events",
        sa.Column("declaration_id", sa.String(length=40), nullable=False),
        sa.Column("sequence", sa.Integer(), nullable=False),
        sa.Column("agency", sa.String(length=20), nullable=True),
        sa.Column("procedure", sa.String(length=30), nullable=True),
        sa.Column("status", sa.String(length=40), nullable=False),
        sa.Column("reason_sealed", sa.LargeBinary(), nullable=True),
        sa.Column("case_number", sa.String(length=60), nullable=True),
        sa.Column("occurred_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("declaration_id", "sequence"),
    )
    op.create_table(
        "step_results",
        sa.Column("declaration_id", sa.String(length=40), nullable=False),
        sa.Column("procedure", sa.String(length=30), nullable=False),
        sa.Column("agency", sa.String(length=20), nullable=False),
        sa.Column("result_sealed", sa.LargeBinary(), nullable=False),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("declaration_id", "procedure"),
    )


def downgrade() -> None:
    op.drop_table("step_results")
    op.drop_table("step_events")
    with op.batch_alter_table("sent_notices", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_sent_notices_declaration_id"))

    op.drop_table("sent_notices")
    op.drop_table("issued_documents")
    op.drop_table("held_decisions")
    op.drop_table("escalations")
    with op.batch_alter_table("declarations", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_declarations_status"))
        batch_op.drop_index(batch_op.f("ix_declarations_province_code"))
        batch_op.drop_index(batch_op.f("ix_declarations_procedure"))
        batch_op.drop_index(batch_op.f("ix_declarations_declarant_ref"))

    op.drop_table("declarations")
    with op.batch_alter_table("audit_trail", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_audit_trail_declaration_id"))
        batch_op.drop_index(batch_op.f("ix_audit_trail_at"))

    op.drop_table("audit_trail")
    with op.batch_alter_table("attachments", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_attachments_stored_at"))

    op.drop_table("attachments")
    with op.batch_alter_table("attachment_uses", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_attachment_uses_sha256"))

    op.drop_table("attachment_uses")
    op.drop_table("agency_verify_keys")
