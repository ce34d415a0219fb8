"""privacy (S12): registration asks no mandatory consent; news of future trainings is optional

Revision ID: 1202
Revises: 1201
Create Date: 2026-11-27 15:10:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '1202'
down_revision = '1201'
branch_labels = None
depends_on = None


def upgrade():
    # Plain ADD COLUMN: a batch rebuild would drop the table's triggers on SQLite.
    op.add_column(
        'registrations',
        sa.Column('wants_news', sa.Boolean(), nullable=False, server_default=sa.false()),
    )


def downgrade():
    op.drop_column('registrations', 'wants_news')
