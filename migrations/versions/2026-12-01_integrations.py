"""Talking to other systems: external tasks, messages received, webhook subscriptions and the outbox.

``users.topics``: what a ``service`` user (an integration) may fetch and send. ``external_tasks``:
service and send tasks waiting for a worker, with the worker's lock. ``received_messages``: each
message id once. ``webhook_subscriptions`` and ``outbox``: events for subscribers, written in the
transaction of the audit event they carry.

Revision ID: integrations
Revises: payroll_keys
Create Date: 2026-12-01
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "integrations"
down_revision = "payroll_keys"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("users") as batch:
        batch.add_column(sa.Column("topics", sa.JSON(none_as_null=True), nullable=True))
    op.create_table(
        "external_tasks",
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column("case_id", sa.Integer, sa.ForeignKey("cases.id", ondelete="CASCADE", name="fk_external_tasks_case_id_cases"),
                  nullable=False),
        sa.Column("element_id", sa.String(100), nullable=False),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("topic", sa.String(100), nullable=False),
        sa.Column("region", sa.String(12), nullable=False),
        sa.Column("status", sa.String(12), nullable=False),
        sa.Column("variables", sa.JSON, nullable=False),
        sa.Column("worker_id", sa.String(100), nullable=True),
        sa.Column("lock_expires_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("retries", sa.Integer, nullable=True),
        sa.Column("retry_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("failures", sa.Integer, nullable=False),
        sa.Column("error", sa.Text, nullable=True),
        sa.Column("result", sa.JSON(none_as_null=True), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("completed_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_external_tasks"),
    )
    op.create_index("ix_external_tasks_case_id", "external_tasks", ["case_id"])
    op.create_index("ix_external_tasks_status_topic_created_at", "external_tasks", ["status", "topic", "created_at"])
    op.create_table(
        "received_messages",
        sa.Column("message_id", sa.String(100), nullable=False),
        sa.Column("name", sa.String(100), nullable=False),
        sa.Column("case_id", sa.Integer, nullable=False),
        sa.Column("sender", sa.String(100), nullable=False),
        sa.Column("variables", sa.JSON, nullable=False),
        sa.Column("received_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("message_id", name="pk_received_messages"),
    )
    op.create_index("ix_received_messages_case_id", "received_messages", ["case_id"])
    op.create_table(
        "webhook_subscriptions",
        sa.Column("id", sa.Integer, nullable=False),
        sa.Column("name", sa.String(100), nullable=False),
        sa.Column("url", sa.String(500), nullable=False),
        sa.Column("secret", sa.String(200), nullable=False),
        sa.Column("types", sa.JSON, nullable=False),
        sa.Column("region", sa.String(12), nullable=False),
        sa.Column("active", sa.Boolean, nullable=False),
        sa.Column("failures", sa.Integer, nullable=False),
        sa.Column("paused_until", sa.DateTime(timezone=True), nullable=True),
        sa.Column("last_error", sa.Text, nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_webhook_subscriptions"),
        sa.UniqueConstraint("name", name="uq_webhook_subscriptions_name"),
    )
    op.create_table(
        "outbox",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer, "sqlite"), autoincrement=True, nullable=False),
        sa.Column("subscription_id", sa.Integer, sa.ForeignKey("webhook_subscriptions.id", ondelete="CASCADE",
                                                               name="fk_outbox_subscription_id_webhook_subscriptions"),
                  nullable=False),
        sa.Column("event_id", sa.String(80), nullable=False),
        sa.Column("case_id", sa.Integer, nullable=True),
        sa.Column("body", sa.JSON, nullable=False),
        sa.Column("delivered", sa.Boolean, nullable=False),
        sa.Column("attempts", sa.Integer, nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("delivered_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_outbox"),
    )
    op.create_index("ix_outbox_subscription_id_delivered_id", "outbox", ["subscription_id", "delivered", "id"])


def downgrade() -> None:
    op.drop_index("ix_outbox_subscription_id_delivered_id", "outbox")
    op.drop_table("outbox")
    op.drop_table("webhook_subscriptions")
    op.drop_index("ix_received_messages_case_id", "received_messages")
    op.drop_table("received_messages")
    op.drop_index("ix_external_tasks_status_topic_created_at", "external_tasks")
    op.drop_index("ix_external_tasks_case_id", "external_tasks")
    op.drop_table("external_tasks")
    with op.batch_alter_table("users") as batch:
        batch.drop_column("topics")
