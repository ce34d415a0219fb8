"""reminders (S11): how to reach a venue, and which start each registrant was reminded of

Revision ID: 1152
Revises: 1151
Create Date: 2026-11-27 12:31:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '1152'
down_revision = '1151'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('registrations', schema=None) as batch_op:
        batch_op.add_column(sa.Column('reminded_for', sa.DateTime(), nullable=True))
    with op.batch_alter_table('venues', schema=None) as batch_op:
        batch_op.add_column(sa.Column('access_notes', sa.Text(), nullable=False, server_default=''))


def downgrade():
    # Plain ALTER TABLE … DROP COLUMN (SQLite 3.35+): a batch rebuild of these tables on SQLite
    # would drop the triggers that keep the public pages' content counters.
    op.drop_column('venues', 'access_notes')
    op.drop_column('registrations', 'reminded_for')
