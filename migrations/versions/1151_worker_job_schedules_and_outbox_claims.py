"""worker (S11): periodic job schedules and leases; outbox claims say by whom and since when

Revision ID: 1151
Revises: 1102
Create Date: 2026-11-27 12:30:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '1151'
down_revision = '1102'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('job_schedules',
    sa.Column('name', sa.String(length=80), nullable=False),
    sa.Column('next_run_at', sa.DateTime(), nullable=False),
    sa.Column('lease_holder', sa.String(length=120), nullable=False),
    sa.Column('lease_expires_at', sa.DateTime(), nullable=True),
    sa.Column('last_started_at', sa.DateTime(), nullable=True),
    sa.Column('last_finished_at', sa.DateTime(), nullable=True),
    sa.Column('last_error', sa.Text(), nullable=False),
    sa.Column('runs', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('name', name=op.f('pk_job_schedules'))
    )
    with op.batch_alter_table('outbox', schema=None) as batch_op:
        batch_op.add_column(sa.Column('claimed_at', sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column('claimed_by', sa.String(length=120), nullable=False, server_default=''))
    with op.batch_alter_table('outbox', schema=None) as batch_op:
        batch_op.alter_column('claimed_by', server_default=None)
    # Claims taken before this revision kept their time in next_attempt_at.
    op.execute("UPDATE outbox SET claimed_at = next_attempt_at WHERE status = 'sending'")


def downgrade():
    op.execute("UPDATE outbox SET next_attempt_at = claimed_at WHERE status = 'sending' AND claimed_at IS NOT NULL")
    with op.batch_alter_table('outbox', schema=None) as batch_op:
        batch_op.drop_column('claimed_by')
        batch_op.drop_column('claimed_at')
    op.drop_table('job_schedules')
