"""Each audit event may carry a MAC of its hash under a key kept outside the database.

Revision ID: audit_mac
Revises: rule_pack_versions
Create Date: 2026-12-01
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "audit_mac"
down_revision = "rule_pack_versions"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # a plain ADD/DROP COLUMN (SQLite has both): a batch copy of the table would lose its append-only triggers
    op.add_column("audit_events", sa.Column("mac", sa.String(length=64), nullable=True))


def downgrade() -> None:
    op.drop_column("audit_events", "mac")
