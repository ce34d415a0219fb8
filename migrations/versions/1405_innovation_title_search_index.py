"""innovation title search index: a title-only text index on PostgreSQL

Revision ID: 1405
Revises: 1354
Create Date: 2026-11-27 18:10:00

A search ranks title matches first. With only the weighted search_vector, PostgreSQL had to
read every match again from the table to check the weight (20,000 rows for a common word);
an index on the title's own words answers that from the index. SQLite's FTS5 index already
has a title column.
"""
from alembic import op

revision = '1405'
down_revision = '1354'
branch_labels = None
depends_on = None

# The same expression as hub/domain/innovations/search.py TITLE_WORDS, so the planner uses it.
TITLE_WORDS = "to_tsvector('simple', hub_unaccent(coalesce(title, '')))"


def upgrade():
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute(f"CREATE INDEX ix_innovations_title_search ON innovations USING gin ({TITLE_WORDS})")


def downgrade():
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute("DROP INDEX ix_innovations_title_search")
