"""walk-ins: people added at the door, with or without an email

Revision ID: 1352
Revises: 1351
Create Date: 2026-11-27 15:05:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '1352'
down_revision = '1351'
branch_labels = None
depends_on = None

LIVE = "state <> 'cancelled'"
LIVE_WITH_EMAIL = "state <> 'cancelled' AND email <> ''"


def _live_email_index(where: str) -> None:
    op.drop_index('uq_registrations_live_email', table_name='registrations')
    op.create_index(
        'uq_registrations_live_email', 'registrations', ['event_id', 'email'], unique=True,
        sqlite_where=sa.text(where), postgresql_where=sa.text(where),
    )


def upgrade():
    # Plain ADD COLUMN: a batch rebuild would drop the table's triggers on SQLite.
    op.add_column(
        'registrations',
        sa.Column('walk_in', sa.Boolean(), nullable=False, server_default=sa.false()),
    )
    _live_email_index(LIVE_WITH_EMAIL)


def downgrade():
    # Walk-ins without an email would break the stricter index: give each its own address.
    op.execute(
        "UPDATE registrations SET email = 'walk-in-' || id || '@invalid' WHERE email = ''"
    )
    _live_email_index(LIVE)
    op.drop_column('registrations', 'walk_in')
