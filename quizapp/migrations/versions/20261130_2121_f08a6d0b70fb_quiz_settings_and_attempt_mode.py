"""quiz settings per topic (file defaults, admin overrides, window) and attempt mode

Revision ID: f08a6d0b70fb
Revises: ed240d335838
Create Date: 2026-11-30 21:21:24
"""

from alembic import op
import sqlalchemy as sa
import quizapp.models.base


revision = 'f08a6d0b70fb'
down_revision = 'ed240d335838'
branch_labels = None
depends_on = None

SETTINGS = ('questions_per_attempt', 'time_limit_minutes', 'pass_percent', 'max_attempts', 'review_policy')


def upgrade() -> None:
    with op.batch_alter_table('topic', schema=None) as batch_op:
        batch_op.add_column(sa.Column('quiz_defaults', sa.JSON(), nullable=False, server_default='{}'))
        batch_op.add_column(sa.Column('quiz_overridden', sa.JSON(), nullable=False, server_default='[]'))
        batch_op.add_column(sa.Column('opens_at', quizapp.models.base.UTCDateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('closes_at', quizapp.models.base.UTCDateTime(timezone=True), nullable=True))
    # Until now every import wrote the file's values into the columns: they are the defaults.
    topic = sa.table('topic', sa.column('id', sa.Integer), sa.column('quiz_defaults', sa.JSON),
                     *(sa.column(name) for name in SETTINGS))
    bind = op.get_bind()
    for row in bind.execute(sa.select(topic.c.id, *(topic.c[name] for name in SETTINGS))).all():
        defaults = dict(zip(SETTINGS, row[1:]))
        bind.execute(topic.update().where(topic.c.id == row[0]).values(quiz_defaults=defaults))

    with op.batch_alter_table('attempt', schema=None) as batch_op:
        batch_op.add_column(sa.Column('mode', sa.String(length=20), nullable=False, server_default='online'))


def downgrade() -> None:
    # Plain DROP COLUMN (SQLite >= 3.35 has it): a batch copy of "topic" would drop a table that
    # other tables reference, which SQLite refuses while foreign keys are enforced.
    for table, column in [('attempt', 'mode'), ('topic', 'closes_at'), ('topic', 'opens_at'),
                          ('topic', 'quiz_overridden'), ('topic', 'quiz_defaults')]:
        op.drop_column(table, column)
