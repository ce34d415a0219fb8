"""group registrations: one person books several places, naming the others

Revision ID: 1353
Revises: 1352
Create Date: 2026-11-27 15:00:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '1353'
down_revision = '1352'
branch_labels = None
depends_on = None


def upgrade():
    # Plain ADD COLUMN: a batch rebuild would drop the tables' triggers on SQLite.
    op.add_column('events', sa.Column('max_places', sa.Integer(), nullable=False, server_default='1'))
    op.add_column(
        'registrations', sa.Column('places', sa.Integer(), nullable=False, server_default='1')
    )
    op.add_column(
        'registrations', sa.Column('companions', sa.Text(), nullable=False, server_default='')
    )


def downgrade():
    op.drop_column('registrations', 'companions')
    op.drop_column('registrations', 'places')
    op.drop_column('events', 'max_places')
