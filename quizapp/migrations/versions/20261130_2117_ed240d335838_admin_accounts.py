"""admin accounts: folded search names, roster uploads, login slip batches

Revision ID: ed240d335838
Revises: 6e4dda1d385a
Create Date: 2026-11-30 21:17:00
"""

from alembic import op
import sqlalchemy as sa

from quizapp.accounts.search import fold


revision = 'ed240d335838'
down_revision = '6e4dda1d385a'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('user', schema=None) as batch_op:
        batch_op.add_column(sa.Column('search_name', sa.String(length=200), server_default='', nullable=False))
        batch_op.create_index(batch_op.f('ix_user_search_name'), ['search_name'], unique=False)
    # Existing accounts get their folded name once; from now on the model keeps it.
    user = sa.table('user', sa.column('id', sa.Integer), sa.column('full_name', sa.String), sa.column('search_name', sa.String))
    conn = op.get_bind()
    for user_id, full_name in conn.execute(sa.select(user.c.id, user.c.full_name)).all():
        conn.execute(sa.update(user).where(user.c.id == user_id).values(search_name=fold(full_name)))

    op.create_table('roster_upload',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('token', sa.String(length=64), nullable=False),
    sa.Column('actor_id', sa.Integer(), nullable=False),
    sa.Column('filename', sa.String(length=255), nullable=False),
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('data', sa.LargeBinary(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('used_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['actor_id'], ['user.id'], name=op.f('fk_roster_upload_actor_id_user')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_roster_upload')),
    sa.UniqueConstraint('token', name=op.f('uq_roster_upload_token'))
    )
    with op.batch_alter_table('roster_upload', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_roster_upload_created_at'), ['created_at'], unique=False)

    op.create_table('slip_batch',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('token', sa.String(length=64), nullable=False),
    sa.Column('actor_id', sa.Integer(), nullable=False),
    sa.Column('label', sa.String(length=200), nullable=False),
    sa.Column('count', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('expires_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('ciphertext', sa.LargeBinary(), nullable=False),
    sa.ForeignKeyConstraint(['actor_id'], ['user.id'], name=op.f('fk_slip_batch_actor_id_user')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_slip_batch')),
    sa.UniqueConstraint('token', name=op.f('uq_slip_batch_token'))
    )
    with op.batch_alter_table('slip_batch', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_slip_batch_expires_at'), ['expires_at'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('slip_batch', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_slip_batch_expires_at'))
    op.drop_table('slip_batch')
    with op.batch_alter_table('roster_upload', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_roster_upload_created_at'))
    op.drop_table('roster_upload')
    with op.batch_alter_table('user', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_user_search_name'))
        batch_op.drop_column('search_name')
