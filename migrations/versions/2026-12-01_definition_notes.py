"""A deployed version keeps its change note and whether only its layout changed.

Revision ID: definition_notes
Revises: integrations
Create Date: 2026-12-01
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "definition_notes"
down_revision = "integrations"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("definitions") as batch:
        batch.add_column(sa.Column("note", sa.Text(), nullable=True))
        batch.add_column(sa.Column("layout_only", sa.Boolean(), nullable=False, server_default=sa.false()))


def downgrade() -> None:
    with op.batch_alter_table("definitions") as batch:
        batch.drop_column("layout_only")
        batch.drop_column("note")
