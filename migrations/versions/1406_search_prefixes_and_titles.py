"""search: word starts up to 14 letters indexed, and a title-only text index (SQLite)

A search matches each word as the start of a word. FTS5 answers a start it has indexed by
reading one list, lazily, so "the first 1,001 matches" stops after 1,001; a start it has
not indexed (FTS5 indexed 2 and 3 letters) is answered by merging the lists of every word
that begins with it, whole, before the first row: the search's cost grew with the number
of innovations (8.5 ms at 100,000 against 2 ms at 20,000). Starts of 2 to 14 letters are
now indexed; longer ones begin few words.

Title matches come first. Asked of the four-column index with a column filter, FTS5 reads
every match to check where its words are; a title-only index (as migration 1405 built on
PostgreSQL) answers from the titles alone. It holds the published innovations, like the
main index since migration 1402.

Revision ID: 1406
Revises: 1405
Create Date: 2026-11-27 20:40:00

"""
from alembic import op


revision = '1406'
down_revision = '1405'
branch_labels = None
depends_on = None

TOKENIZE = "tokenize='unicode61 remove_diacritics 2'"
PREFIXES = "prefix='2 3 4 5 6 7 8 9 10 11 12 13 14'"
OLD_PREFIXES = "prefix='2 3'"
COLUMNS = "title, summary, tags, description"
TAGS = "coalesce((SELECT group_concat(value, ' ') FROM json_each(tags)), '')"
PUBLISHED = "'published'"


def _main_index(prefixes: str):
    """innovations_fts again, with these prefixes; the triggers of 1402 keep it current."""
    op.execute("DROP TABLE innovations_fts")
    op.execute(
        f"CREATE VIRTUAL TABLE innovations_fts USING fts5({COLUMNS}, content='innovations', "
        f"content_rowid='id', {TOKENIZE}, {prefixes})"
    )
    op.execute(
        f"INSERT INTO innovations_fts (rowid, {COLUMNS}) "
        f"SELECT id, title, summary, {TAGS}, description FROM innovations "
        f"WHERE status = {PUBLISHED}"
    )


def upgrade():
    if op.get_bind().dialect.name != "sqlite":
        return
    _main_index(PREFIXES)
    op.execute(
        "CREATE VIRTUAL TABLE innovation_titles_fts USING fts5(title, content='innovations', "
        f"content_rowid='id', {TOKENIZE}, {PREFIXES})"
    )
    op.execute(
        "CREATE TRIGGER innovation_titles_fts_insert AFTER INSERT ON innovations "
        f"WHEN new.status = {PUBLISHED} BEGIN "
        "INSERT INTO innovation_titles_fts (rowid, title) VALUES (new.id, new.title); END"
    )
    op.execute(
        "CREATE TRIGGER innovation_titles_fts_delete AFTER DELETE ON innovations "
        f"WHEN old.status = {PUBLISHED} BEGIN "
        "INSERT INTO innovation_titles_fts (innovation_titles_fts, rowid, title) "
        "VALUES ('delete', old.id, old.title); END"
    )
    op.execute(
        "CREATE TRIGGER innovation_titles_fts_update AFTER UPDATE OF title, status ON innovations "
        "BEGIN "
        "INSERT INTO innovation_titles_fts (innovation_titles_fts, rowid, title) "
        f"SELECT 'delete', old.id, old.title WHERE old.status = {PUBLISHED}; "
        "INSERT INTO innovation_titles_fts (rowid, title) "
        f"SELECT new.id, new.title WHERE new.status = {PUBLISHED}; END"
    )
    op.execute(
        "INSERT INTO innovation_titles_fts (rowid, title) "
        f"SELECT id, title FROM innovations WHERE status = {PUBLISHED}"
    )


def downgrade():
    if op.get_bind().dialect.name != "sqlite":
        return
    for verb in ("insert", "update", "delete"):
        op.execute(f"DROP TRIGGER IF EXISTS innovation_titles_fts_{verb}")
    op.execute("DROP TABLE innovation_titles_fts")
    _main_index(OLD_PREFIXES)
