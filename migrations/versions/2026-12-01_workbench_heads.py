"""Join the two heads of this branch's history (documents, region register) into one; no schema change.

When the heads are re-chained into one line this file is no longer needed.

Revision ID: workbench_heads
Revises: documents, regions
Create Date: 2026-12-01
"""

from __future__ import annotations

revision = "workbench_heads"
down_revision = ("documents", "regions")
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
