"""waitlist offers: an event may offer a freed seat with a deadline

Revision ID: 1351
Revises: 1303
Create Date: 2026-11-27 14:50:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '1351'
down_revision = '1303'
branch_labels = None
depends_on = None


def upgrade():
    # Plain ADD COLUMN: a batch rebuild would drop the tables' triggers on SQLite.
    op.add_column('events', sa.Column('offer_hours', sa.Integer(), nullable=True))
    op.add_column('registrations', sa.Column('offered_at', sa.DateTime(), nullable=True))
    op.add_column('registrations', sa.Column('offer_expires_at', sa.DateTime(), nullable=True))
    op.create_index(
        'ix_registrations_offer_expires_at', 'registrations', ['offer_expires_at'], unique=False
    )


def downgrade():
    op.drop_index('ix_registrations_offer_expires_at', table_name='registrations')
    op.drop_column('registrations', 'offer_expires_at')
    op.drop_column('registrations', 'offered_at')
    op.drop_column('events', 'offer_hours')
