"""messages to registrants (S11): what hosts and staff wrote to an event's registrants

Revision ID: 1153
Revises: 1152
Create Date: 2026-11-27 12:32:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '1153'
down_revision = '1152'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('event_messages',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('event_id', sa.Integer(), nullable=False),
    sa.Column('author_id', sa.Integer(), nullable=True),
    sa.Column('audience', sa.Enum('all', 'confirmed', 'waitlisted', 'attended', name='messageaudience', native_enum=False, create_constraint=True, length=14), nullable=False),
    sa.Column('subject_fr', sa.String(length=150), nullable=False),
    sa.Column('body_fr', sa.Text(), nullable=False),
    sa.Column('subject_en', sa.String(length=150), nullable=False),
    sa.Column('body_en', sa.Text(), nullable=False),
    sa.Column('recipients', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.CheckConstraint("(subject_fr <> '' AND body_fr <> '') OR (subject_en <> '' AND body_en <> '')", name=op.f('ck_event_messages_written_in_one_language_at_least')),
    sa.ForeignKeyConstraint(['author_id'], ['users.id'], name=op.f('fk_event_messages_author_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['event_id'], ['events.id'], name=op.f('fk_event_messages_event_id_events'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_event_messages'))
    )
    with op.batch_alter_table('event_messages', schema=None) as batch_op:
        batch_op.create_index('ix_event_messages_event_created', ['event_id', 'created_at'], unique=False)


def downgrade():
    with op.batch_alter_table('event_messages', schema=None) as batch_op:
        batch_op.drop_index('ix_event_messages_event_created')
    op.drop_table('event_messages')
