"""lesson drafts: a topic's lesson edited in the browser, submitted and approved by an admin

Revision ID: c3e8a1f25b70
Revises: c3d4e5f60718
Create Date: 2026-12-01 00:40:00

Only a new table: nothing existing is altered (SQLite's batch mode would rebuild referenced tables).
"""

from alembic import op
import sqlalchemy as sa

from quizapp.models.base import UTCDateTime


revision = 'c3e8a1f25b70'
down_revision = 'c3d4e5f60718'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'lesson_draft',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('topic_id', sa.Integer(), nullable=False),
        sa.Column('author_id', sa.Integer(), nullable=False),
        sa.Column('markdown', sa.Text(), nullable=False),
        sa.Column('note', sa.Text(), server_default='', nullable=False),
        sa.Column('state', sa.String(length=20), nullable=False),
        sa.Column('created_at', UTCDateTime(timezone=True), nullable=False),
        sa.Column('updated_at', UTCDateTime(timezone=True), nullable=False),
        sa.Column('submitted_at', UTCDateTime(timezone=True), nullable=True),
        sa.Column('reviewed_by_id', sa.Integer(), nullable=True),
        sa.Column('reviewed_at', UTCDateTime(timezone=True), nullable=True),
        sa.Column('review_comment', sa.Text(), server_default='', nullable=False),
        sa.ForeignKeyConstraint(['author_id'], ['user.id'], name=op.f('fk_lesson_draft_author_id_user')),
        sa.ForeignKeyConstraint(['reviewed_by_id'], ['user.id'], name=op.f('fk_lesson_draft_reviewed_by_id_user')),
        sa.ForeignKeyConstraint(['topic_id'], ['topic.id'], name=op.f('fk_lesson_draft_topic_id_topic')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_lesson_draft')),
    )
    with op.batch_alter_table('lesson_draft', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_lesson_draft_state'), ['state'], unique=False)
        batch_op.create_index(batch_op.f('ix_lesson_draft_topic_id'), ['topic_id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('lesson_draft', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_lesson_draft_topic_id'))
        batch_op.drop_index(batch_op.f('ix_lesson_draft_state'))
    op.drop_table('lesson_draft')
