"""An index for a county's tasks past their stage deadline.

``ix_tasks_status_region_due_on``: the supervision list's late tasks of one region (a range on
``region``) without reading every open task of the province; the tasks table keeps every
completed task too, so it grows with the caseload.

Revision ID: late_task_index
Revises: overdue_indexes
Create Date: 2026-11-22
"""

from __future__ import annotations

from alembic import op

revision = "late_task_index"
down_revision = "overdue_indexes"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("ix_tasks_status_region_due_on", "tasks", ["status", "region", "due_on"])


def downgrade() -> None:
    op.drop_index("ix_tasks_status_region_due_on", "tasks")
