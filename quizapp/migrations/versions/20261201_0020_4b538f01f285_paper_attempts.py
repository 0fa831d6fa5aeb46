"""paper attempts: the printed code of an attempt drawn for paper (mode "paper")

Revision ID: 4b538f01f285
Revises: 4a5a9ef8edad
Create Date: 2026-12-01 00:20:00

Plain ADD COLUMN and CREATE INDEX: batch mode would drop and rebuild "attempt", which
attempt_item, topic_result and others reference (SQLite refuses the DROP with foreign keys on).
The mode column already exists (f08a6d0b70fb); "paper" is a new value of it, no change needed.
"""

from alembic import op
import sqlalchemy as sa


revision = '4b538f01f285'
down_revision = '4a5a9ef8edad'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column('attempt', sa.Column('paper_code', sa.String(length=8), nullable=True))
    op.create_index('uq_attempt_paper_code', 'attempt', ['paper_code'], unique=True)


def downgrade() -> None:
    op.drop_index('uq_attempt_paper_code', table_name='attempt')
    op.drop_column('attempt', 'paper_code')
