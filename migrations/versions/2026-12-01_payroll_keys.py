"""One draft roster per county, month and kind, and one issued regular roster per county and month.

``payrolls.lock_key`` is unique (NULLs apart): a draft holds ``draft:<county>:<month>:<kind>``, an
issued regular roster ``issued:<county>:<month>``, so two requests at the same instant cannot both
make a draft or both issue the month; the second fails and answers 409.

Revision ID: payroll_keys
Revises: audit_mac
Create Date: 2026-12-01
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "payroll_keys"
down_revision = "audit_mac"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("payrolls", schema=None) as batch_op:
        batch_op.add_column(sa.Column("lock_key", sa.String(length=40), nullable=True))
        batch_op.create_unique_constraint(batch_op.f("uq_payrolls_lock_key"), ["lock_key"])
    op.execute("UPDATE payrolls SET lock_key = 'issued:' || county || ':' || month "
               "WHERE status = 'issued' AND kind = 'regular'")


def downgrade() -> None:
    with op.batch_alter_table("payrolls", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("uq_payrolls_lock_key"), type_="unique")
        batch_op.drop_column("lock_key")
