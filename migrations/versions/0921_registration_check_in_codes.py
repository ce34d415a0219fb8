"""check-in codes: the QR code shown at the door carries its own code, not the private token

Revision ID: 0921
Revises: 1153
Create Date: 2026-11-27 14:50:00.000000

"""
import secrets

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0921'
down_revision = '1153'
branch_labels = None
depends_on = None

# Kept here as they are today: a migration does not follow later changes of the model.
ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
LENGTH = 10


def upgrade():
    # Plain ADD COLUMN: a batch rebuild of registrations would drop its triggers on SQLite.
    op.add_column(
        'registrations',
        sa.Column('check_in_code', sa.String(length=16), nullable=False, server_default=''),
    )
    registrations = sa.table(
        'registrations', sa.column('id', sa.Integer), sa.column('check_in_code', sa.String)
    )
    connection = op.get_bind()
    ids = connection.execute(sa.select(registrations.c.id)).scalars().all()
    codes = set()
    while len(codes) < len(ids):
        codes.add("".join(secrets.choice(ALPHABET) for _ in range(LENGTH)))
    if ids:
        connection.execute(
            registrations.update()
            .where(registrations.c.id == sa.bindparam('row_id'))
            .values(check_in_code=sa.bindparam('code')),
            [{'row_id': row_id, 'code': code} for row_id, code in zip(ids, codes)],
        )
    op.create_index(
        'uq_registrations_check_in_code', 'registrations', ['check_in_code'], unique=True
    )


def downgrade():
    op.drop_index('uq_registrations_check_in_code', table_name='registrations')
    op.drop_column('registrations', 'check_in_code')
