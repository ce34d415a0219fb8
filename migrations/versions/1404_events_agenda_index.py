"""events agenda index: the agenda's filters and order read from one index

Revision ID: 1404
Revises: 1403
Create Date: 2026-11-27 15:30:00

"""
from alembic import op


revision = '1404'
down_revision = '1403'
branch_labels = None
depends_on = None


def upgrade():
    # A plain CREATE INDEX: no table rebuild (events has triggers).
    op.create_index(
        'ix_events_agenda', 'events',
        ['state', 'starts_at', 'ends_at', 'kind', 'audience', 'space_id'], unique=False,
    )


def downgrade():
    op.drop_index('ix_events_agenda', table_name='events')
