"""lesson hash: the lesson as last imported from lesson.md, so an import keeps a lesson approved in the browser

Revision ID: d4f7a2b9c1e3
Revises: c3e8a1f25b70
Create Date: 2026-12-01 13:10:00

A nullable column: SQLite adds it in place. Existing topics have none until the next import, which
publishes lesson.md once more (as every import did before) and records its hash.
"""

from alembic import op
import sqlalchemy as sa


revision = 'd4f7a2b9c1e3'
down_revision = 'c3e8a1f25b70'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column('topic', sa.Column('lesson_hash', sa.String(length=64), nullable=True))


def downgrade() -> None:
    # In place (SQLite 3.35+ drops a column itself): batch mode would rebuild `topic`, which other
    # tables reference.
    op.drop_column('topic', 'lesson_hash')
