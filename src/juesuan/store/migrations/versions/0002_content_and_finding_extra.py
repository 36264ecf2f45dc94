"""document_content (narrative blocks, self-evaluation tables) and findings.extra

document_content keeps what a re-check from the database (Store.recheck) needs besides the facts:
the narrative blocks and the 绩效自评表 objects, apart from `documents` so that it stays small.
findings.extra holds Finding fields that have no column of their own (e.g. the narrative sentence).

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-22
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "document_content",
        sa.Column("document_id", sa.Integer(), nullable=False),
        sa.Column("text_blocks", sa.JSON(), nullable=True),
        sa.Column("perf", sa.JSON(), nullable=True),
        sa.ForeignKeyConstraint(
            ["document_id"], ["documents.id"],
            name=op.f("fk_document_content_document_id_documents"), ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("document_id", name=op.f("pk_document_content")),
    )
    with op.batch_alter_table("findings") as batch:
        batch.add_column(sa.Column("extra", sa.JSON(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("findings") as batch:
        batch.drop_column("extra")
    op.drop_table("document_content")
