"""privacy (S12): registrations remember when their personal data was erased

Revision ID: 1201
Revises: 1404
Create Date: 2026-11-27 14:50:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '1201'
down_revision = '1404'
branch_labels = None
depends_on = None


def upgrade():
    # Plain ADD COLUMN: a batch rebuild would drop the table's triggers on SQLite.
    op.add_column('registrations', sa.Column('erased_at', sa.DateTime(), nullable=True))


def downgrade():
    op.drop_column('registrations', 'erased_at')
