"""security: session version, revoked sessions, known login addresses, certificate lookup counts

Revision ID: c3d4e5f60718
Revises: 4b538f01f285
Create Date: 2026-12-01 00:35:00

``user.session_version`` is added with a plain ADD COLUMN on every database: batch mode would
rebuild ``user``, which other tables reference (the DROP fails with foreign keys on). A downgrade
on SQLite leaves the column in place (old code ignores it), so an upgrade adds it only when missing.
"""

from alembic import op
import sqlalchemy as sa

from quizapp.models.base import UTCDateTime


revision = 'c3d4e5f60718'
down_revision = '4b538f01f285'
branch_labels = None
depends_on = None


def upgrade() -> None:
    bind = op.get_bind()
    if 'session_version' not in {c['name'] for c in sa.inspect(bind).get_columns('user')}:
        op.add_column('user', sa.Column('session_version', sa.Integer(), server_default='0', nullable=False))
    op.create_table(
        'revoked_session',
        sa.Column('sid', sa.String(length=64), nullable=False),
        sa.Column('expires_at', UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint('sid', name=op.f('pk_revoked_session')),
    )
    op.create_index(op.f('ix_revoked_session_expires_at'), 'revoked_session', ['expires_at'], unique=False)
    op.create_table(
        'known_address',
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('address', sa.String(length=64), nullable=False),
        sa.Column('last_at', UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['user_id'], ['user.id'], name=op.f('fk_known_address_user_id_user'), ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('user_id', 'address', name=op.f('pk_known_address')),
    )
    op.create_index(op.f('ix_known_address_last_at'), 'known_address', ['last_at'], unique=False)
    op.create_table(
        'certificate_lookup',
        sa.Column('certificate_id', sa.Integer(), nullable=False),
        sa.Column('day', sa.Date(), nullable=False),
        sa.Column('count', sa.Integer(), nullable=False),
        sa.Column('last_at', UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ['certificate_id'], ['certificate.id'], name=op.f('fk_certificate_lookup_certificate_id_certificate'),
            ondelete='CASCADE',
        ),
        sa.PrimaryKeyConstraint('certificate_id', 'day', name=op.f('pk_certificate_lookup')),
    )


def downgrade() -> None:
    op.drop_table('certificate_lookup')
    op.drop_index(op.f('ix_known_address_last_at'), table_name='known_address')
    op.drop_table('known_address')
    op.drop_index(op.f('ix_revoked_session_expires_at'), table_name='revoked_session')
    op.drop_table('revoked_session')
    if op.get_bind().dialect.name != 'sqlite':
        op.drop_column('user', 'session_version')
