"""Indexes for the overdue queries at a million cases.

- ``ix_cases_status_region_due_on_id``: a region's active cases past a date, counted and paged
  from the index alone (region scopes are ranges, ``region >= '220101' AND region < '220102'``,
  which a plain btree serves under any collation, where ``LIKE '220101%'`` needs the C collation).
- ``ix_cases_status_due_on_id``: the same for the whole province: the overdue cases' ids come from
  the index (no table reads), then only the page's 20 rows are read. It makes the initial
  ``ix_cases_status_due_on`` redundant, which is dropped.

Revision ID: overdue_indexes
Revises: dynamic_management
Create Date: 2026-11-22
"""

from __future__ import annotations

from alembic import op

revision = "overdue_indexes"
down_revision = "dynamic_management"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("ix_cases_status_region_due_on_id", "cases", ["status", "region", "due_on", "id"])
    op.create_index("ix_cases_status_due_on_id", "cases", ["status", "due_on", "id"])
    op.drop_index("ix_cases_status_due_on", "cases")


def downgrade() -> None:
    op.create_index("ix_cases_status_due_on", "cases", ["status", "due_on"])
    op.drop_index("ix_cases_status_due_on_id", "cases")
    op.drop_index("ix_cases_status_region_due_on_id", "cases")
