"""Public reports become the county's cases, with what the county reads in their facts.

A report's case used to carry the region the reporter named (often a village), so the village or
township the report was about could read it, with the reporter's contact. Each report case moves to
its county (``region[:6] + "000000"``) and the report (place, subject, text, contact) goes into its
facts; the place stays on the ``public_reports`` row.

Revision ID: report_cases_county
Revises: definition_notes
Create Date: 2026-12-01
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "report_cases_county"
down_revision = "definition_notes"
branch_labels = None
depends_on = None

cases = sa.table("cases", sa.column("id", sa.Integer), sa.column("purpose", sa.String), sa.column("region", sa.String),
                 sa.column("application", sa.JSON), sa.column("facts", sa.JSON))


def upgrade() -> None:
    bind = op.get_bind()
    rows = bind.execute(sa.select(cases.c.id, cases.c.region, cases.c.application, cases.c.facts)
                        .where(cases.c.purpose == "report")).all()
    for case_id, region, application, facts in rows:
        application = application or {}
        report = {"place": application.get("place", region), "subject": application.get("subject", ""),
                  "text": application.get("text", ""), "contact": application.get("contact")}
        bind.execute(cases.update().where(cases.c.id == case_id).values(
            region=region[:6] + "000000", facts={**(facts or {}), "report": report},
            application={**application, "place": report["place"]}))


def downgrade() -> None:
    """The counties keep the cases: which village a report named is still on its public_reports row."""
