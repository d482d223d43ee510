"""Dynamic management between rechecks, and public scrutiny: public reports, full-review batches, periodic reports.

``public_reports``: a report's receipt and its triage case, with the hashed client for the rate limit.
``review_months`` / ``review_batches``: one 全面复核 batch per township and month, each a case.
``periodic_reports`` and ``beneficiaries.last_report_on``: the households' 定期报告.

Revision ID: public_scrutiny
Revises: payments
Create Date: 2026-12-01
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "public_scrutiny"
down_revision = "payments"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "public_reports",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("receipt", sa.String(length=24), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("region", sa.String(length=12), nullable=False),
        sa.Column("client", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["case_id"], ["cases.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("receipt"),
        sa.UniqueConstraint("case_id"),
    )
    op.create_index("ix_public_reports_client_created_at", "public_reports", ["client", "created_at"])
    op.create_index("ix_public_reports_region", "public_reports", ["region"])
    op.create_table(
        "review_months",
        sa.Column("month", sa.String(length=7), nullable=False),
        sa.Column("opened_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("batches", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("month"),
    )
    op.create_table(
        "review_batches",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("month", sa.String(length=7), nullable=False),
        sa.Column("township", sa.String(length=9), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("decisions", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(["case_id"], ["cases.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("month", "township"),
        sa.UniqueConstraint("case_id"),
    )
    op.create_table(
        "periodic_reports",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("beneficiary_id", sa.Integer(), nullable=False),
        sa.Column("reported_on", sa.Date(), nullable=False),
        sa.Column("changed", sa.Boolean(), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("recorded_by", sa.String(length=60), nullable=False),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("recheck_case_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(["beneficiary_id"], ["beneficiaries.id"]),
        sa.ForeignKeyConstraint(["recheck_case_id"], ["cases.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_periodic_reports_beneficiary_id", "periodic_reports", ["beneficiary_id"])
    with op.batch_alter_table("beneficiaries") as batch_op:
        batch_op.add_column(sa.Column("last_report_on", sa.Date(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("beneficiaries") as batch_op:
        batch_op.drop_column("last_report_on")
    op.drop_index("ix_periodic_reports_beneficiary_id", "periodic_reports")
    op.drop_table("periodic_reports")
    op.drop_table("review_batches")
    op.drop_table("review_months")
    op.drop_index("ix_public_reports_region", "public_reports")
    op.drop_index("ix_public_reports_client_created_at", "public_reports")
    op.drop_table("public_reports")
