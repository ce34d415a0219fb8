"""catalogue order indexes: the catalogue's and the search's orders read from an index

Partial indexes over published innovations, one per order of the catalogue, with the
startup's id beside the keys; and the columns the public filters read from startups beside
their id. A page of a search then walks an index in its final order and stops when full.

Their keys are expressions or dialect-specific (NULLS LAST, a collation, INCLUDE): they
are not described by the models (migrations/env.py leaves them out of the comparison).

Revision ID: 1401
Revises: 1001
Create Date: 2026-11-27 15:00:00

"""
from alembic import op


revision = '1401'
down_revision = '1001'
branch_labels = None
depends_on = None

PUBLISHED = "WHERE status = 'published'"
SQLITE = {
    "ix_innovations_order_featured": "innovations (featured_rank IS NULL, featured_rank, "
    "published_at DESC, id DESC, organisation_id)",
    "ix_innovations_order_newest": "innovations (published_at DESC, id DESC, organisation_id)",
    "ix_innovations_order_az": "innovations (slug, id, organisation_id)",
}
POSTGRESQL = {
    "ix_innovations_order_featured": "innovations (featured_rank ASC NULLS LAST, "
    "published_at DESC, id DESC) INCLUDE (organisation_id)",
    "ix_innovations_order_newest": "innovations (published_at DESC, id DESC) "
    "INCLUDE (organisation_id)",
    "ix_innovations_order_az": 'innovations (slug COLLATE "C", id) INCLUDE (organisation_id)',
}
ORGANISATIONS = "ix_organisations_public"


def upgrade():
    postgresql = op.get_bind().dialect.name == "postgresql"
    for name, keys in (POSTGRESQL if postgresql else SQLITE).items():
        op.execute(f"CREATE INDEX {name} ON {keys} {PUBLISHED}")
    if postgresql:
        op.execute(
            f"CREATE INDEX {ORGANISATIONS} ON organisations (id) "
            "INCLUDE (verified_at, stage, city)"
        )
    else:
        op.execute(f"CREATE INDEX {ORGANISATIONS} ON organisations (id, verified_at, stage, city)")


def downgrade():
    op.execute(f"DROP INDEX IF EXISTS {ORGANISATIONS}")
    for name in SQLITE:
        op.execute(f"DROP INDEX IF EXISTS {name}")
