"""PostgreSQL tells the timer workers when a timer row is written or the test clock moves.

A statement-level trigger on ``timers`` (insert, or an update of ``due_at``/``failed_at``) and on
``app_state`` (an update of ``fake_now``) sends ``NOTIFY "jiuzhu_timers:<schema>"`` at commit; a
worker blocked in its wait (``service/timers/wakeup.py``) wakes and sweeps at once. Identical
notifications of one transaction are folded into one by PostgreSQL, so a bulk insert costs one.
SQLite has no notifications: its workers keep polling.

Revision ID: timer_notify
Revises: regions
Create Date: 2026-12-01
"""

from __future__ import annotations

from alembic import op

revision = "timer_notify"
down_revision = "regions"
branch_labels = None
depends_on = None

FUNCTION = """
CREATE OR REPLACE FUNCTION jiuzhu_timers_notify() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_notify('jiuzhu_timers:' || TG_TABLE_SCHEMA, TG_TABLE_NAME);
    RETURN NULL;
END
$$
"""


def upgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute(FUNCTION)
    op.execute("CREATE TRIGGER timers_notify AFTER INSERT OR UPDATE OF due_at, failed_at ON timers "
               "FOR EACH STATEMENT EXECUTE FUNCTION jiuzhu_timers_notify()")
    op.execute("CREATE TRIGGER app_state_notify AFTER UPDATE OF fake_now ON app_state "
               "FOR EACH STATEMENT EXECUTE FUNCTION jiuzhu_timers_notify()")


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute("DROP TRIGGER IF EXISTS app_state_notify ON app_state")
    op.execute("DROP TRIGGER IF EXISTS timers_notify ON timers")
    op.execute("DROP FUNCTION IF EXISTS jiuzhu_timers_notify()")
