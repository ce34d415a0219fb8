"""stands and pitches (S13): stands of a space, a slot's pitch schedule, placements

Revision ID: 1301
Revises: 1203
Create Date: 2026-11-27 14:50:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '1301'
down_revision = '1203'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('stands',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('space_id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=40), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('grid_row', sa.Integer(), nullable=True),
    sa.Column('grid_column', sa.Integer(), nullable=True),
    sa.CheckConstraint('grid_column IS NULL OR grid_column BETWEEN 1 AND 50', name=op.f('ck_stands_grid_column_range')),
    sa.CheckConstraint('grid_row IS NULL OR grid_row BETWEEN 1 AND 50', name=op.f('ck_stands_grid_row_range')),
    sa.ForeignKeyConstraint(['space_id'], ['spaces.id'], name=op.f('fk_stands_space_id_spaces'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_stands')),
    sa.UniqueConstraint('space_id', 'name', name=op.f('uq_stands_space_id_name'))
    )
    op.create_table('placements',
    sa.Column('application_id', sa.Integer(), nullable=False),
    sa.Column('slot_id', sa.Integer(), nullable=False),
    sa.Column('stand_id', sa.Integer(), nullable=True),
    sa.Column('pitch_number', sa.Integer(), nullable=True),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.CheckConstraint('pitch_number IS NULL OR pitch_number > 0', name=op.f('ck_placements_pitch_positive')),
    sa.ForeignKeyConstraint(['application_id'], ['applications.id'], name=op.f('fk_placements_application_id_applications'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['slot_id'], ['showcase_slots.id'], name=op.f('fk_placements_slot_id_showcase_slots'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['stand_id'], ['stands.id'], name=op.f('fk_placements_stand_id_stands'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('application_id', name=op.f('pk_placements'))
    )
    op.create_index('uq_placements_one_per_pitch', 'placements', ['slot_id', 'pitch_number'], unique=True)
    op.create_index('uq_placements_one_per_stand', 'placements', ['slot_id', 'stand_id'], unique=True)
    # Plain ADD COLUMN: both tables have triggers that a batch rebuild would drop on SQLite.
    op.add_column('showcase_slots', sa.Column('first_pitch_at', sa.DateTime(), nullable=True))
    op.add_column('showcase_slots', sa.Column('pitch_minutes', sa.Integer(), server_default='5', nullable=False))
    op.add_column('showcase_slots', sa.Column('setup_minutes', sa.Integer(), server_default='30', nullable=False))
    op.add_column('applications', sa.Column('wants_power', sa.Boolean(), server_default=sa.false(), nullable=False))
    op.add_column('applications', sa.Column('wants_table', sa.Boolean(), server_default=sa.false(), nullable=False))


def downgrade():
    op.drop_column('applications', 'wants_table')
    op.drop_column('applications', 'wants_power')
    op.drop_column('showcase_slots', 'setup_minutes')
    op.drop_column('showcase_slots', 'pitch_minutes')
    op.drop_column('showcase_slots', 'first_pitch_at')
    op.drop_index('uq_placements_one_per_stand', table_name='placements')
    op.drop_index('uq_placements_one_per_pitch', table_name='placements')
    op.drop_table('placements')
    op.drop_table('stands')
