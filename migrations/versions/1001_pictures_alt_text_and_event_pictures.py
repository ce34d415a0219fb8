"""pictures (S10): the alt text of an innovation's picture; an event's picture and its alt text

Revision ID: 1001
Revises: 0921
Create Date: 2026-11-27 14:45:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '1001'
down_revision = '0921'
branch_labels = None
depends_on = None


def upgrade():
    # Plain ADD COLUMN: both tables have triggers, which a batch rebuild would drop on SQLite.
    op.add_column(
        'innovations', sa.Column('image_alt', sa.String(length=300), nullable=False, server_default='')
    )
    op.add_column('events', sa.Column('image', sa.String(length=80), nullable=True))
    op.add_column(
        'events', sa.Column('image_alt', sa.String(length=300), nullable=False, server_default='')
    )


def downgrade():
    op.drop_column('events', 'image_alt')
    op.drop_column('events', 'image')
    op.drop_column('innovations', 'image_alt')
