"""question workflow: version state, author, submission and review of each wording

Revision ID: 4a5a9ef8edad
Revises: b7c1d2e3f405
Create Date: 2026-12-01 00:12:46.767969

SQLite cannot add a foreign key with ALTER TABLE through Alembic, and batch mode would drop and
rebuild question_version, which attempt_item and question reference (the DROP fails with foreign
keys on). So on SQLite the columns are added with plain ALTER TABLE and inline, named references,
and a downgrade leaves them in place (old code ignores them; every one is nullable or defaulted),
and an upgrade adds only the columns that are missing.
"""

from alembic import op
import sqlalchemy as sa

from quizapp.models.base import UTCDateTime


revision = '4a5a9ef8edad'
down_revision = 'b7c1d2e3f405'
branch_labels = None
depends_on = None

_SQLITE_COLUMNS = {
    'state': "VARCHAR(20) DEFAULT 'approved' NOT NULL",
    'author_id': 'INTEGER CONSTRAINT fk_question_version_author_id_user REFERENCES user (id)',
    'change_note': "TEXT DEFAULT '' NOT NULL",
    'submitted_at': 'DATETIME',
    'reviewed_by_id': 'INTEGER CONSTRAINT fk_question_version_reviewed_by_id_user REFERENCES user (id)',
    'reviewed_at': 'DATETIME',
    'review_comment': "TEXT DEFAULT '' NOT NULL",
}


def upgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name == 'sqlite':
        present = {c['name'] for c in sa.inspect(bind).get_columns('question_version')}
        for name, ddl in _SQLITE_COLUMNS.items():
            if name not in present:
                op.execute(f'ALTER TABLE question_version ADD COLUMN {name} {ddl}')
        op.create_index(op.f('ix_question_version_state'), 'question_version', ['state'], unique=False)
        return
    with op.batch_alter_table('question_version', schema=None) as batch_op:
        batch_op.add_column(sa.Column('state', sa.String(length=20), server_default='approved', nullable=False))
        batch_op.add_column(sa.Column('author_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('change_note', sa.Text(), server_default='', nullable=False))
        batch_op.add_column(sa.Column('submitted_at', UTCDateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('reviewed_by_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('reviewed_at', UTCDateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('review_comment', sa.Text(), server_default='', nullable=False))
        batch_op.create_index(batch_op.f('ix_question_version_state'), ['state'], unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_question_version_author_id_user'), 'user', ['author_id'], ['id'])
        batch_op.create_foreign_key(batch_op.f('fk_question_version_reviewed_by_id_user'), 'user', ['reviewed_by_id'], ['id'])


def downgrade() -> None:
    if op.get_bind().dialect.name == 'sqlite':
        op.drop_index(op.f('ix_question_version_state'), table_name='question_version')
        return
    with op.batch_alter_table('question_version', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_question_version_reviewed_by_id_user'), type_='foreignkey')
        batch_op.drop_constraint(batch_op.f('fk_question_version_author_id_user'), type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_question_version_state'))
        batch_op.drop_column('review_comment')
        batch_op.drop_column('reviewed_at')
        batch_op.drop_column('reviewed_by_id')
        batch_op.drop_column('submitted_at')
        batch_op.drop_column('change_note')
        batch_op.drop_column('author_id')
        batch_op.drop_column('state')
