"""demo day leads (S13): emails visitors leave for a startup at its stand

Revision ID: 1302
Revises: 1301
Create Date: 2026-11-27 15:00:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '1302'
down_revision = '1301'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('leads',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('application_id', sa.Integer(), nullable=False),
    sa.Column('slot_id', sa.Integer(), nullable=False),
    sa.Column('email', sa.String(length=254), nullable=False),
    sa.Column('consent', sa.Text(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['application_id'], ['applications.id'], name=op.f('fk_leads_application_id_applications'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['slot_id'], ['showcase_slots.id'], name=op.f('fk_leads_slot_id_showcase_slots'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_leads')),
    sa.UniqueConstraint('application_id', 'email', name='uq_leads_one_per_email')
    )
    op.create_index(op.f('ix_leads_application_id'), 'leads', ['application_id'], unique=False)
    op.create_index(op.f('ix_leads_slot_id'), 'leads', ['slot_id'], unique=False)


def downgrade():
    op.drop_index(op.f('ix_leads_slot_id'), table_name='leads')
    op.drop_index(op.f('ix_leads_application_id'), table_name='leads')
    op.drop_table('leads')
