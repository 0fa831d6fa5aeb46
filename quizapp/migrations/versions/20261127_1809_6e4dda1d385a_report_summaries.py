"""report summaries

Revision ID: 6e4dda1d385a
Revises: 99a88baf7675
Create Date: 2026-11-27 18:09:32.245316
"""

from alembic import op
import sqlalchemy as sa


revision = '6e4dda1d385a'
down_revision = '99a88baf7675'
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Reviewed after autogeneration. New tables only, so no batch copy is needed on SQLite. They
    # start empty: `flask --app quizapp init` (or `reports rebuild`) fills them from existing
    # attempts through quizapp.reports.summary.rebuild_summaries.
    op.create_table('topic_result',
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('topic_id', sa.Integer(), nullable=False),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('passed', sa.Boolean(), nullable=False),
    sa.Column('best_score', sa.Integer(), nullable=False),
    sa.Column('best_max', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['topic_id'], ['topic.id'], name=op.f('fk_topic_result_topic_id_topic')),
    sa.ForeignKeyConstraint(['user_id'], ['user.id'], name=op.f('fk_topic_result_user_id_user')),
    sa.PrimaryKeyConstraint('user_id', 'topic_id', name=op.f('pk_topic_result'))
    )
    op.create_table('item_option_stat',
    sa.Column('question_version_id', sa.Integer(), nullable=False),
    sa.Column('option_index', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('chosen', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['question_version_id'], ['question_version.id'], name=op.f('fk_item_option_stat_question_version_id_question_version')),
    sa.PrimaryKeyConstraint('question_version_id', 'option_index', name=op.f('pk_item_option_stat'))
    )
    op.create_table('item_stat',
    sa.Column('question_version_id', sa.Integer(), nullable=False),
    sa.Column('drawn', sa.Integer(), nullable=False),
    sa.Column('n', sa.Integer(), nullable=False),
    sa.Column('sum_x', sa.BigInteger(), nullable=False),
    sa.Column('sum_xt', sa.BigInteger(), nullable=False),
    sa.Column('sum_t', sa.BigInteger(), nullable=False),
    sa.Column('sum_t2', sa.BigInteger(), nullable=False),
    sa.Column('unanswered', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['question_version_id'], ['question_version.id'], name=op.f('fk_item_stat_question_version_id_question_version')),
    sa.PrimaryKeyConstraint('question_version_id', name=op.f('pk_item_stat'))
    )


def downgrade() -> None:
    op.drop_table('item_stat')
    op.drop_table('item_option_stat')
    op.drop_table('topic_result')
