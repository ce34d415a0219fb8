"""series of events and courses registered for as a whole

Revision ID: 1354
Revises: 1353
Create Date: 2026-11-27 15:10:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '1354'
down_revision = '1353'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'event_series',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('slug', sa.String(length=180), nullable=False),
        sa.Column('title', sa.String(length=160), nullable=False),
        sa.Column('description', sa.Text(), nullable=False),
        sa.Column('is_course', sa.Boolean(), nullable=False),
        sa.Column('organisation_id', sa.Integer(), nullable=True),
        sa.Column('created_by_id', sa.Integer(), nullable=True),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], ondelete='SET NULL'),
        sa.ForeignKeyConstraint(['organisation_id'], ['organisations.id'], ondelete='SET NULL'),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('slug'),
    )
    op.create_index(
        'ix_event_series_organisation_id', 'event_series', ['organisation_id'], unique=False
    )
    # Link tables, not columns: events and registrations keep their triggers on SQLite.
    op.create_table(
        'event_series_dates',
        sa.Column('event_id', sa.Integer(), nullable=False),
        sa.Column('series_id', sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(['event_id'], ['events.id'], ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['series_id'], ['event_series.id'], ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('event_id'),
    )
    op.create_index(
        'ix_event_series_dates_series_id', 'event_series_dates', ['series_id'], unique=False
    )
    op.create_table(
        'course_registrations',
        sa.Column('registration_id', sa.Integer(), nullable=False),
        sa.Column('course_id', sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(['course_id'], ['event_series.id'], ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['registration_id'], ['registrations.id'], ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('registration_id'),
    )
    op.create_index(
        'ix_course_registrations_course_id', 'course_registrations', ['course_id'], unique=False
    )


def downgrade():
    op.drop_index('ix_course_registrations_course_id', table_name='course_registrations')
    op.drop_table('course_registrations')
    op.drop_index('ix_event_series_dates_series_id', table_name='event_series_dates')
    op.drop_table('event_series_dates')
    op.drop_index('ix_event_series_organisation_id', table_name='event_series')
    op.drop_table('event_series')
