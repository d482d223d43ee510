"""The money: income accounts, the death register, payment rosters with their holds, overpayments.

Beneficiaries gain what payment needs: a suspension (deceased), the date of death, 渐退 (taper
months and their first month) and the payee's bank and account; their status widens for
``tapering`` and ``near_dibao``.

Revision ID: payments
Revises: late_task_index
Create Date: 2026-12-01
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "payments"
down_revision = "late_task_index"
branch_labels = None
depends_on = None

MONEY = sa.Numeric(precision=12, scale=2, asdecimal=False)
NOW = sa.DateTime(timezone=True)


def _person_columns() -> list[sa.Column[object]]:
    return [
        sa.Column("case_number", sa.String(length=32), nullable=False),
        sa.Column("name", sa.String(length=60), nullable=False),
        sa.Column("id_number", sa.String(length=18), nullable=False),
        sa.Column("township", sa.String(length=9), nullable=False),
        sa.Column("village", sa.String(length=12), nullable=False),
        sa.Column("kind", sa.String(length=8), nullable=False),
    ]


def upgrade() -> None:
    with op.batch_alter_table("beneficiaries", schema=None) as batch_op:
        batch_op.alter_column("status", existing_type=sa.String(length=8), type_=sa.String(length=12), existing_nullable=False)
        batch_op.add_column(sa.Column("suspended", sa.String(length=12), nullable=True))
        batch_op.add_column(sa.Column("died_on", sa.Date(), nullable=True))
        batch_op.add_column(sa.Column("taper_months", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("taper_from", sa.Date(), nullable=True))
        batch_op.add_column(sa.Column("bank", sa.String(length=60), nullable=True))
        batch_op.add_column(sa.Column("account", sa.String(length=40), nullable=True))
    op.create_table(
        "income_accounts",
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("rule_pack", sa.String(length=60), nullable=False),
        sa.Column("household", sa.JSON(), nullable=False),
        sa.Column("result", sa.JSON(), nullable=False),
        sa.Column("recorded_at", NOW, nullable=False),
        sa.Column("recorded_by", sa.String(length=100), nullable=False),
        sa.ForeignKeyConstraint(["case_id"], ["cases.id"], name=op.f("fk_income_accounts_case_id_cases"), ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("case_id", name=op.f("pk_income_accounts")),
    )
    op.create_table(
        "death_records",
        sa.Column("id_number", sa.String(length=18), nullable=False),
        sa.Column("name", sa.String(length=60), nullable=False),
        sa.Column("died_on", sa.Date(), nullable=False),
        sa.Column("source", sa.String(length=100), nullable=False),
        sa.Column("imported_at", NOW, nullable=False),
        sa.PrimaryKeyConstraint("id_number", name=op.f("pk_death_records")),
    )
    op.create_table(
        "payrolls",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("county", sa.String(length=6), nullable=False),
        sa.Column("month", sa.String(length=7), nullable=False),
        sa.Column("kind", sa.String(length=14), nullable=False),
        sa.Column("status", sa.String(length=8), nullable=False),
        sa.Column("rule_pack", sa.String(length=60), nullable=False),
        sa.Column("months", sa.Integer(), nullable=False),
        sa.Column("pay_by", sa.Date(), nullable=False),
        sa.Column("row_count", sa.Integer(), nullable=False),
        sa.Column("held_count", sa.Integer(), nullable=False),
        sa.Column("total", MONEY, nullable=False),
        sa.Column("checksum", sa.String(length=64), nullable=True),
        sa.Column("late", sa.Boolean(), nullable=False),
        sa.Column("created_at", NOW, nullable=False),
        sa.Column("created_by", sa.String(length=100), nullable=False),
        sa.Column("issued_at", NOW, nullable=True),
        sa.Column("issued_by", sa.String(length=100), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_payrolls")),
    )
    op.create_index("ix_payrolls_county_month", "payrolls", ["county", "month"])
    op.create_table(
        "payroll_rows",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("payroll_id", sa.Integer(), nullable=False),
        sa.Column("beneficiary_id", sa.Integer(), nullable=True),
        sa.Column("case_id", sa.Integer(), nullable=False),
        *_person_columns(),
        sa.Column("monthly_amount", MONEY, nullable=False),
        sa.Column("months", sa.Integer(), nullable=False),
        sa.Column("amount", MONEY, nullable=False),
        sa.Column("change", sa.String(length=20), nullable=False),
        sa.Column("first_month", sa.Date(), nullable=False),
        sa.Column("bank", sa.String(length=60), nullable=True),
        sa.Column("account", sa.String(length=40), nullable=True),
        sa.ForeignKeyConstraint(["payroll_id"], ["payrolls.id"], name=op.f("fk_payroll_rows_payroll_id_payrolls"), ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_payroll_rows")),
    )
    op.create_index("ix_payroll_rows_payroll_id_township", "payroll_rows", ["payroll_id", "township"])
    op.create_index(op.f("ix_payroll_rows_beneficiary_id"), "payroll_rows", ["beneficiary_id"])
    op.create_index(op.f("ix_payroll_rows_case_id"), "payroll_rows", ["case_id"])
    op.create_table(
        "payroll_holds",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("payroll_id", sa.Integer(), nullable=False),
        sa.Column("beneficiary_id", sa.Integer(), nullable=True),
        sa.Column("case_id", sa.Integer(), nullable=False),
        *_person_columns(),
        sa.Column("amount", MONEY, nullable=False),
        sa.Column("reason", sa.String(length=12), nullable=False),
        sa.Column("detail", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(["payroll_id"], ["payrolls.id"], name=op.f("fk_payroll_holds_payroll_id_payrolls"), ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_payroll_holds")),
    )
    op.create_index(op.f("ix_payroll_holds_payroll_id"), "payroll_holds", ["payroll_id"])
    op.create_table(
        "overpayments",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("payroll_row_id", sa.Integer(), nullable=False),
        sa.Column("beneficiary_id", sa.Integer(), nullable=False),
        sa.Column("county", sa.String(length=6), nullable=False),
        sa.Column("case_number", sa.String(length=32), nullable=False),
        sa.Column("name", sa.String(length=60), nullable=False),
        sa.Column("stopped_on", sa.Date(), nullable=False),
        sa.Column("months", sa.Integer(), nullable=False),
        sa.Column("amount", MONEY, nullable=False),
        sa.Column("reason", sa.String(length=200), nullable=False),
        sa.Column("recorded_at", NOW, nullable=False),
        sa.ForeignKeyConstraint(["payroll_row_id"], ["payroll_rows.id"], name=op.f("fk_overpayments_payroll_row_id_payroll_rows")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_overpayments")),
        sa.UniqueConstraint("payroll_row_id", name=op.f("uq_overpayments_payroll_row_id")),
    )
    op.create_index(op.f("ix_overpayments_beneficiary_id"), "overpayments", ["beneficiary_id"])
    op.create_index(op.f("ix_overpayments_county"), "overpayments", ["county"])


def downgrade() -> None:
    for table in ("overpayments", "payroll_holds", "payroll_rows", "payrolls", "death_records", "income_accounts"):
        op.drop_table(table)
    with op.batch_alter_table("beneficiaries", schema=None) as batch_op:
        for column in ("account", "bank", "taper_from", "taper_months", "died_on", "suspended"):
            batch_op.drop_column(column)
        batch_op.alter_column("status", existing_type=sa.String(length=12), type_=sa.String(length=8), existing_nullable=False)
