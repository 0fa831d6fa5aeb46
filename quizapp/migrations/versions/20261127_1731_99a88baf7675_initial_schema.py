"""initial schema

Revision ID: 99a88baf7675
Revises: 
Create Date: 2026-11-27 17:31:33.048192
"""

from alembic import op
import sqlalchemy as sa
import quizapp.models.base


revision = '99a88baf7675'
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Reviewed after autogeneration.
    op.create_table('cohort',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=40), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('starts_on', sa.Date(), nullable=True),
    sa.Column('ends_on', sa.Date(), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_cohort')),
    sa.UniqueConstraint('code', name=op.f('uq_cohort_code'))
    )
    op.create_table('course',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(length=300), nullable=False),
    sa.Column('issuing_body', sa.String(length=300), nullable=False),
    sa.Column('settings', sa.JSON(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_course'))
    )
    op.create_table('throttle_event',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('key', sa.String(length=200), nullable=False),
    sa.Column('at', quizapp.models.base.UTCDateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_throttle_event'))
    )
    with op.batch_alter_table('throttle_event', schema=None) as batch_op:
        batch_op.create_index('ix_throttle_event_key_at', ['key', 'at'], unique=False)

    op.create_table('topic',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('number', sa.Integer(), nullable=False),
    sa.Column('slug', sa.String(length=80), nullable=False),
    sa.Column('title', sa.String(length=300), nullable=False),
    sa.Column('summary', sa.Text(), nullable=False),
    sa.Column('intro_md', sa.Text(), nullable=False),
    sa.Column('questions_per_attempt', sa.Integer(), nullable=False),
    sa.Column('time_limit_minutes', sa.Integer(), nullable=False),
    sa.Column('pass_percent', sa.Integer(), nullable=False),
    sa.Column('max_attempts', sa.Integer(), nullable=False),
    sa.Column('review_policy', sa.String(length=30), nullable=False),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_topic')),
    sa.UniqueConstraint('number', name=op.f('uq_topic_number')),
    sa.UniqueConstraint('slug', name=op.f('uq_topic_slug'))
    )
    op.create_table('ward',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=40), nullable=False),
    sa.Column('name', sa.String(length=100), nullable=False),
    sa.Column('kind', sa.String(length=10), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_ward')),
    sa.UniqueConstraint('code', name=op.f('uq_ward_code'))
    )
    op.create_table('question',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('ext_id', sa.String(length=40), nullable=False),
    sa.Column('topic_id', sa.Integer(), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('current_version_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['topic_id'], ['topic.id'], name=op.f('fk_question_topic_id_topic')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_question')),
    sa.UniqueConstraint('ext_id', name=op.f('uq_question_ext_id'))
    )
    with op.batch_alter_table('question', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_question_topic_id'), ['topic_id'], unique=False)

    op.create_table('section',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('topic_id', sa.Integer(), nullable=False),
    sa.Column('slug', sa.String(length=120), nullable=False),
    sa.Column('title', sa.String(length=300), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('body_md', sa.Text(), nullable=False),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.ForeignKeyConstraint(['topic_id'], ['topic.id'], name=op.f('fk_section_topic_id_topic')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_section')),
    sa.UniqueConstraint('topic_id', 'slug', name=op.f('uq_section_topic_id_slug'))
    )
    op.create_table('user',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('username', sa.String(length=80), nullable=False),
    sa.Column('password_hash', sa.String(length=255), nullable=False),
    sa.Column('full_name', sa.String(length=200), nullable=False),
    sa.Column('role', sa.String(length=20), nullable=False),
    sa.Column('position', sa.String(length=200), nullable=True),
    sa.Column('ward_id', sa.Integer(), nullable=True),
    sa.Column('cohort_id', sa.Integer(), nullable=True),
    sa.Column('must_change_password', sa.Boolean(), nullable=False),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('created_at', quizapp.models.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('last_login_at', quizapp.models.base.UTCDateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['cohort_id'], ['cohort.id'], name=op.f('fk_user_cohort_id_cohort')),
    sa.ForeignKeyConstraint(['ward_id'], ['ward.id'], name=op.f('fk_user_ward_id_ward')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_user')),
    sa.UniqueConstraint('username', name=op.f('uq_user_username'))
    )
    with op.batch_alter_table('user', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_user_cohort_id'), ['cohort_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_user_ward_id'), ['ward_id'], unique=False)

    op.create_table('attempt',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('topic_id', sa.Integer(), nullable=False),
    sa.Column('number', sa.Integer(), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('started_at', quizapp.models.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('deadline_at', quizapp.models.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('finished_at', quizapp.models.base.UTCDateTime(timezone=True), nullable=True),
    sa.Column('score', sa.Integer(), nullable=True),
    sa.Column('max_score', sa.Integer(), nullable=False),
    sa.Column('passed', sa.Boolean(), nullable=True),
    sa.Column('pass_percent', sa.Integer(), nullable=False),
    sa.Column('last_seq', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['topic_id'], ['topic.id'], name=op.f('fk_attempt_topic_id_topic')),
    sa.ForeignKeyConstraint(['user_id'], ['user.id'], name=op.f('fk_attempt_user_id_user')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_attempt')),
    sa.UniqueConstraint('user_id', 'topic_id', 'number', name=op.f('uq_attempt_user_id_topic_id_number'))
    )
    with op.batch_alter_table('attempt', schema=None) as batch_op:
        batch_op.create_index('ix_attempt_topic_status', ['topic_id', 'status'], unique=False)
        batch_op.create_index(batch_op.f('ix_attempt_user_id'), ['user_id'], unique=False)
        batch_op.create_index('uq_attempt_one_open', ['user_id', 'topic_id'], unique=True, sqlite_where=sa.text("status = 'open'"), postgresql_where=sa.text("status = 'open'"))

    op.create_table('audit_log',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('at', quizapp.models.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('actor_id', sa.Integer(), nullable=True),
    sa.Column('action', sa.String(length=60), nullable=False),
    sa.Column('target_type', sa.String(length=40), nullable=True),
    sa.Column('target_id', sa.String(length=80), nullable=True),
    sa.Column('reason', sa.Text(), nullable=True),
    sa.Column('detail', sa.JSON(), nullable=True),
    sa.ForeignKeyConstraint(['actor_id'], ['user.id'], name=op.f('fk_audit_log_actor_id_user')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_audit_log'))
    )
    with op.batch_alter_table('audit_log', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_audit_log_action'), ['action'], unique=False)
        batch_op.create_index(batch_op.f('ix_audit_log_at'), ['at'], unique=False)

    op.create_table('certificate',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=32), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('issued_at', quizapp.models.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('revoked_at', quizapp.models.base.UTCDateTime(timezone=True), nullable=True),
    sa.Column('revoke_reason', sa.Text(), nullable=True),
    sa.Column('superseded_by_id', sa.Integer(), nullable=True),
    sa.Column('snapshot', sa.JSON(), nullable=False),
    sa.ForeignKeyConstraint(['superseded_by_id'], ['certificate.id'], name=op.f('fk_certificate_superseded_by_id_certificate')),
    sa.ForeignKeyConstraint(['user_id'], ['user.id'], name=op.f('fk_certificate_user_id_user')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_certificate')),
    sa.UniqueConstraint('code', name=op.f('uq_certificate_code'))
    )
    with op.batch_alter_table('certificate', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_certificate_user_id'), ['user_id'], unique=False)
        batch_op.create_index('uq_certificate_one_valid', ['user_id'], unique=True, sqlite_where=sa.text("status = 'valid'"), postgresql_where=sa.text("status = 'valid'"))

    op.create_table('lesson_view',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('topic_id', sa.Integer(), nullable=False),
    sa.Column('first_viewed_at', quizapp.models.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('last_viewed_at', quizapp.models.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('view_count', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['topic_id'], ['topic.id'], name=op.f('fk_lesson_view_topic_id_topic')),
    sa.ForeignKeyConstraint(['user_id'], ['user.id'], name=op.f('fk_lesson_view_user_id_user')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_lesson_view')),
    sa.UniqueConstraint('user_id', 'topic_id', name=op.f('uq_lesson_view_user_id_topic_id'))
    )
    op.create_table('question_version',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('question_id', sa.Integer(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('section_id', sa.Integer(), nullable=False),
    sa.Column('type', sa.String(length=20), nullable=False),
    sa.Column('difficulty', sa.String(length=10), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('options', sa.JSON(), nullable=False),
    sa.Column('explanation', sa.Text(), nullable=False),
    sa.Column('source', sa.Text(), nullable=False),
    sa.Column('content_hash', sa.String(length=64), nullable=False),
    sa.Column('created_at', quizapp.models.base.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['question_id'], ['question.id'], name=op.f('fk_question_version_question_id_question')),
    sa.ForeignKeyConstraint(['section_id'], ['section.id'], name=op.f('fk_question_version_section_id_section')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_question_version')),
    sa.UniqueConstraint('question_id', 'version', name=op.f('uq_question_version_question_id_version'))
    )
    with op.batch_alter_table('question_version', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_question_version_section_id'), ['section_id'], unique=False)

    op.create_table('attempt_item',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('attempt_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('question_version_id', sa.Integer(), nullable=False),
    sa.Column('option_order', sa.JSON(), nullable=False),
    sa.Column('selected', sa.JSON(), nullable=True),
    sa.Column('seq', sa.Integer(), nullable=False),
    sa.Column('answered_at', quizapp.models.base.UTCDateTime(timezone=True), nullable=True),
    sa.Column('is_correct', sa.Boolean(), nullable=True),
    sa.ForeignKeyConstraint(['attempt_id'], ['attempt.id'], name=op.f('fk_attempt_item_attempt_id_attempt'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['question_version_id'], ['question_version.id'], name=op.f('fk_attempt_item_question_version_id_question_version')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_attempt_item')),
    sa.UniqueConstraint('attempt_id', 'position', name=op.f('uq_attempt_item_attempt_id_position'))
    )
    with op.batch_alter_table('attempt_item', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_attempt_item_question_version_id'), ['question_version_id'], unique=False)

    # question.current_version_id points forward to question_version, so the constraint comes
    # last (batch mode: SQLite recreates the table, PostgreSQL adds it with ALTER).
    with op.batch_alter_table('question', schema=None) as batch_op:
        batch_op.create_foreign_key(op.f('fk_question_current_version_id_question_version'),
                                    'question_version', ['current_version_id'], ['id'])
    # ### end Alembic commands ###


def downgrade() -> None:
    # Reviewed after autogeneration.
    with op.batch_alter_table('question', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('fk_question_current_version_id_question_version'), type_='foreignkey')
    with op.batch_alter_table('attempt_item', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_attempt_item_question_version_id'))

    op.drop_table('attempt_item')
    with op.batch_alter_table('question_version', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_question_version_section_id'))

    op.drop_table('question_version')
    op.drop_table('lesson_view')
    with op.batch_alter_table('certificate', schema=None) as batch_op:
        batch_op.drop_index('uq_certificate_one_valid', sqlite_where=sa.text("status = 'valid'"), postgresql_where=sa.text("status = 'valid'"))
        batch_op.drop_index(batch_op.f('ix_certificate_user_id'))

    op.drop_table('certificate')
    with op.batch_alter_table('audit_log', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_audit_log_at'))
        batch_op.drop_index(batch_op.f('ix_audit_log_action'))

    op.drop_table('audit_log')
    with op.batch_alter_table('attempt', schema=None) as batch_op:
        batch_op.drop_index('uq_attempt_one_open', sqlite_where=sa.text("status = 'open'"), postgresql_where=sa.text("status = 'open'"))
        batch_op.drop_index(batch_op.f('ix_attempt_user_id'))
        batch_op.drop_index('ix_attempt_topic_status')

    op.drop_table('attempt')
    with op.batch_alter_table('user', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_user_ward_id'))
        batch_op.drop_index(batch_op.f('ix_user_cohort_id'))

    op.drop_table('user')
    op.drop_table('section')
    with op.batch_alter_table('question', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_question_topic_id'))

    op.drop_table('question')
    op.drop_table('ward')
    op.drop_table('topic')
    with op.batch_alter_table('throttle_event', schema=None) as batch_op:
        batch_op.drop_index('ix_throttle_event_key_at')

    op.drop_table('throttle_event')
    op.drop_table('course')
    op.drop_table('cohort')
    # ### end Alembic commands ###
