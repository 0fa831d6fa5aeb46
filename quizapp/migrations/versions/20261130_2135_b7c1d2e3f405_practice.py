"""practice: Leitner cards, practice sets and items, practice size per topic

Revision ID: b7c1d2e3f405
Revises: f08a6d0b70fb
Create Date: 2026-11-30 21:35:00
"""

from alembic import op
import sqlalchemy as sa

from quizapp.models.base import UTCDateTime


revision = 'b7c1d2e3f405'
down_revision = 'f08a6d0b70fb'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('topic', schema=None) as batch_op:
        batch_op.add_column(sa.Column('practice_questions', sa.Integer(), server_default='10', nullable=False))
    op.create_table('practice_card',
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('question_id', sa.Integer(), nullable=False),
    sa.Column('box', sa.Integer(), nullable=False),
    sa.Column('streak', sa.Integer(), nullable=False),
    sa.Column('times', sa.Integer(), nullable=False),
    sa.Column('last_correct', sa.Boolean(), nullable=False),
    sa.Column('last_at', UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['question_id'], ['question.id'], name=op.f('fk_practice_card_question_id_question')),
    sa.ForeignKeyConstraint(['user_id'], ['user.id'], name=op.f('fk_practice_card_user_id_user'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('user_id', 'question_id', name=op.f('pk_practice_card'))
    )
    op.create_table('practice_set',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('topic_id', sa.Integer(), nullable=False),
    sa.Column('started_at', UTCDateTime(timezone=True), nullable=False),
    sa.Column('finished_at', UTCDateTime(timezone=True), nullable=True),
    sa.Column('keys_shown', sa.Boolean(), nullable=False),
    sa.ForeignKeyConstraint(['topic_id'], ['topic.id'], name=op.f('fk_practice_set_topic_id_topic')),
    sa.ForeignKeyConstraint(['user_id'], ['user.id'], name=op.f('fk_practice_set_user_id_user'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_practice_set'))
    )
    op.create_index('ix_practice_set_user_topic', 'practice_set', ['user_id', 'topic_id'], unique=False)
    op.create_table('practice_item',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('set_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('question_version_id', sa.Integer(), nullable=False),
    sa.Column('option_order', sa.JSON(), nullable=False),
    sa.Column('selected', sa.JSON(), nullable=True),
    sa.Column('is_correct', sa.Boolean(), nullable=True),
    sa.Column('answered_at', UTCDateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['question_version_id'], ['question_version.id'], name=op.f('fk_practice_item_question_version_id_question_version')),
    sa.ForeignKeyConstraint(['set_id'], ['practice_set.id'], name=op.f('fk_practice_item_set_id_practice_set'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_practice_item')),
    sa.UniqueConstraint('set_id', 'position', name=op.f('uq_practice_item_set_id_position'))
    )
    op.create_index(op.f('ix_practice_item_set_id'), 'practice_item', ['set_id'], unique=False)


def downgrade() -> None:
    op.drop_index(op.f('ix_practice_item_set_id'), table_name='practice_item')
    op.drop_table('practice_item')
    op.drop_index('ix_practice_set_user_topic', table_name='practice_set')
    op.drop_table('practice_set')
    op.drop_table('practice_card')
    # Plain DROP COLUMN (SQLite 3.35+): a batch copy of `topic` fails while foreign keys are enforced.
    op.drop_column('topic', 'practice_questions')
