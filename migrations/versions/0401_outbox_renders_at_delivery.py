"""outbox renders at delivery: keep the template's context, not a rendered body

Revision ID: 0401
Revises: 0301
Create Date: 2026-11-27 12:00:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0401'
down_revision = '0301'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('outbox', schema=None) as batch_op:
        batch_op.add_column(sa.Column('context', sa.JSON(), nullable=False, server_default='{}'))
        batch_op.drop_column('attachments')
    with op.batch_alter_table('outbox', schema=None) as batch_op:
        batch_op.alter_column('context', server_default=None)


def downgrade():
    with op.batch_alter_table('outbox', schema=None) as batch_op:
        batch_op.add_column(sa.Column('attachments', sa.JSON(), nullable=False, server_default='[]'))
        batch_op.drop_column('context')
    with op.batch_alter_table('outbox', schema=None) as batch_op:
        batch_op.alter_column('attachments', server_default=None)
