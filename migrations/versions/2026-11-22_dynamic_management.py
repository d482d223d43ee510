"""Dynamic management and supervision: beneficiaries, spot-check draws, case purpose and subject, near-relative detail.

Revision ID: dynamic_management
Revises: audit_append_only
Create Date: 2026-11-22
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "dynamic_management"
down_revision = "audit_append_only"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("cases", schema=None) as batch_op:
        batch_op.add_column(sa.Column("purpose", sa.String(length=12), server_default="application", nullable=False))
        batch_op.add_column(sa.Column("subject_case_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("near_relative_detail", sa.JSON(), nullable=True))
        batch_op.create_index(batch_op.f("ix_cases_near_relative_of_staff"), ["near_relative_of_staff"], unique=False)
        batch_op.create_index("ix_cases_purpose_status_closed_at", ["purpose", "status", "closed_at"], unique=False)
        batch_op.create_index(batch_op.f("ix_cases_subject_case_id"), ["subject_case_id"], unique=False)
        batch_op.create_foreign_key(batch_op.f("fk_cases_subject_case_id_cases"), "cases", ["subject_case_id"], ["id"])

    op.create_table(
        "beneficiaries",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("number", sa.String(length=32), nullable=False),
        sa.Column("kind", sa.String(length=8), nullable=False),
        sa.Column("region", sa.String(length=12), nullable=False),
        sa.Column("hukou", sa.String(length=8), nullable=False),
        sa.Column("applicant_name", sa.String(length=60), nullable=False),
        sa.Column("applicant_id_number", sa.String(length=18), nullable=False),
        sa.Column("household_size", sa.Integer(), nullable=False),
        sa.Column("recheck_class", sa.String(length=1), nullable=False),
        sa.Column("amount", sa.Numeric(precision=12, scale=2, asdecimal=False), nullable=False),
        sa.Column("support_mode", sa.String(length=12), nullable=True),
        sa.Column("self_care", sa.String(length=8), nullable=True),
        sa.Column("status", sa.String(length=8), nullable=False),
        sa.Column("since", sa.Date(), nullable=False),
        sa.Column("next_recheck_on", sa.Date(), nullable=True),
        sa.Column("last_recheck_on", sa.Date(), nullable=True),
        sa.Column("recheck_case_id", sa.Integer(), nullable=True),
        sa.Column("rechecks", sa.Integer(), nullable=False),
        sa.Column("stopped_on", sa.Date(), nullable=True),
        sa.Column("stop_reason", sa.Text(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["case_id"], ["cases.id"], name=op.f("fk_beneficiaries_case_id_cases")),
        sa.ForeignKeyConstraint(["recheck_case_id"], ["cases.id"], name=op.f("fk_beneficiaries_recheck_case_id_cases")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_beneficiaries")),
        sa.UniqueConstraint("case_id", name=op.f("uq_beneficiaries_case_id")),
    )
    with op.batch_alter_table("beneficiaries", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_beneficiaries_applicant_id_number"), ["applicant_id_number"], unique=False)
        batch_op.create_index(batch_op.f("ix_beneficiaries_region"), ["region"], unique=False)
        batch_op.create_index("ix_beneficiaries_status_next_recheck_on", ["status", "next_recheck_on"], unique=False)

    op.create_table(
        "spot_check_months",
        sa.Column("month", sa.String(length=7), nullable=False),
        sa.Column("drawn_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("draws", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("month", name=op.f("pk_spot_check_months")),
    )
    op.create_table(
        "spot_check_draws",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("month", sa.String(length=7), nullable=False),
        sa.Column("county", sa.String(length=6), nullable=False),
        sa.Column("kind", sa.String(length=8), nullable=False),
        sa.Column("rule_pack", sa.String(length=60), nullable=False),
        sa.Column("ratio", sa.Float(), nullable=False),
        sa.Column("population", sa.JSON(), nullable=False),
        sa.Column("sample", sa.JSON(), nullable=False),
        sa.Column("method", sa.String(length=200), nullable=False),
        sa.Column("drawn_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_spot_check_draws")),
        sa.UniqueConstraint("month", "county", "kind", name=op.f("uq_spot_check_draws_month_county_kind")),
    )
    with op.batch_alter_table("spot_check_draws", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_spot_check_draws_month"), ["month"], unique=False)


def downgrade() -> None:
    op.drop_table("spot_check_draws")
    op.drop_table("spot_check_months")
    op.drop_table("beneficiaries")
    with op.batch_alter_table("cases", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("fk_cases_subject_case_id_cases"), type_="foreignkey")
        batch_op.drop_index(batch_op.f("ix_cases_subject_case_id"))
        batch_op.drop_index("ix_cases_purpose_status_closed_at")
        batch_op.drop_index(batch_op.f("ix_cases_near_relative_of_staff"))
        batch_op.drop_column("near_relative_detail")
        batch_op.drop_column("subject_case_id")
        batch_op.drop_column("purpose")
