"""Cases record the version of their rule pack.

The rule packs were rebuilt (version 2: each pack holds only its own place's numbers, and the
default is ``national-2021``). A case keeps the pack it started with: the cases already in the
database started under version 1 of their pack, which stays readable under
``processes/rules/superseded/``, so they get ``rule_pack_version = 1``; new cases record the
version in force when they are created.

Revision ID: rule_pack_versions
Revises: public_scrutiny
Create Date: 2026-12-01
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "rule_pack_versions"
down_revision = "public_scrutiny"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("cases") as batch:
        batch.add_column(sa.Column("rule_pack_version", sa.Integer(), nullable=False, server_default="1"))


def downgrade() -> None:
    with op.batch_alter_table("cases") as batch:
        batch.drop_column("rule_pack_version")
